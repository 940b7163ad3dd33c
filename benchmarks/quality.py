"""Quality benchmark: do the generated baselines reach the published reference scores?

Renders a project per dataset (data_source local), runs its ``data`` and ``train`` stages through
the project's own CLI with the template's interpreter, and prints a markdown table: the best
model's cross-validated score, the dummy baseline, plain HistGradientBoosting scored on the same
folds (defaults, numeric and categorical columns only, text dropped: the reference recipe), the
published references, and the train stage's wall time. Exit code 1 when a target is missed.

Data: the Titanic, House Prices and Spaceship Titanic copies in ../shared/datasets when present,
else the test fixtures.

    python benchmarks/quality.py                  # every dataset found
    python benchmarks/quality.py --only titanic
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
SHARED = TEMPLATE.parent / "shared" / "datasets"
VENV_PYTHON = TEMPLATE / ".venv" / "bin" / "python"
sys.path.insert(0, str(TEMPLATE / "tests"))

from kaggle_fixtures import build_competition  # noqa: E402

# name -> (render answers, published reference from ../shared/REFERENCE_SCORES.md, target check)
COMPETITIONS = {
    "titanic": (
        {},
        "plain HGB 0.8125; engineered features 0.83-0.84",
        lambda score: score >= 0.80,
    ),
    "house-prices-advanced-regression-techniques": (
        {"metric": "rmsle"},  # the competition's metric: RMSE of log(SalePrice)
        "plain HGB 0.1278; stacked models 0.1085",
        lambda score: score <= 0.135,
    ),
    "spaceship-titanic": (
        {},
        "plain HGB 0.7958; LB top 1% 0.815",
        lambda score: True,
    ),
}

# Plain HistGradientBoosting on the project's own folds: numeric columns as they are, categorical
# columns ordinal-encoded and declared categorical, text and dates dropped; log target for RMSLE.
PLAIN_HGB = """
import json, sys, numpy as np
from importlib import import_module
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import get_scorer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OrdinalEncoder
pkg = sys.argv[1]
config, dataset, metrics, models, features = (
    import_module(f"{pkg}.{m}") for m in ("config", "dataset", "metrics", "models", "features"))
cfg = config.load_config(".")
schema = dataset.load_schema(cfg)
X, y = dataset.split_target(dataset.load_train(cfg), cfg)
roles = features.model_roles(schema)
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
if cfg.metric == "rmsle":
    model = TransformedTargetRegressor(model, func=np.log1p, inverse_func=np.expm1)
metric = metrics.METRICS[cfg.metric]
scores = cross_val_score(model, X, y, cv=models.cv_splitter(cfg, X, y), scoring=metric.scorer)
scores = [metrics.to_metric_units(metric, s) for s in scores]
print(json.dumps({"mean": float(np.mean(scores)), "std": float(np.std(scores))}))
"""


def python() -> str:
    return str(VENV_PYTHON) if VENV_PYTHON.is_file() else sys.executable


def sources(only: list[str], work: Path) -> list[tuple[str, Path, dict, str, object]]:
    """(name, data folder, render answers, reference, target check) for each dataset to run."""
    found = [
        (name, SHARED / name, *spec)
        for name, spec in COMPETITIONS.items()
        if (SHARED / name).is_dir() and (not only or name in only)
    ]
    if found:
        return found
    print(f"No shared copies in {SHARED}: benchmarking the test fixtures instead.")
    return [
        (f"fixture-{kind}", build_competition(kind, work / "fixtures" / kind), {}, "-", None)
        for kind in ("binary", "multiclass", "regression")
        if not only or f"fixture-{kind}" in only
    ]


def stage(project: Path, package: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE_")}
    env.update(PYTHONPATH=str(project / "src"), MPLBACKEND="Agg")
    env.setdefault("OMP_NUM_THREADS", "1")
    result = subprocess.run([python(), *args], cwd=project, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{project.name}: `{' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")
    return result


def benchmark(name: str, data: Path, answers: dict, work: Path) -> dict:
    project = Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            output_dir=str(work),
            extra_context={
                "data_source": "local",
                "dataset": str(data),
                "bootstrap": False,
                **answers,
            },
        )
    )
    package = next(p.name for p in (project / "src").iterdir() if (p / "__init__.py").is_file())
    stage(project, package, "-m", package, "data")
    started = time.perf_counter()
    stage(project, package, "-m", package, "train")
    seconds = time.perf_counter() - started
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    plain = json.loads(stage(project, package, "-c", PLAIN_HGB, package).stdout)
    print(f"  {name}: done in {seconds:.0f} s", file=sys.stderr, flush=True)
    return {**metrics, "plain": plain, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="dataset names to run")
    args = parser.parse_args()
    rows, missed = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, data, answers, reference, target in sources(args.only, work):
            m = benchmark(name, data, answers, work)
            best = m["cv"][m["best_model"]]
            plain = m["plain"]["mean"]
            sign = 1 if m["greater_is_better"] else -1
            ok = sign * (m["best_score"] - plain) >= -1e-9 and (
                target is None or target(m["best_score"])
            )
            if not ok:
                missed.append(name)
            rows.append(
                f"| {name} | {m['metric']} | {m['best_model']} | "
                f"{best['mean']:.4f} ± {best['std']:.4f} | {m['baseline_score']:.4f} | "
                f"{plain:.4f} ± {m['plain']['std']:.4f} | {reference} | {m['seconds']:.1f} | "
                f"{'yes' if ok else 'NO'} |"
            )
    print(
        "| dataset | metric | best model | CV score ± std | dummy baseline | plain HGB, same folds "
        "| reference | train s | target met |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        f"\n{os.environ.get('OMP_NUM_THREADS', '1')} thread(s), 5-fold CV; target: best ≥ plain "
        "HGB on the same folds, and Titanic accuracy ≥ 0.80, House Prices RMSLE ≤ 0.135."
    )
    if missed:
        print(f"Targets missed: {', '.join(missed)}.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
