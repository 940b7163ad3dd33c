"""Benchmark: ten million rows x 15 columns through data, profile, train and predict on one machine.

Builds a regression competition from California housing (../shared/datasets, else the test
fixture) drawn with replacement and perturbed (2 % of each column's spread, four noise columns,
a row id): train.csv of ``--rows`` rows (10 million: about 1 GB), test.csv of a tenth as many and
a sample submission, chunk by chunk, so the builder never holds the table. The files are kept in
/tmp/kaggle-starter-scale and reused. A project rendered from the template reads them as a local
source. Then each stage runs in its own process (``python -m kaggle_starter <stage>``, what the
make targets run) while this script polls the resident memory of the stage's process tree; the
yardstick is one streaming read of the same train.csv (Polars ``scan_csv`` -> ``sink_parquet``,
every column parsed), measured in the same run, so machines compare ("x read"). Last, the
submission is checked against the sample's ids and for finite numbers.

It loads both cores for a quarter of an hour at ten million rows: note what else was running.

    python benchmarks/scale.py                    # 10,000,000 rows
    python benchmarks/scale.py --rows 1500000     # while developing
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl
import psutil

TEMPLATE = Path(__file__).resolve().parents[1]
SHARED = TEMPLATE.parent / "shared" / "datasets"
FOLDER = Path(tempfile.gettempdir()) / "kaggle-starter-scale"
sys.path.insert(0, str(TEMPLATE / "tests"))

STAGES = ("data", "profile", "train", "predict")
CHUNK_ROWS = 1_000_000
NOISE_COLUMNS = 4
DECIMALS = 3  # the CSV's numbers: about 100 bytes a row, a 1 GB file at ten million rows
POLL_SECONDS = 0.25


def _base() -> tuple[pl.DataFrame, str]:
    """The real table every row is drawn from, and its target column."""
    housing = SHARED / "california-housing" / "housing.csv"
    if housing.is_file():
        return pl.read_csv(housing), "median_house_value"
    from kaggle_fixtures import build_competition

    seed = build_competition("regression", FOLDER / "seed")
    return pl.read_csv(seed / "train.csv"), "progression"


def _chunk(base: pl.DataFrame, target: str, start: int, rows: int, seed: int) -> pl.DataFrame:
    """``rows`` rows drawn from ``base`` with replacement, numbers moved by 2 % of their spread."""
    rng = np.random.default_rng(seed)
    frame = base[rng.integers(0, base.height, rows)]
    moved = []
    for name, dtype in frame.schema.items():
        if dtype.is_numeric() and name != target:
            spread = float(base[name].std() or 0.0) * 0.02
            noise = pl.Series(rng.normal(0, spread, rows))
            moved.append((pl.col(name) + noise).round(DECIMALS).alias(name))
    frame = frame.with_columns(moved)
    for k in range(NOISE_COLUMNS):
        frame = frame.with_columns(pl.Series(f"noise_{k}", rng.normal(size=rows).round(DECIMALS)))
    return frame.insert_column(0, pl.Series("row_id", np.arange(start, start + rows)))


def _write(path: Path, rows: int, offset: int, make) -> None:
    """Write ``rows`` rows to ``path`` chunk by chunk (``make(start, n, seed)``), if not there."""
    if path.is_file():
        return
    partial = path.with_suffix(".partial")
    with partial.open("wb") as handle:
        for start in range(0, rows, CHUNK_ROWS):
            frame = make(offset + start, min(CHUNK_ROWS, rows - start), offset + start)
            frame.write_csv(handle, include_header=start == 0)
            print(f"  {path.name}: {start + frame.height:,} of {rows:,} rows", flush=True)
    partial.rename(path)


def build_source(rows: int) -> Path:
    """train.csv, test.csv (a tenth as many rows) and sample_submission.csv in one folder."""
    base, target = _base()
    source = FOLDER / f"source-{rows}"
    source.mkdir(parents=True, exist_ok=True)

    def train_chunk(start, n, seed):
        return _chunk(base, target, start, n, seed)

    def test_chunk(start, n, seed):
        return _chunk(base, target, start, n, seed).drop(target)

    test_rows = max(1, rows // 10)
    _write(source / "train.csv", rows, 0, train_chunk)
    _write(source / "test.csv", test_rows, rows, test_chunk)
    sample = source / "sample_submission.csv"
    if not sample.is_file():
        ids = np.arange(rows, rows + test_rows)
        pl.DataFrame({"row_id": ids, target: 0.0}).write_csv(sample)
    return source


def build_project(source: Path) -> Path:
    """A project rendered from the template whose data is the local folder ``source``."""
    from cookiecutter.main import cookiecutter

    sys.path.insert(0, str(TEMPLATE))  # cookiecutter.json's extensions
    out = FOLDER / f"project-{source.name}"
    if not (out / "bench").is_dir():
        answers = {"project_slug": "bench", "data_source": "local", "dataset": str(source)}
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(out),
            accept_hooks=False,
            extra_context={**answers, "bootstrap": False},
        )
    return out / "bench"


def _tree_rss(process: psutil.Process) -> int:
    """Resident bytes of a process and all its children (joblib workers included)."""
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:  # the stage has just ended
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def _cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(command: list[str], cwd: Path, log: Path) -> tuple[float, float, int, float]:
    """Wall seconds, peak resident MiB of the process tree, exit code and CPU seconds of
    ``command`` (the CPU time is what a busy shared machine changes least)."""
    # The project's package first, then any engine checkout given on PYTHONPATH (a worktree).
    paths = [str(cwd / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    peak, started, cpu = 0, time.perf_counter(), _cpu_of_children()
    with log.open("w") as out:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            peak = max(peak, _tree_rss(watched))
            time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    return seconds, peak / 2**20, child.returncode, _cpu_of_children() - cpu


READ = """
import sys, polars as pl
pl.scan_csv(sys.argv[1], infer_schema_length=10000).sink_parquet(sys.argv[2])
"""


def streaming_read(csv: Path) -> tuple[float, float, int]:
    """One streaming read of ``csv`` into Parquet by Polars, in its own process: the yardstick."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "read.parquet"
        return run([sys.executable, "-c", READ, str(csv), str(out)], FOLDER, FOLDER / "read.log")


