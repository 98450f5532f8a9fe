"""GeoParquet written by the `bordertrack` command, read by DuckDB (1.5 or later).

DuckDB reads a GeoParquet's `geo` metadata itself since 1.5, without its spatial extension
(which is downloaded from extensions.duckdb.org, so not loaded here): the geometry column
is a GEOMETRY in the CRS the metadata names, `ST_AsWKB` and `ST_AsText` work, and the other
columns keep their Parquet types. This checks what a DuckDB user gets: the CRS, the row
count, the column types (dates as DATE), the WKB geometries where the CSV's lon/lat say, and
the bbox covering column.
"""
import struct

import duckdb
import pytest


# Layer, its WKB geometry type code, its date columns, and some of its float columns.
LAYERS = [
    ("segments", 5, ["since_start", "since_end"], ["length_km"]),
    ("status", 5, ["valid_from", "valid_to"], ["length_km"]),
    ("places", 1, [], ["precision_m"]),
    ("incidents", 1, ["date_start", "date_end"], ["distance_m", "chainage_km"]),
]


@pytest.fixture(scope="module")
def con():
    # No extension is installed or loaded behind the test's back.
    return duckdb.connect(config={"autoinstall_known_extensions": False,
                                  "autoload_known_extensions": False})


@pytest.mark.parametrize("layer,wkb_type,dates,floats", LAYERS)
def test_duckdb_reads_the_geoparquet(exported, con, layer, wkb_type, dates, floats):
    path, csv = exported[layer]
    types = dict(con.execute(f"SELECT column_name, column_type FROM "
                             f"(DESCRIBE SELECT * FROM '{path}')").fetchall())
    assert types["geometry"] == "GEOMETRY('OGC:CRS84')"
    assert types["bbox"] == "STRUCT(xmin DOUBLE, ymin DOUBLE, xmax DOUBLE, ymax DOUBLE)"
    for c in dates:
        assert types[c] == "DATE", (c, types[c])
    for c in floats:
        assert types[c] == "DOUBLE", (c, types[c])
    assert [c for c in types if c not in ("geometry", "bbox")] == list(csv.columns)
    rows = con.execute(f"SELECT ST_AsWKB(geometry), bbox, * EXCLUDE (geometry, bbox) "
                       f"FROM '{path}'").fetchall()
    assert len(rows) == len(csv) > 0
    for i, (wkb, bbox, *values) in enumerate(rows):
        byte_order, kind = struct.unpack_from("<BI", wkb)
        assert (byte_order, kind) == (1, wkb_type), (i, wkb[:5])
        if kind == 1:
            x, y = struct.unpack_from("<dd", wkb, 5)
            assert (bbox["xmin"], bbox["ymin"], bbox["xmax"], bbox["ymax"]) == (x, y, x, y)
            if "lon" in csv.columns:
                assert abs(x - float(csv["lon"][i])) < 1e-9 and abs(y - float(csv["lat"][i])) < 1e-9
        else:
            assert bbox["xmin"] < bbox["xmax"] or bbox["ymin"] < bbox["ymax"], (i, bbox)
        # Dates are the CSV's days.
        for c in dates:
            value = values[list(csv.columns).index(c)]
            assert (value.isoformat() if value is not None else "") == csv[c][i], (i, c)


def test_a_layer_without_geometry_is_a_plain_table(tmp_path, con, cli):
    path = tmp_path / "instruments.parquet"
    cli("export", "instruments", "-o", str(path))
    types = dict(con.execute(f"SELECT column_name, column_type FROM "
                             f"(DESCRIBE SELECT * FROM '{path}')").fetchall())
    assert "geometry" not in types and types["signed_start"] == "DATE"
    assert con.execute(f"SELECT count(*) FROM '{path}'").fetchone()[0] > 0
