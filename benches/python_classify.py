"""Python `classify` on numpy arrays against the command on the same points, side by side, and
the cost of one Dask partition (issue 18).

    python benches/python_classify.py FILE [RUNS] [PARTITION_ROWS]

FILE is the README benchmark's table (`cargo run --release --example gen_incidents -- 1000000
FILE`); the command is `target/release/bordertrack` (build it first with `cargo build
--release`), and the `bordertrack` package must be installed in the running Python. Each run
alternates: the command (`incidents FILE --within 5km --format csv -o /dev/null`, then with
`--nearest` in place of `--within 5km`) and `Borders.classify` on the same points as numpy
arrays (lon, lat, precision_m as float64, dates as datetime64[D]; reading the CSV is done once,
before, and not timed), each mode. Wall times are printed per run and as medians, with the
machine's load average before and after.

Then Dask: the table split into partitions of PARTITION_ROWS rows (default 125,000), written
as Parquet, classified with `map_partitions(classify_frame)` on a `LocalCluster` with one worker
process of as many threads as cores (the library uses every core within one call), timed end to
end, and one partition classified in-process by `classify_frame`: the time one partition costs.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import bordertrack

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / "target" / "release" / "bordertrack"
MODES = {"within 5km": (["--within", "5km"], {"within_m": 5000.0}),
         "nearest": (["--nearest"], {"nearest": True})}


def cli_seconds(path: Path, options: "list[str]") -> float:
    start = time.perf_counter()
    subprocess.run([str(CLI), "incidents", str(path), *options, "--format", "csv",
                    "-o", "/dev/null"], check=True, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    path = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    partition_rows = int(sys.argv[3]) if len(sys.argv) > 3 else 125_000
    print(f"input {path}: {os.path.getsize(path)} bytes; {os.cpu_count()} cores; "
          f"load average {os.getloadavg()}")
    table = pd.read_csv(path, dtype={"id": str, "date": str})
    lon = table["lon"].to_numpy(dtype="f8")
    lat = table["lat"].to_numpy(dtype="f8")
    precision = table["precision_m"].to_numpy(dtype="f8")
    dates = table["date"].to_numpy().astype("datetime64[D]")
    borders = bordertrack.Borders.embedded()
    times: "dict[str, list[float]]" = {}
    for run in range(runs):
        for mode, (options, kwargs) in MODES.items():
            c = cli_seconds(path, options)
            start = time.perf_counter()
            out = borders.classify(lon, lat, dates, precision_m=precision, **kwargs)
            p = time.perf_counter() - start
            assert out.num_rows == len(table)
            times.setdefault(f"cli {mode}", []).append(c)
            times.setdefault(f"python {mode}", []).append(p)
            print(f"run {run + 1} {mode}: cli {c:.2f} s, python classify {p:.2f} s")
    for mode in MODES:
        c = statistics.median(times[f"cli {mode}"])
        p = statistics.median(times[f"python {mode}"])
        print(f"median {mode}: cli {c:.2f} s, python {p:.2f} s, ratio {p / c:.2f}")
    print(f"load average after: {os.getloadavg()}")

    # Dask: per-partition cost.
    import dask.dataframe as dd
    from dask.distributed import Client, LocalCluster

    part = table.iloc[:partition_rows]
    start = time.perf_counter()
    borders.classify_frame(part, precision_m="precision_m", within_m=5000.0)
    one = time.perf_counter() - start
    print(f"one partition of {len(part)} rows in-process (classify_frame, within 5 km): "
          f"{one:.2f} s")
    with tempfile.TemporaryDirectory() as d:
        npart = max(1, len(table) // partition_rows)
        dd.from_pandas(table, npartitions=npart).to_parquet(d, write_index=False)

        def classify_partition(df: pd.DataFrame) -> pd.DataFrame:
            import bordertrack as bt
            return bt.Borders.embedded().classify_frame(df, precision_m="precision_m",
                                                        within_m=5000.0)

        with LocalCluster(n_workers=1, threads_per_worker=os.cpu_count(),
                          processes=True) as cluster, Client(cluster):
            frame = dd.read_parquet(d)
            meta = classify_partition(table.iloc[:1])
            start = time.perf_counter()
            result = frame.map_partitions(classify_partition, meta=meta).compute()
            total = time.perf_counter() - start
        assert len(result) == len(table)
        print(f"dask LocalCluster (1 worker, {os.cpu_count()} threads): {frame.npartitions} "
              f"partitions of ~{partition_rows} rows, reading Parquet included: {total:.2f} s, "
              f"{total / frame.npartitions:.2f} s per partition")


if __name__ == "__main__":
    main()