def check_submission(project: Path, source: Path) -> str:
    """'valid' or what is wrong: the sample's ids in its order, finite numbers, no gaps."""
    sample = pl.read_csv(source / "sample_submission.csv")
    path = project / "submissions" / "submission.csv"
    if not path.is_file():
        return "missing"
    written = pl.read_csv(path)
    if written.columns != sample.columns:
        return f"columns {written.columns}"
    if written.height != sample.height or not written[:, 0].equals(sample[:, 0]):
        return "ids differ from the sample's"
    values = written[:, 1].cast(pl.Float64)
    if values.null_count() or not values.is_finite().all():
        return "gaps or non-finite values"
    return "valid"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--stages", nargs="*", default=list(STAGES), choices=STAGES)
    args = parser.parse_args()
    started = time.perf_counter()
    source = build_source(args.rows)
    csv = source / "train.csv"
    print(f"{csv}: {csv.stat().st_size / 1e9:.2f} GB ({time.perf_counter() - started:.0f} s)")
    project = build_project(source)
    print("measuring one streaming read ...", flush=True)
    read = streaming_read(csv)
    results = {}
    for stage in args.stages:
        print(f"measuring {stage} ...", flush=True)
        log = FOLDER / f"{stage}-{args.rows}.log"
        command = [sys.executable, "-m", "kaggle_starter", stage]
        results[stage] = run(command, project, log)
        print(log.read_text()[-3000:], flush=True)
        if results[stage][2]:
            print(f"{stage} failed (exit {results[stage][2]}): see {log}")
            break
    _table(args.rows, csv, read, results, check_submission(project, source))


def _table(rows: int, csv: Path, read, results: dict, verdict: str) -> None:
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(
        f"\n{rows:,} rows x 15 columns, {csv.stat().st_size / 1e9:.2f} GB CSV, "
        f"{os.cpu_count()} cores, OMP_NUM_THREADS={threads}; submission: {verdict}\n"
    )
    print("| step | time | CPU time | peak memory | x read |\n|---|---|---|---|---|")
    print(
        f"| one streaming read (Polars scan_csv -> sink_parquet) | {read[0]:.1f} s | "
        f"{read[3]:.1f} s | {read[1]:,.0f} MiB | 1.0 |"
    )
    for stage, (seconds, mib, code, cpu) in results.items():
        failed = " (failed)" if code else ""
        print(
            f"| `make {stage}`{failed} | {seconds:.1f} s | {cpu:.1f} s | {mib:,.0f} MiB | "
            f"{seconds / read[0]:.1f} |"
        )
    total = sum(r[0] for r in results.values())
    cpu = sum(r[3] for r in results.values())
    peak = max((r[1] for r in results.values()), default=0.0)
    print(
        f"| **{' '.join(results)}** | **{total:.1f} s** | **{cpu:.1f} s** | "
        f"**{peak:,.0f} MiB** | **{total / read[0]:.1f}** |"
    )


if __name__ == "__main__":
    main()
