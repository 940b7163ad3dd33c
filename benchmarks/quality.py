"""Quality benchmark: does `make train` reach the AutoML line on four well-known tables?

Renders a project per table (data_source local, on a copy of ../shared/datasets in a temporary
folder: never the project's), runs the real stages through the project's own Makefile (`make
data`, then a timed `make train`, defaults, no tuning) and prints a markdown table: the best
model's cross-validated score (the ensemble's honest nested score when it wins), plain
HistGradientBoosting scored on the same folds, the AutoML reference scores measured on the same
kind of 5-fold CV (../shared/REFERENCE_SCORES.md), and the train stage's wall time; then `make
tune` with ``tune.seconds`` set to ``--tune`` seconds, timed from the command line (imports and
data loading included). Exit code 1 when a goal is missed (score, `make train` over
``TRAIN_SECONDS``, or `make tune` more than ``TUNE_TOLERANCE`` off its budget).

    python benchmarks/quality.py                  # every table found
    python benchmarks/quality.py --only titanic --tune 0   # scores only, no tuning
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
SHARED = TEMPLATE.parent / "shared" / "datasets"
VENV_PYTHON = TEMPLATE / ".venv" / "bin" / "python"
TRAIN_SECONDS = 60  # `make train` per table, defaults, no tuning, 2 cores
TUNE_SECONDS = 60  # the budget `make tune` gets per table unless --tune says otherwise
TUNE_TOLERANCE = 0.10  # `make tune`'s wall time may differ from its budget by this share


def at_least(goal):
    return lambda score: score >= goal


def at_most(goal):
    return lambda score: score <= goal


# name -> (render answers, AutoML reference "FLAML 120 s / AutoGluon 30 s", goal text, goal)
TABLES = {
    "titanic": ({}, "0.845 / 0.856", "≥ 0.850", at_least(0.850)),
    "house-prices-advanced-regression-techniques": (
        {"metric": "rmsle"},  # the competition's metric: RMSE of log(SalePrice)
        "0.1201 / 0.1192",
        "≤ 0.120",
        at_most(0.120),
    ),
    "spaceship-titanic": ({}, "0.7998 / 0.8011", "≥ 0.806", at_least(0.806)),
    "california-housing": (
        {"target": "median_house_value", "metric": "rmse", "task": "regression"},
        "45,017 / 44,800",
        "≤ 45,000",
        at_most(45_000),
    ),
}

# Plain HistGradientBoosting on the project's own folds: numeric columns as they are, categorical
# columns ordinal-encoded and declared categorical, text and dates dropped; log target for a
# log-scale metric. The user's features.py is left out: this is the plain reference.
PLAIN_HGB = """
import json, sys, numpy as np
from importlib import import_module
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder
pkg = "kaggle_starter"
config, artifacts, schema_mod, metrics, prep, splits = (import_module(f"{pkg}.{m}") for m in (
    "config", "artifacts", "schema", "metrics", "modeling.preprocessing", "modeling.splits"))
cfg = config.load_config(".")
schema = artifacts.load_schema(cfg)
X, y = schema_mod.split_target(artifacts.load_train(cfg), schema)
roles = prep.model_roles(schema)
categorical, numeric = roles["categorical"], roles["numeric"]
encode = make_pipeline(
    FunctionTransformer(lambda f: f.astype("string").astype(object).where(f.notna(), np.nan)),
    OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan,
                   encoded_missing_value=np.nan, max_categories=250))
columns = ColumnTransformer([("c", encode, categorical), ("n", "passthrough", numeric)])
mask = list(range(len(categorical)))
classify = cfg.task in metrics.CLASSIFICATION
estimator = (HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor)(
    categorical_features=mask or None, random_state=cfg.cv_seed)
model = make_pipeline(columns, estimator)
metric = metrics.get_metric(cfg.metric, cfg.task)
if metric.log_scale:
    model = TransformedTargetRegressor(model, func=np.log1p, inverse_func=np.expm1)
