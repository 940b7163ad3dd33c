"""Benchmark: `make data` on a 1 GB CSV (10 million rows x 15 columns), in memory vs streamed.

Builds a synthetic table in chunks (numbers with gaps, whole numbers, categories with gaps, a
date, a binary target) into a temporary folder, reused when present, and a project whose data
is that folder (``data.source: local``). Then, each in its own process, with wall time and peak
resident memory (``ru_maxrss`` of the child):

- one plain streaming read of the file (pyarrow's CSV reader, batch by batch, every column
  parsed): the yardstick, so machines compare ("x read");
- `make data` with the CSV read into pandas (the road below ``STREAM_BYTES``, forced);
- `make data` as shipped: the CSV streamed into typed Parquet (``kaggle_starter.ingest.stream``).

Both `make data` runs copy the file into data/raw with its checksum, detect, write
data/processed and audit the data, so they compare the whole stage. It loads both cores for
minutes: run it on a quiet machine, once.

    python benchmarks/ingest.py                    # 10,000,000 rows into /tmp/kaggle-starter-ingest
    python benchmarks/ingest.py --rows 1000000 --skip memory
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

TEMPLATE = Path(__file__).resolve().parents[1]
FOLDER = Path(tempfile.gettempdir()) / "kaggle-starter-ingest"
CHUNK_ROWS = 1_000_000
ROADS = ("read", "memory", "stream")
CHILD = {
    "read": """
import sys, pyarrow.csv as csv
rows = sum(batch.num_rows for batch in csv.open_csv(sys.argv[1]))
""",
    "memory": """
import sys
from kaggle_starter.config import load_config
from kaggle_starter.ingest import stream
from kaggle_starter.stages import data
stream.STREAM_BYTES = float("inf")  # today's road: the CSV read whole into pandas
data.run(load_config(sys.argv[2]), force=True)
""",
    "stream": """
import sys
from kaggle_starter.config import load_config
from kaggle_starter.stages import data
data.run(load_config(sys.argv[2]), force=True)
""",
}


def _chunk(start: int, rows: int, rng: np.random.Generator) -> pl.DataFrame:
    """Rows ``start`` .. ``start + rows``: 15 columns, about 100 bytes a row as CSV."""
    columns: dict[str, object] = {"row_id": np.arange(start, start + rows)}
    for k in range(6):  # measurements; every other one has 5 % gaps
        values = pl.Series(np.round(rng.normal(50 * k, 10 + k, rows), 3))
        if k % 2 == 0:
            values = values.scatter(np.flatnonzero(rng.random(rows) < 0.05), None)
        columns[f"x{k}"] = values
    columns["count"] = rng.poisson(3, rows)
    columns["age"] = rng.integers(18, 90, rows)
    for k, levels in enumerate((5, 12, 40, 300)):  # categories; the second has 10 % gaps
        names = np.array([f"level_{j}" for j in range(levels)])
        values = pl.Series(names[rng.integers(0, levels, rows)])
        if k == 1:
            values = values.scatter(np.flatnonzero(rng.random(rows) < 0.1), None)
        columns[f"cat{k}"] = values
    days = rng.integers(0, 3650, rows).astype("timedelta64[D]")
    columns["day"] = (np.datetime64("2015-01-01") + days).astype(str)
    columns["target"] = (rng.random(rows) < 0.3).astype(np.int8)
    return pl.DataFrame(columns)


def build_csv(rows: int) -> Path:
    """The synthetic train.csv, built chunk by chunk (never whole in memory), reused if there."""
    source = FOLDER / f"source-{rows}"
    path = source / "train.csv"
    if path.is_file():
        return path
    source.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        for number, start in enumerate(range(0, rows, CHUNK_ROWS)):
            frame = _chunk(start, min(CHUNK_ROWS, rows - start), np.random.default_rng(number))
            frame.write_csv(handle, include_header=start == 0)
            print(f"  wrote {start + frame.height:,} of {rows:,} rows", flush=True)
    partial.rename(path)
    return path


def build_project(source: Path) -> Path:
    """A project rendered from the template whose data is the local folder ``source``."""
    from cookiecutter.main import cookiecutter

    sys.path.insert(0, str(TEMPLATE))  # cookiecutter.json's extensions
    out = FOLDER / f"project-{source.name}"
    if not (out / "bench").is_dir():
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(out),
            accept_hooks=False,
            extra_context={
                "project_slug": "bench",
                "data_source": "local",
                "dataset": str(source),
                "bootstrap": False,
            },
        )
    return out / "bench"


def measure(road: str, csv: Path, project: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one road, run in a child of a fresh process."""
    code = f"""
import resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run([sys.executable, "-c", {CHILD[road]!r}, {str(csv)!r}, {str(project)!r}],
               check=True, cwd={str(project)!r})
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(time.perf_counter() - started, peak / 1024)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, stdout=subprocess.PIPE, text=True
    )
    *said, last = result.stdout.splitlines()
    print("".join(f"    {line}\n" for line in said), end="")  # the stage's own lines
    seconds, mib = last.split()
    return float(seconds), float(mib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--skip", nargs="*", default=[], choices=ROADS)
    args = parser.parse_args()
    started = time.perf_counter()
    csv = build_csv(args.rows)
    print(f"{csv}: {csv.stat().st_size / 1e9:.2f} GB ({time.perf_counter() - started:.0f} s)")
    project = build_project(csv.parent)
    results = {}
    for road in (r for r in ROADS if r not in args.skip):
        print(f"measuring {road} ...", flush=True)
        results[road] = measure(road, csv, project)
    read = results.get("read", (None,))[0]
    print(
        f"\n{args.rows:,} rows x 15 columns, {csv.stat().st_size / 1e9:.2f} GB, "
        f"{os.cpu_count()} cores, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}\n"
    )
    print("| road | time | peak memory | x read |\n|---|---|---|---|")
    names = {
        "read": "one streaming read (pyarrow, every column parsed)",
        "memory": "`make data`, CSV read into pandas (before)",
        "stream": "`make data`, CSV streamed into Parquet (now)",
    }
    for road, (seconds, mib) in results.items():
        ratio = f"{seconds / read:.1f}" if read else "—"
        print(f"| {names[road]} | {seconds:.1f} s | {mib:,.0f} MiB | {ratio} |")


if __name__ == "__main__":
    main()
