"""Tests of the bordertrack Python package, run against the installed wheel (see .ci/run)."""
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import bordertrack

REPO = Path(__file__).resolve().parents[2]
SARYAGASH = (69.16667, 41.46667)  # Saryagash (Kazakhstan), near the KAZ-UZB border


@pytest.fixture(scope="module")
def borders():
    return bordertrack.Borders.embedded()


def test_load_and_embedded_agree(borders):
    loaded = bordertrack.Borders.load(REPO / "geodata")
    assert loaded.dyads() == borders.dyads()
    assert "KAZ-UZB" in borders.dyads()


def test_load_of_a_missing_directory_is_a_value_error(tmp_path):
    with pytest.raises(ValueError):
        bordertrack.Borders.load(tmp_path / "nowhere")


def test_stats_for_one_dyad(borders):
    df = borders.stats(as_of="2024", dyad="KAZ-UZB")
    assert list(df["dyad"]) == ["KAZ-UZB"]
    row = df.iloc[0]
    delimitation = (row.delimited_m + row.disputed_m + row.undelimited_m
                    + row.delimitation_unknown_m + row.delimitation_ambiguous_m)
    assert row.length_m > 1_000_000
    assert delimitation == pytest.approx(row.length_m, rel=1e-9)


def test_stats_of_every_dyad_and_bad_arguments(borders):
    assert len(borders.stats(as_of="2024")) == len(borders.dyads())
    with pytest.raises(ValueError, match="no segments of dyad"):
        borders.stats(dyad="FRA-ESP")
    with pytest.raises(ValueError):
        borders.stats(as_of="not a date")
    with pytest.raises(ValueError):
        borders.stats(basis="sometime")


def test_locate(borders):
    found = borders.locate(*SARYAGASH, as_of="2024-01-01")
    assert found["dyad"] == "KAZ-UZB"
    assert found["delimitation"] == "delimited"
    assert 0 < found["distance_m"] < 10_000


def test_classify_arrays(borders):
    table = borders.classify(np.array([SARYAGASH[0], 0.0]), np.array([SARYAGASH[1], 0.0]),
                             ["2006-04-19", "2010"], within_m=5000)
    assert isinstance(table, pa.Table)
    assert table.column_names == list(bordertrack.CLASSIFICATION_COLUMNS)
    df = table.to_pandas()
    assert len(df) == 2
    assert df.loc[0, "dyad"] == "KAZ-UZB"
    assert 0 < df.loc[0, "distance_m"] < 5000
    assert pd.isna(df.loc[1, "dyad"])  # the Gulf of Guinea is on no border
    assert np.isnan(df.loc[1, "distance_m"])
    assert str(df.loc[1, "date_end"]) == "2010-12-31"


def test_classify_as_pandas_with_spans_and_precision(borders):
    df = borders.classify([SARYAGASH[0]], [SARYAGASH[1]], "2006-04", date_end="2006-05",
                          precision_m=[250.0], within_m=5000, output="pandas")
    assert isinstance(df, pd.DataFrame)
    assert (str(df.loc[0, "date_start"]), str(df.loc[0, "date_end"])) == \
        ("2006-04-01", "2006-05-31")
    assert df.loc[0, "certainty"] in ("certain", "possible")


def test_classify_accepts_datetimes_dates_and_lists(borders):
    import datetime
    days = np.array(["2006-04-19"], dtype="datetime64[D]")
    nanos = pd.Series(pd.to_datetime(["2006-04-19 13:00"]))
    objects = [datetime.date(2006, 4, 19)]
    answers = [borders.classify([SARYAGASH[0]], [SARYAGASH[1]], d, within_m=5000)
               for d in (days, nanos, objects, ["2006-04-19"])]
    for a in answers:
        assert str(a.column("date_start")[0]) == "2006-04-19"
        assert a.equals(answers[0])


def test_classify_bad_rows_raise_value_error_naming_each_row(borders):
    with pytest.raises(ValueError) as e:
        borders.classify([1.0, 2.0, 3.0, 4.0], [100.0, 2.0, 3.0, np.nan],
                         ["2000", "2000-13", "2000", "2000"])
    text = str(e.value)
    assert "3 bad row(s)" in text
    assert "<points>: row 1: latitude 100 out of range -90..90" in text
    assert "<points>: row 2: date_start 2000-13" in text
    assert "<points>: row 4: latitude is empty" in text
    with pytest.raises(ValueError, match="row 1: date_end 1999-12-31 is before date_start"):
        borders.classify([1.0], [1.0], "2000", date_end="1999")
    with pytest.raises(ValueError, match="row 1: date_start is empty"):
        borders.classify([1.0], [1.0], np.array(["NaT"], dtype="datetime64[D]"))
    with pytest.raises(ValueError, match="row 1: precision_m"):
        borders.classify([1.0], [1.0], "2000", precision_m=[-5.0])


