"""Audit benchmark: how long does the data-quality audit take on 1.3 million rows?

Builds a synthetic table of about 1.3 million rows x 15 columns (plus 400,000 test rows) with
what the audit's checks look at: continuous amounts, a total of three parts, amounts a level
forces to 0, counts, years in an order, a class code, categories with a stray number, and a
regression target. Times the whole audit (best of ``--repeat`` runs, in process, imports done)
and each check in registry order on one table, as `make data` runs them, and prints a markdown
table. The checks' shared facts (levels, the sample, the row hash) are charged to the first check
that asks for them. `make data` allows the audit 10 s on two shared cores.

    python benchmarks/audit.py                   # 1.3 M rows
    python benchmarks/audit.py --rows 200000     # a quicker look
    PYTHONPATH=/tmp/old/src python benchmarks/audit.py   # another version of the engine
"""

import argparse
import os
import time

import numpy as np
import pandas as pd

from kaggle_starter.quality import CHECKS
from kaggle_starter.quality.table import AuditTable

ROWS, TEST_ROWS = 1_300_000, 400_000
BUDGET_SECONDS = 10.0


def synthetic(rows: int, seed: int) -> pd.DataFrame:
    """A house-sales-like table: sizes, parts of a total, a style that forces an amount to 0."""
    rng = np.random.default_rng(seed)
    style = rng.choice(["single", "double", "split", "7"], rows, p=[0.5, 0.4, 0.0999, 0.0001])
    finished = np.where(rng.random(rows) < 0.3, 0.0, rng.lognormal(6, 0.5, rows).round())
    unfinished = rng.lognormal(5.5, 0.7, rows).round()
    upper = np.where(style == "single", 0.0, rng.lognormal(6.5, 0.3, rows).round())
    built = rng.integers(1900, 2010, rows)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(rows),
            "area": rng.lognormal(7.2, 0.3, rows).round(),
            "lot": rng.lognormal(9, 0.5, rows).round(),
            "finished": finished,
            "unfinished": unfinished,
            "basement": finished + unfinished,
            "upper": upper,
            "style": style,
            "zone": rng.choice(["north", "south", "east", "west", "centre"], rows),
            "rooms": rng.integers(2, 12, rows),
            "class_code": rng.choice([20, 30, 45, 60, 90, 120, 160, 190], rows),
            "built": built,
            "sold": built + rng.integers(0, 15, rows),
            "score": rng.normal(0, 1, rows),
        }
    )
    log_price = 10 + 0.0005 * frame["area"] + 0.0002 * frame["basement"] + 0.1 * frame["score"]
    frame["price"] = np.exp(log_price + rng.normal(0, 0.2, rows)).round(-2)
    return frame


def timed_audit(train: pd.DataFrame, test: pd.DataFrame) -> tuple[float, dict[str, float]]:
    """Seconds for the whole audit, and per check in registry order on one shared table."""
    started = time.perf_counter()
    table = AuditTable(train, test, target="price", task="regression", id_column="row_id")
    seconds: dict[str, float] = {}
    for check in CHECKS:
        begun = time.perf_counter()
        check(table)
        seconds[check.__name__] = time.perf_counter() - begun
    return time.perf_counter() - started, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    train = synthetic(args.rows, seed=0)
    test = synthetic(max(args.rows * TEST_ROWS // ROWS, 1), seed=1).drop(columns="price")
    runs = [timed_audit(train, test) for _ in range(args.repeat)]
    total, per_check = min(runs, key=lambda run: run[0])
    print(f"| audit of {len(train):,} x {train.shape[1]} (+ {len(test):,} test rows) | seconds |")
    print("|---|---|")
    for name, seconds in sorted(per_check.items(), key=lambda item: -item[1]):
        print(f"| {name} | {seconds:.2f} |")
    print(f"| **total** (best of {args.repeat}) | **{total:.2f}** |")
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    print(
        f"\nOMP_NUM_THREADS={threads}, load {os.getloadavg()[0]:.1f}; budget {BUDGET_SECONDS:g} s."
    )
    return 0 if total <= BUDGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
