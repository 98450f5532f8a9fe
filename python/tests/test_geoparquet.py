"""GeoParquet written by the `bordertrack` command, read by geopandas and pyarrow.

The command is run through cargo (the release build, as the other tests here use it), or
as the program that BORDERTRACK_BIN names; this checks the file other programs get: its CRS,
geometry types, columns and their types, and feature count.
"""
import json

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest


# Layer, its geometry type, its date columns, and some of its float columns.
LAYERS = [
    ("segments", "MultiLineString", ["since_start", "since_end"], ["length_km"]),
    ("status", "MultiLineString", ["valid_from", "valid_to"], ["length_km"]),
    ("places", "Point", [], ["precision_m"]),
    ("incidents", "Point", ["date_start", "date_end"], ["distance_m", "chainage_km"]),
]


@pytest.mark.parametrize("layer,geometry_type,dates,floats", LAYERS)
def test_geopandas_reads_the_geoparquet(exported, layer, geometry_type, dates, floats):
    gpd = pytest.importorskip("geopandas")
    path, csv = exported[layer]
    df = gpd.read_parquet(path, to_pandas_kwargs={"date_as_object": False})
    assert len(df) == len(csv) > 0
    assert df.crs is not None and df.crs.to_string() == "OGC:CRS84"
    assert df.crs.equals("EPSG:4326", ignore_axis_order=True)
    assert set(df.geom_type) == {geometry_type}
    assert df.geometry.name == "geometry"
    # The layer's columns in order (geopandas leaves the bbox covering column out, or not,
    # by version).
    columns = [c for c in df.columns if c not in ("geometry", "bbox")]
    assert columns == list(csv.columns)
    for c in dates:
        assert pd.api.types.is_datetime64_any_dtype(df[c]), (c, df[c].dtype)
        # The same days as the CSV's text.
        text = df[c].dt.strftime("%Y-%m-%d").fillna("")
        assert text.tolist() == csv[c].tolist(), c
    for c in floats:
        assert df[c].dtype == "float64", (c, df[c].dtype)
    # The points are where the CSV's lon/lat say (incidents have both).
    if "lon" in csv.columns:
        lon = pd.to_numeric(csv["lon"]).to_numpy()
        assert abs(df.geometry.x.to_numpy() - lon).max() < 1e-9


@pytest.mark.parametrize("layer,geometry_type,dates,floats", LAYERS)
def test_the_geo_metadata_and_the_bbox_covering(exported, layer, geometry_type, dates, floats):
    path, _ = exported[layer]
    meta = pq.read_metadata(path)
    geo = json.loads(meta.metadata[b"geo"])
    assert geo["version"] == "1.1.0"
    assert geo["primary_column"] == "geometry"
    column = geo["columns"]["geometry"]
    assert column["encoding"] == "WKB"
    assert column["geometry_types"] == [geometry_type]
    assert column["crs"]["id"] == {"authority": "OGC", "code": "CRS84"}
    assert column["covering"]["bbox"]["xmin"] == ["bbox", "xmin"]
    schema = pq.read_schema(path)
    for c in dates:
        assert schema.field(c).type == pa.date32()
    bbox = schema.field("bbox").type
    assert [bbox.field(i).name for i in range(bbox.num_fields)] == ["xmin", "ymin", "xmax",
                                                                     "ymax"]
    table = pq.read_table(path, columns=["bbox"])
    xmin = pc.min(table["bbox"].combine_chunks().field("xmin")).as_py()
    xmax = pc.max(table["bbox"].combine_chunks().field("xmax")).as_py()
    assert column["bbox"][0] == xmin and column["bbox"][2] == xmax


def test_a_layer_without_geometry_is_a_plain_parquet_table(tmp_path, cli):
    path = tmp_path / "instruments.parquet"
    cli("export", "instruments", "-o", str(path))
    assert b"geo" not in (pq.read_metadata(path).metadata or {})
    df = pd.read_parquet(path)
    assert len(df) > 0 and "geometry" not in df.columns
    assert pq.read_schema(path).field("signed_start").type == pa.date32()