def test_classify_argument_errors(borders):
    with pytest.raises(ValueError, match="lat has"):
        borders.classify([1.0, 2.0], [1.0], ["2000", "2000"])
    with pytest.raises(ValueError):
        borders.classify([1.0], [1.0], ["2000"], within_m=-1)
    with pytest.raises(ValueError):
        borders.classify([1.0], [1.0], ["2000"], on="no-such-status")
    with pytest.raises(ValueError, match="no segments of dyad"):
        borders.classify([1.0], [1.0], ["2000"], dyad="FRA-ESP")
    with pytest.raises(ValueError):
        borders.classify([1.0], [1.0], ["2000"], output="excel")
    with pytest.raises(ValueError, match="within_m or nearest"):
        borders.classify([1.0], [1.0], ["2000"], nearest=True, within_m=5000)


FAR = (60.0, 28.0)  # southern Iran, about 800 km from the dataset's nearest line


def test_classify_nearest_answers_every_point_whatever_the_distance(borders):
    lon, lat = [FAR[0], SARYAGASH[0]], [FAR[1], SARYAGASH[1]]
    within = borders.classify(lon, lat, "2010-06-01", within_m=5000)
    assert within.column("segment_id").to_pylist()[0] is None
    near = borders.classify(lon, lat, "2010-06-01", nearest=True, output="pandas")
    assert near["segment_id"].notna().all()
    # The same segment and distance as the point query (the nearest segment of all).
    for i, (x, y) in enumerate(zip(lon, lat)):
        found = borders.locate(x, y)
        assert near["segment_id"][i] == found["segment_id"]
        assert near["distance_m"][i] == pytest.approx(found["distance_m"], abs=1e-6)
    assert near["distance_m"][0] > 700_000
    # Where the point is within 5 km, the nearest is what the 5 km search finds.
    assert near["segment_id"][1] == within.column("segment_id").to_pylist()[1]


def test_classify_nearest_with_filters(borders):
    lon, lat = [FAR[0], SARYAGASH[0]], [FAR[1], SARYAGASH[1]]
    kaz_chn = borders.classify(lon, lat, "2010-06-01", nearest=True, dyad="CHN-KAZ",
                               output="pandas")
    assert list(kaz_chn["dyad"]) == ["CHN-KAZ", "CHN-KAZ"]
    anything = borders.classify(lon, lat, "2010-06-01", nearest=True, output="pandas")
    assert (kaz_chn["distance_m"] > anything["distance_m"]).all()
    undelimited = borders.classify(lon, lat, "2006-04-19", nearest=True, on="undelimited",
                                   output="pandas")
    assert list(undelimited["delimitation"]) == ["undelimited", "undelimited"]
    with pytest.raises(ValueError, match="no segment of dyad CHN-KAZ"):
        borders.classify(lon, lat, "2010", nearest=True, dyad="CHN-KAZ", on="disputed",
                         as_of="2020-01-01")
    frame = pd.DataFrame({"lon": lon, "lat": lat, "date": ["2010-06-01"] * 2, "n": [1, 2]})
    out = borders.classify_frame(frame, nearest=True)
    assert list(out["n"]) == [1, 2]
    assert list(out["segment_id"]) == list(anything["segment_id"])


def test_classify_filters(borders):
    lon, lat = [SARYAGASH[0]] * 2, [SARYAGASH[1]] * 2
    everything = borders.classify(lon, lat, ["1995", "2006-04-19"], within_m=5000)
    delimited = borders.classify(lon, lat, ["1995", "2006-04-19"], within_m=5000,
                                 on="delimited")
    statuses = everything.column("delimitation").to_pylist()
    assert [s if s == "delimited" else None for s in statuses] == \
        delimited.column("delimitation").to_pylist()
    other = borders.classify(lon, lat, ["2006"] * 2, within_m=5000, dyad="KAZ-UZB")
    assert other.column("dyad").to_pylist() == ["KAZ-UZB"] * 2


def test_classify_frame_keeps_every_column(borders):
    df = pd.DataFrame({"lon": [SARYAGASH[0], 0.0], "lat": [SARYAGASH[1], 0.0],
                       "date": ["2006-04-19", "2010"], "note": ["a", "b"],
                       "dyad": ["mine", "mine"]},
                      index=[10, 20])
    out = borders.classify_frame(df, within_m=5000)
    assert list(out.index) == [10, 20]
    assert list(out["note"]) == ["a", "b"]
    assert list(out["dyad"]) == ["mine", "mine"]  # the frame's own column is kept
    assert out.loc[10, "bt_dyad"] == "KAZ-UZB"  # a name already taken is prefixed
    assert list(out.columns[:5]) == list(df.columns)