scores = cross_val_score(model, X, y, cv=splits.cv_splitter(cfg, X, y), scoring=metric.scorer)
scores = [metrics.to_metric_units(metric, s) for s in scores]
print(json.dumps({"mean": float(np.mean(scores)), "std": float(np.std(scores))}))
"""


def python() -> str:
    return str(VENV_PYTHON) if VENV_PYTHON.is_file() else sys.executable


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE_")}
    env.update(MPLBACKEND="Agg")
    env.setdefault("OMP_NUM_THREADS", str(min(os.cpu_count() or 1, 2)))
    return env


def run(project: Path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, cwd=project, env={**environment(), **env}, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"{project.name}: `{' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return result


def make(project: Path, *targets: str) -> subprocess.CompletedProcess:
    return run(project, ["make", "--no-print-directory", *targets, f"PYTHON={python()}"])


def tune(project: Path, seconds: int) -> float | None:
    """Wall time of `make tune` with ``tune.seconds`` set to ``seconds`` (None: not run)."""
    if not seconds:
        return None
    config = project / "config.yaml"
    text, count = re.subn(r"(?m)^(  seconds: )\d+", rf"\g<1>{seconds}", config.read_text())
    if count != 1:
        sys.exit(f"{project.name}: config.yaml has no single `tune: seconds:` line to set.")
    config.write_text(text)
    started = time.perf_counter()
    make(project, "tune")
    return time.perf_counter() - started


def benchmark(name: str, answers: dict, work: Path, tune_seconds: int) -> dict:
    data = shutil.copytree(SHARED / name, work / "data" / name)  # a copy: never the project's
    project = Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(work),
            extra_context={"data_source": "local", "dataset": str(data), "bootstrap": False,
                           "project_name": name, **answers},
        )
    )  # fmt: skip
    make(project, "data")
    started = time.perf_counter()
    log = make(project, "train").stdout
    seconds = time.perf_counter() - started
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    plain = run(project, [python(), "-c", PLAIN_HGB], PYTHONPATH=str(project / "src"))
    print(f"  {name}: make train {seconds:.0f} s", file=sys.stderr, flush=True)
    if os.environ.get("BENCHMARK_LOG"):
        print(log, file=sys.stderr)
    tuned = tune(project, tune_seconds)
    return {**metrics, "plain": json.loads(plain.stdout), "seconds": seconds,
            "tune": tuned, "tune_budget": tune_seconds}  # fmt: skip


def _tune_cell(m: dict) -> tuple[str, bool]:
    if m["tune"] is None:
        return "—", True
    within = abs(m["tune"] / m["tune_budget"] - 1) <= TUNE_TOLERANCE
    return f"{m['tune']:.1f} / {m['tune_budget']} ({m['tune'] / m['tune_budget']:.2f}x)", within


def row(name: str, m: dict, reference: str, goal_text: str, goal) -> tuple[str, bool]:
    best = m["cv"][m["best_model"]]
    tuned, tune_met = _tune_cell(m)
    met = goal(m["best_score"]) and m["seconds"] <= TRAIN_SECONDS and tune_met
    models = ", ".join(f"{n} {r['mean']:.4f}" for n, r in m["cv"].items() if n != "dummy")
    members = ""
    if "weights" in best:
        members = " (" + ", ".join(f"{n} {w:.2f}" for n, w in best["weights"].items()) + ")"
    line = (
        f"| {name} | {m['metric']} | {m['best_model']}{members} | "
        f"{best['mean']:.4f} ± {best['std']:.4f} | {m['plain']['mean']:.4f} | {reference} | "
        f"{goal_text} | {m['seconds']:.1f} | {tuned} | {'yes' if met else 'NO'} |"
    )
    return line + f"\n<!-- {name}: {models} -->", met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="table names to run")
    parser.add_argument("--tune", type=int, default=TUNE_SECONDS, metavar="SECONDS",
                        help="budget for the timed `make tune` per table (0: skip it)")  # fmt: skip
    args = parser.parse_args()
    names = [n for n in TABLES if (SHARED / n).is_dir() and (not args.only or n in args.only)]
    if not names:
        sys.exit(f"No tables to run: the copies in {SHARED} are missing.")
    rows, missed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            answers, reference, goal_text, goal = TABLES[name]
            line, met = row(
                name, benchmark(name, answers, Path(tmp), args.tune), reference, goal_text, goal
            )
            rows.append(line)
            if not met:
                missed.append(name)
    print(
        "| table | metric | best model | CV score ± std | plain HGB, same folds "
        "| FLAML 120 s / AutoGluon 30 s | goal | make train s | make tune s / budget | goal met |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"\nOMP_NUM_THREADS={environment()['OMP_NUM_THREADS']}, 5-fold CV, defaults, no tuning; "
        f"a goal is met when the score reaches it, `make train` takes ≤ {TRAIN_SECONDS} s and "
        f"`make tune` is within {TUNE_TOLERANCE:.0%} of its budget."
    )
    if missed:
        print(f"Goals missed: {', '.join(missed)}.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
