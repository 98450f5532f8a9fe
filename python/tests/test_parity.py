"""The package's parity with the command line: tallies, coverage, diff, the regime columns of
stats and of a classification, and stats' point of view, on the tiny test dataset
(tests/fixtures/tiny: dyad XAA-XBB, a fence on km 102-110 built in October 2006, 42 km of
mines laid in 2000 and cleared in October 2005)."""
from pathlib import Path

import pandas as pd
import pytest

import bordertrack

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "tests" / "fixtures" / "tiny"


@pytest.fixture(scope="module")
def tiny():
    return bordertrack.Borders.load(TINY)


def test_stats_give_the_regimes_in_effect(tiny):
    mined = tiny.stats(as_of="2001-06-01").iloc[0]
    assert mined.mined_m == pytest.approx(42_000)
    assert mined.fenced_m == 0
    fenced = tiny.stats(as_of="2007-01-01").iloc[0]
    assert fenced.mined_m == 0
    assert fenced.fenced_m == pytest.approx(8_000)
    # 2005 holds the clearing: the mines are not in effect on every day of it.
    assert tiny.stats(as_of="2005").iloc[0].mined_m == 0
    assert 0 <= fenced.delimited_pct <= 100


def test_stats_point_of_view(tiny):
    # No party's view is recorded: every party sees the dataset's statuses.
    own = tiny.stats(as_of="2004")
    pd.testing.assert_frame_equal(tiny.stats(as_of="2004", pov="XAA"), own)
    with pytest.raises(ValueError):
        tiny.stats(pov="not a code")


def test_tallies_as_the_command_lists_them(tiny):
    every = tiny.tallies()
    assert list(every["count"]) == [1127, 28, 68]
    assert set(every["dyad"]) == {"XAA-XBB"}
    assert list(tiny.tallies(from_date="2004", to_date="2005")["count"]) == [68]
    assert list(tiny.tallies(to_date="2002")["count"]) == [68]
    assert tiny.tallies(from_date="2007").empty
    with pytest.raises(ValueError, match="ends before"):
        tiny.tallies(from_date="2005", to_date="2004")


def test_coverage_per_dyad(tiny):
    cov = tiny.coverage(as_of="2024")
    assert list(cov["dyad"]) == tiny.dyads()
    row = cov.iloc[0]
    length_km = tiny.stats(as_of="2024").iloc[0].length_m / 1000
    assert row["length_km"] == pytest.approx(length_km, abs=0.001)
    assert row["tallies"] == 3
    with pytest.raises(ValueError, match="after the date"):
        tiny.coverage(as_of="2000", since="2001")


def test_diff_from_first_day_to_last_day(tiny):
    year = tiny.diff("2005", "2005")
    mines = year[(year["segment_id"] == "XAA-XBB-1") & (year["what"] == "mined")]
    assert list(zip(mines["before"], mines["after"])) == [("laid", "cleared")]
    days = tiny.diff("2005-01-01", "2005-12-31")
    pd.testing.assert_frame_equal(pd.DataFrame(year), pd.DataFrame(days))
    assert tiny.diff("2005", "2005-09").query("what == 'mined'").empty
    with pytest.raises(ValueError, match="after"):
        tiny.diff("2006", "2005")


def test_classification_names_the_regimes_at_the_date(tiny):
    # The first segment of XAA-XBB, mined from 2000 until October 2005.
    lon, lat = 69.01, 41.5
    got = tiny.classify([lon, lon, lon], [lat, lat, lat], ["2001-06-01", "2005", "2007-01-01"],
                        within_m=5000, output="pandas")
    regimes = [str(v) for v in got["regimes"]]
    assert regimes[0] == "mined"
    # 2005 holds the clearing: mined on some of its days only.
    assert regimes[1] == "mined?"
    assert "mined" not in regimes[2]
    found = tiny.locate(lon, lat, as_of="2001-06-01")
    assert found["regimes"] == "mined"