def test_layers(borders):
    segments = borders.segments(as_of="2024", dyad="KAZ-UZB")
    assert len(segments) > 0
    assert set(segments["dyad"]) == {"KAZ-UZB"}
    assert {"segment_id", "length_km", "delimitation", "demarcation"} <= set(segments.columns)
    stats = borders.stats(as_of="2024", dyad="KAZ-UZB")
    assert segments["length_km"].sum() * 1000 == pytest.approx(stats.loc[0, "length_m"],
                                                               rel=1e-6)
    delimited = borders.segments(as_of="2024", on="delimited")
    assert 0 < len(delimited) <= len(borders.segments(as_of="2024"))
    assert set(delimited["delimitation"]) <= {"delimited", "ambiguous"}
    history = borders.history(dyad="KAZ-UZB")
    assert len(history) >= len(segments)
    assert {"valid_from", "valid_to", "instrument_id"} <= set(history.columns)
    places = borders.places(as_of="2024")
    assert len(places) > 0 and "place_id" in places.columns
    with pytest.raises(ValueError):
        borders.segments(as_of="yesterday")


def test_layers_are_geodataframes_with_geopandas(borders):
    gpd = pytest.importorskip("geopandas")
    segments = borders.segments(dyad="KAZ-UZB")
    assert isinstance(segments, gpd.GeoDataFrame)
    assert segments.crs.to_epsg() == 4326
    assert set(segments.geom_type) <= {"LineString", "MultiLineString"}
    assert set(borders.places().geom_type) == {"Point"}


def test_classify_file_and_its_errors(borders, tmp_path):
    good = tmp_path / "in.csv"
    good.write_text(f"id,date,lat,lon,note\nA,2006-04-19,{SARYAGASH[1]},{SARYAGASH[0]},kept\n")
    df = borders.classify_file(good, within_m=5000)
    assert list(df["id"]) == ["A"]
    assert list(df["note"]) == ["kept"]
    # A column named like one of the classification's needs a prefix.
    clash = tmp_path / "clash.csv"
    clash.write_text(f"id,date,lat,lon,dyad\nA,2006-04-19,{SARYAGASH[1]},{SARYAGASH[0]},\n")
    with pytest.raises(ValueError, match="dyad"):
        borders.classify_file(clash, within_m=5000)
    assert list(borders.classify_file(clash, within_m=5000, prefix="bt_")["bt_dyad"]) == ["KAZ-UZB"]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,lat,lon\nA,2006,oops,69.2\nB,2006,41,69.2\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: latitude \"oops\" is not a number"):
        borders.classify_file(bad)
    assert len(borders.classify_file(bad, errors="skip", all_rows=True)) == 1
    with pytest.raises(ValueError):
        borders.classify_file(tmp_path / "missing.csv")
    not_parquet = tmp_path / "x.parquet"
    not_parquet.write_text("id,date,lat,lon\n")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        borders.classify_file(not_parquet)


def test_classify_file_reads_parquet_like_csv(tmp_path):
    fixtures = REPO / "tests" / "fixtures"
    tiny = bordertrack.Borders.load(fixtures / "tiny")
    csv = tiny.classify_file(fixtures / "parquet" / "incidents.csv", all_rows=True)
    assert len(csv) == 8
    # The same answers (a CSV table's own columns are kept; Parquet's are id, date, lat, lon).
    answers = ["id", *bordertrack.CLASSIFICATION_COLUMNS]
    for name in ("plain.parquet", "geo.parquet"):
        got = tiny.classify_file(fixtures / "parquet" / name, all_rows=True)
        pd.testing.assert_frame_equal(got[answers], csv[answers])


def test_geopandas_round_trip(borders):
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.GeoDataFrame({"date": ["2006-04-19", "2006-04-20"], "name": ["x", "y"]},
                           geometry=gpd.points_from_xy([SARYAGASH[0], 0.0],
                                                       [SARYAGASH[1], 0.0]),
                           crs="EPSG:4326")
    out = borders.classify_frame(gdf, within_m=5000)
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs == gdf.crs
    assert out.loc[0, "dyad"] == "KAZ-UZB"
    assert out.geometry.equals(gdf.geometry)
    back = gpd.GeoDataFrame.from_features(out.__geo_interface__, crs=out.crs)
    assert back.loc[0, "segment_id"] == out.loc[0, "segment_id"]
    with pytest.raises(ValueError, match="not WGS84"):
        borders.classify_frame(gdf.to_crs(3857))


# The classification columns of `bordertrack incidents`, compared by name (so that the
# command's other columns may change), with the command's rounding of distances.
COMPARED = ("date_start", "date_end", "segment_id", "dyad", "distance_m", "chainage_km", "side",
            "delimitation", "demarcation", "instrument_id", "ambiguity", "regimes", "certainty",
            "alternatives")


