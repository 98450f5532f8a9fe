"""Tests of the bordertrack Python package, run against the installed wheel (see .ci/run)."""
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
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
    df = borders.classify(np.array([SARYAGASH[0], 0.0]), np.array([SARYAGASH[1], 0.0]),
                          ["2006-04-19", "2010"], within_m=5000)
    assert len(df) == 2
    assert df.loc[0, "dyad"] == "KAZ-UZB"
    assert df.loc[1, "dyad"] == ""  # the Gulf of Guinea is on no border
    assert df.loc[1, "date_end"] == "2010-12-31"


def test_classify_accepts_datetimes_and_lists(borders):
    dates = np.array(["2006-04-19"], dtype="datetime64[D]")
    df = borders.classify([SARYAGASH[0]], [SARYAGASH[1]], dates, within_m=5000)
    assert df.loc[0, "date"] == "2006-04-19"


def test_classify_bad_rows_raise_value_error_naming_each_row(borders):
    with pytest.raises(ValueError) as e:
        borders.classify([1.0, 2.0, 3.0], [100.0, 2.0, 3.0], ["2000", "2000-13", "2000"])
    text = str(e.value)
    assert "2 bad row(s)" in text
    assert "<arrays>:2: latitude 100 out of range" in text
    assert "<arrays>:3:" in text


def test_classify_argument_errors(borders):
    with pytest.raises(ValueError, match="lat has"):
        borders.classify([1.0, 2.0], [1.0], ["2000", "2000"])
    with pytest.raises(ValueError):
        borders.classify([1.0], [1.0], ["2000"], within_m=-1)
    with pytest.raises(ValueError):
        borders.classify([1.0], [1.0], ["2000"], on="no-such-status")
    with pytest.raises(NotImplementedError):
        borders.classify([1.0], [1.0], ["2000"], nearest=True)


def test_classify_frame_keeps_every_column(borders):
    df = pd.DataFrame({"lon": [SARYAGASH[0], 0.0], "lat": [SARYAGASH[1], 0.0],
                       "date": ["2006-04-19", "2010"], "note": ["a", "b"]},
                      index=[10, 20])
    out = borders.classify_frame(df, within_m=5000)
    assert list(out.index) == [10, 20]
    assert list(out["note"]) == ["a", "b"]
    assert out.loc[10, "dyad"] == "KAZ-UZB"
    assert "bt_date" in out.columns  # a name already taken is prefixed


def test_classify_file_and_its_errors(borders, tmp_path):
    good = tmp_path / "in.csv"
    good.write_text(f"id,date,lat,lon\nA,2006-04-19,{SARYAGASH[1]},{SARYAGASH[0]}\n")
    df = borders.classify_file(good, within_m=5000)
    assert list(df["incident_id"]) == ["A"]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,date,lat,lon\nA,2006,oops,69.2\n")
    with pytest.raises(ValueError, match=r"bad.csv:2: latitude \"oops\" is not a number"):
        borders.classify_file(bad)
    with pytest.raises(ValueError):
        borders.classify_file(tmp_path / "missing.csv")


def test_geopandas_round_trip(borders):
    gpd = pytest.importorskip("geopandas")
    gdf = gpd.GeoDataFrame({"date": ["2006-04-19"], "name": ["x"]},
                           geometry=gpd.points_from_xy([SARYAGASH[0]], [SARYAGASH[1]]),
                           crs="EPSG:4326")
    out = borders.classify_frame(gdf, within_m=5000)
    assert isinstance(out, gpd.GeoDataFrame)
    assert out.crs == gdf.crs
    assert out.loc[0, "dyad"] == "KAZ-UZB"
    assert out.geometry.equals(gdf.geometry)


@pytest.fixture(scope="module")
def benchmark_rows(tmp_path_factory):
    """The README benchmark's first 100,000 rows and the CLI's answer on them."""
    if os.environ.get("BORDERTRACK_SKIP_CLI_COMPARISON"):
        pytest.skip("BORDERTRACK_SKIP_CLI_COMPARISON is set")
    d = tmp_path_factory.mktemp("bench")
    rows = d / "incidents.csv"
    run = ["cargo", "run", "--quiet", "--release", "--manifest-path", str(REPO / "Cargo.toml")]
    subprocess.run(run + ["--example", "gen_incidents", "--", "100000", str(rows)], check=True)
    cli = subprocess.run(run + ["--", "incidents", str(rows), "--within", "5km",
                                "--format", "csv"], check=True, capture_output=True)
    return rows, cli.stdout.decode()


def test_classify_file_equals_the_cli(borders, benchmark_rows):
    rows, cli = benchmark_rows
    df = borders.classify_file(rows, within_m=5000)
    expected = pd.read_csv(io.StringIO(cli), dtype=str, keep_default_na=False)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(df, expected)


def test_classify_arrays_equal_the_cli(borders, benchmark_rows):
    rows, cli = benchmark_rows
    table = pd.read_csv(rows, dtype=str, keep_default_na=False)
    expected = pd.read_csv(io.StringIO(cli), dtype=str, keep_default_na=False)
    lon_col = "lon" if "lon" in table.columns else "longitude"
    lat_col = "lat" if "lat" in table.columns else "latitude"
    date_col = "date" if "date" in table.columns else "event_date"
    id_col = "id" if "id" in table.columns else table.columns[0]
    df = borders.classify(table[lon_col].to_numpy(), table[lat_col].to_numpy(),
                          table[date_col].to_numpy(), within_m=5000, all_rows=False,
                          precision_m=table["precision_m"].astype(float).to_numpy(),
                          id=table[id_col].to_numpy())
    match = ["incident_id", "segment_id", "dyad", "distance_m", "delimitation", "demarcation",
             "certainty"]
    pd.testing.assert_frame_equal(df[match].reset_index(drop=True),
                                  expected[match].reset_index(drop=True))
