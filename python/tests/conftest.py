"""Fixtures shared by the tests that read what the `bordertrack` command writes.

The command is run through cargo (the release build), or as the program that
BORDERTRACK_BIN names.
"""
import io
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]

# The layers that have a geometry, each exported once per test session.
GEOMETRY_LAYERS = ["segments", "status", "places", "incidents"]


def _run(*args: str) -> bytes:
    run = ["cargo", "run", "--quiet", "--release", "--manifest-path", str(REPO / "Cargo.toml"),
           "--"]
    if os.environ.get("BORDERTRACK_BIN"):
        run = [os.environ["BORDERTRACK_BIN"]]
    return subprocess.run(run + list(args), check=True, capture_output=True).stdout


@pytest.fixture(scope="session")
def cli():
    """Runs the command with the arguments given; returns what it wrote to stdout."""
    return _run


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """Each layer with a geometry as GeoParquet, and its CSV (the reference for columns and
    rows): {layer: (path, csv)}."""
    d = tmp_path_factory.mktemp("geoparquet")
    out = {}
    for layer in GEOMETRY_LAYERS:
        path = d / f"{layer}.parquet"
        _run("export", layer, "-o", str(path))
        csv = pd.read_csv(io.BytesIO(_run("export", layer, "--format", "csv")), dtype=str,
                          keep_default_na=False)
        out[layer] = (path, csv)
    return out