def _as_cli_text(df: pd.DataFrame) -> pd.DataFrame:
    """classify()'s columns written as the command writes them in CSV."""
    out = pd.DataFrame(index=df.index)
    for c in COMPARED:
        col = df[c]
        if c == "distance_m":
            text = col.map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        elif c == "chainage_km":
            text = col.map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
        else:
            text = col.astype(object).map(lambda v: "" if pd.isna(v) else str(v))
        out[c] = text.astype(str)
    return out.reset_index(drop=True)


def _cli_answers(rows: Path, *extra: str) -> pd.DataFrame:
    """The command's answers on ROWS: within 5 km, or with EXTRA's options (`--nearest`)."""
    run = ["cargo", "run", "--quiet", "--release", "--manifest-path", str(REPO / "Cargo.toml")]
    mode = list(extra) or ["--within", "5km"]
    cli = subprocess.run(run + ["--", "incidents", str(rows), *mode, "--all",
                                "--format", "csv"], check=True, capture_output=True)
    return pd.read_csv(io.BytesIO(cli.stdout), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def benchmark_rows(tmp_path_factory):
    """The README benchmark's first 100,000 rows and the CLI's answers on them."""
    if os.environ.get("BORDERTRACK_SKIP_CLI_COMPARISON"):
        pytest.skip("BORDERTRACK_SKIP_CLI_COMPARISON is set")
    d = tmp_path_factory.mktemp("bench")
    rows = d / "incidents.csv"
    run = ["cargo", "run", "--quiet", "--release", "--manifest-path", str(REPO / "Cargo.toml")]
    subprocess.run(run + ["--example", "gen_incidents", "--", "100000", str(rows)], check=True)
    return rows, _cli_answers(rows)


def test_classify_file_equals_the_cli(borders, benchmark_rows):
    rows, expected = benchmark_rows
    df = borders.classify_file(rows, within_m=5000, all_rows=True)
    assert len(expected) == 100_000
    pd.testing.assert_frame_equal(df, expected)


def test_classify_arrays_equal_the_cli(borders, benchmark_rows):
    rows, expected = benchmark_rows
    table = pd.read_csv(rows, dtype={"date": str})
    answers = borders.classify(table["lon"].to_numpy(), table["lat"].to_numpy(),
                               table["date"].to_numpy(), within_m=5000,
                               precision_m=table["precision_m"].to_numpy(), output="pandas")
    assert (expected["segment_id"] != "").sum() > 50_000  # most rows are on a border
    pd.testing.assert_frame_equal(_as_cli_text(answers),
                                  expected[list(COMPARED)].reset_index(drop=True))


def test_nearest_equals_the_cli(borders, benchmark_rows):
    rows, _ = benchmark_rows
    expected = _cli_answers(rows, "--nearest")
    assert (expected["segment_id"] != "").all()  # every row has a nearest segment
    pd.testing.assert_frame_equal(borders.classify_file(rows, nearest=True), expected)
    table = pd.read_csv(rows, dtype={"date": str})
    answers = borders.classify(table["lon"].to_numpy(), table["lat"].to_numpy(),
                               table["date"].to_numpy(), nearest=True,
                               precision_m=table["precision_m"].to_numpy(), output="pandas")
    pd.testing.assert_frame_equal(_as_cli_text(answers),
                                  expected[list(COMPARED)].reset_index(drop=True))


def test_dask_local_cluster_gives_the_cli_answers(borders, benchmark_rows, tmp_path):
    """classify_frame over a partitioned Parquet dataset with map_partitions on
    dask.distributed's LocalCluster: the same answers as the command on the same rows."""
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("dask.distributed")
    rows, expected = benchmark_rows
    table = pd.read_csv(rows, dtype={"date": str, "id": str})
    dataset = tmp_path / "incidents-parquet"
    dd.from_pandas(table, npartitions=8).to_parquet(dataset, write_index=False)

    def classify_partition(part: pd.DataFrame) -> pd.DataFrame:
        import bordertrack as bt
        return bt.Borders.embedded().classify_frame(part, precision_m="precision_m",
                                                    within_m=5000)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        ddf = dd.read_parquet(dataset)
        assert ddf.npartitions == 8
        # Without meta, dask infers the output by running the function on made-up values
        # ("a" as a date), which bordertrack rightly refuses: give it the real output's
        # columns, from one real row.
        meta = classify_partition(ddf.head(1)).iloc[:0]
        got = ddf.map_partitions(classify_partition, meta=meta).compute()
    got = got.set_index("id").loc[expected["id"]].reset_index()
    assert len(got) == 100_000
    pd.testing.assert_frame_equal(_as_cli_text(got),
                                  expected[list(COMPARED)].reset_index(drop=True))
