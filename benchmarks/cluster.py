"""Benchmark: `make train` in-process against the same `make train` on a Dask scheduler with two
single-thread workers on 127.0.0.1 (compute.cluster / DASK_SCHEDULER_ADDRESS).

California housing from ../shared/datasets (a synthetic table of the same shape when absent) is
replicated with a little seeded noise to ``--rows`` rows and rendered as a local-data project;
`make data` runs once, then `make train` twice on the same table, folds and seeds: in-process,
and with DASK_SCHEDULER_ADDRESS pointing at a scheduler this script starts (and stops). Both
runs pin OMP_NUM_THREADS=1, so the comparison is one core against two single-thread workers.
Prints a markdown table: seconds, best CV score, ratio to in-process, and where the run says it
ran (from its run.json).

    python benchmarks/cluster.py [--rows 100000] [--models dummy,linear,hist_gradient_boosting]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
HOUSING = TEMPLATE.parent / "shared" / "datasets" / "california-housing" / "housing.csv"
TARGET = "median_house_value"


def table(rows: int, seed: int = 0) -> pd.DataFrame:
    """California housing repeated to ``rows`` rows, numeric columns jittered by 1 %."""
    rng = np.random.default_rng(seed)
    if HOUSING.is_file():
        base = pd.read_csv(HOUSING)
    else:  # the same shape, made up: eight numbers, one category, a numeric target
        base = pd.DataFrame(rng.normal(size=(20_640, 8)), columns=[f"x{i}" for i in range(8)])
        base["ocean_proximity"] = rng.choice(["a", "b", "c", "d"], len(base))
        base[TARGET] = np.exp(base["x0"] + rng.normal(0, 0.3, len(base))) * 1e5
    frame = base.iloc[np.resize(np.arange(len(base)), rows)].reset_index(drop=True)
    numeric = [c for c in frame.select_dtypes("number").columns if c != TARGET]
    noise = rng.normal(1, 0.01, (rows, len(numeric)))
    frame[numeric] = frame[numeric].to_numpy() * noise
    return frame


def render(scratch: Path, rows: int, models: list[str]) -> Path:
    data = scratch / "housing.csv"
    table(rows).to_csv(data, index=False)
    project = Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(scratch / "project"),
            extra_context={
                "data_source": "local",
                "dataset": str(data),
                "target": TARGET,
                "bootstrap": False,
            },
        )
    )
    config = project / "config.yaml"
    text = config.read_text()
    start = text.index("  models: [")
    end = text.index("\n", start)
    config.write_text(text[:start] + f"  models: [{', '.join(models)}]" + text[end:])
    return project


def make(project: Path, target: str, **env: str) -> float:
    started = time.perf_counter()
    command = ["make", "--no-print-directory", target, f"PYTHON={sys.executable}"]
    environment = {**os.environ, "OMP_NUM_THREADS": "1", **env}
    done = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"make {target} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def train(project: Path, **env: str) -> dict:
    (project / "reports" / "metrics.json").unlink(missing_ok=True)  # make train runs again
    seconds = make(project, "train", **env)
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    runs = sorted(p for p in (project / "runs").iterdir() if p.is_dir())
    where = json.loads((runs[-1] / "run.json").read_text()).get("compute", "?")
    return {"seconds": seconds, "score": metrics["best_score"], "best": metrics["best_model"],
            "where": where}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--models", default="dummy,linear,hist_gradient_boosting,lightgbm")
    args = parser.parse_args()
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch:
        project = render(Path(scratch), args.rows, args.models.split(","))
        make(project, "data")
        here = train(project)
        with LocalCluster(
            host="127.0.0.1",
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        ) as cluster:
            there = train(project, DASK_SCHEDULER_ADDRESS=cluster.scheduler_address)
    print(f"| `make train`, {args.rows:,} rows, {args.models} | seconds | ratio | best CV "
          "(RMSE) | best model | ran on |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for name, run in (("in-process", here), ("scheduler, 2 × 1-thread workers", there)):
        print(
            f"| {name} | {run['seconds']:.1f} | {run['seconds'] / here['seconds']:.2f} | "
            f"{run['score']:.1f} | {run['best']} | {run['where']} |"
        )
    relative = abs(there["score"] - here["score"]) / abs(here["score"])
    print(f"\nBest CV scores differ by {relative:.4%} (the goal: within 1 %).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
