"""Train stage: cross-validate the suite on the competition's metric, refit the best, save it.

Every model is scored on the same folds with the metric's scikit-learn scorer, so the numbers in
``reports/`` are comparable with each other and with the leaderboard's definition. The dummy
baseline always runs: it is the bar the other models have to clear. Outputs are written only
after every model has been scored, ``reports/metrics.json`` last (it is make's target), so a
failed or interrupted run leaves the previous results as they were.
"""

import hashlib
import json
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import get_scorer

from . import dataset
from .config import Config
from .errors import ProjectError
from .features import model_roles
from .files import replacing, write_json
from .metrics import CLASSIFICATION, METRICS, to_metric_units
from .models import available, build_model, cv_splitter

SKEW_FOR_LOG = 0.75  # "auto" tries the log scale for a non-negative target skewed beyond this
JUDGE_ROWS = 50_000
LIBRARIES = ("scikit-learn", "pandas", "numpy", "lightgbm", "xgboost", "catboost")


def _check_target(cfg: Config, y: pd.Series) -> None:
    if cfg.task in CLASSIFICATION:
        if y.nunique() < 2:
            label = y.iloc[0].item() if hasattr(y.iloc[0], "item") else y.iloc[0]
            raise ProjectError(
                f"The target {cfg.target!r} has a single class ({label!r}) in the training "
                "data, so there is nothing to learn; check data.target in config.yaml."
            )
    elif not pd.api.types.is_numeric_dtype(y):
        raise ProjectError(
            f"The target {cfg.target!r} is not numeric, so it cannot be a regression target; "
            "set data.task to binary or multiclass in config.yaml."
        )


def use_log_target(cfg: Config, y: pd.Series) -> bool | None:
    """Whether to model log1p(y): always for RMSLE, else as train.log_target says.

    ``auto`` returns None (try both) for a non-negative target whose skewness exceeds
    ``SKEW_FOR_LOG``, where the log scale often helps because errors grow with the value; any
    other target stays on its own scale.
    """
    if cfg.task in CLASSIFICATION:
        return False
    wanted = cfg.metric == "rmsle" or cfg.log_target == "true"
    if wanted and y.min() <= -1:
        raise ProjectError(
            f"The target {cfg.target!r} has values at or below -1, so it has no log scale; use "
            "another metric than rmsle and set train.log_target to false in config.yaml."
        )
    if wanted or cfg.log_target == "false":
        return wanted
    return None if y.min() >= 0 and y.skew() > SKEW_FOR_LOG else False


def log_scale_helps(cfg: Config, X, y, splits, scorer, roles: dict, schema: dict) -> bool:
    """Fit HistGradientBoosting on the first fold on both scales and keep the better one.

    At most ``JUDGE_ROWS`` training rows are used, so the trial costs seconds on any data size.
    """
    train_rows, valid_rows = splits[0]
    if len(train_rows) > JUDGE_ROWS:
        rng = np.random.default_rng(cfg.cv_seed)
        train_rows = np.sort(rng.choice(train_rows, JUDGE_ROWS, replace=False))
    scores = {}
    for log in (False, True):
        model = build_model(
            "hist_gradient_boosting",
            cfg.task,
            roles,
            schema,
            seed=cfg.cv_seed,
            rows=len(X),
            log_target=log,
        )
        model.fit(X.iloc[train_rows], y.iloc[train_rows])
        scores[log] = scorer(model, X.iloc[valid_rows], y.iloc[valid_rows])
    metric = METRICS[cfg.metric]
    raw, log = (to_metric_units(metric, scores[k]) for k in (False, True))
    helps = scores[True] > scores[False]
    print(
        f"The target is skewed: on fold 1, {metric.label} is {log:.4f} on the log scale and "
        f"{raw:.4f} on its own, so the models fit {'log1p(target)' if helps else 'the target'}."
    )
    return helps


def _predict_fold(model, X: pd.DataFrame, classes: list | None) -> dict[str, np.ndarray]:
    columns = {"y_pred": np.asarray(model.predict(X))}
    if classes is not None:
        proba = model.predict_proba(X)
        for i, label in enumerate(model.classes_):
            columns[f"proba_{label}"] = proba[:, i]
    return columns


def cross_validate(cfg: Config, name: str, model, X, y, splits, scorer) -> dict:
    """Score one model on every fold, printing each; returns scores and out-of-fold predictions."""
    metric = METRICS[cfg.metric]
    classes = sorted(y.unique().tolist()) if cfg.task in CLASSIFICATION else None
    oof: dict[str, np.ndarray] = {}
    folds, seconds = [], 0.0
    for k, (train_rows, valid_rows) in enumerate(splits, start=1):
        start = time.perf_counter()
        fitted = clone(model).fit(X.iloc[train_rows], y.iloc[train_rows])
        seconds += time.perf_counter() - start
        valid_X, valid_y = X.iloc[valid_rows], y.iloc[valid_rows]
        score = to_metric_units(metric, scorer(fitted, valid_X, valid_y))
        folds.append(float(score))
        for column, values in _predict_fold(fitted, valid_X, classes).items():
            if column not in oof:
                oof[column] = np.full(len(X), np.nan, dtype=object if column == "y_pred" else float)
            oof[column][valid_rows] = values
        print(f"  {name:<24} fold {k}/{len(splits)}  {metric.label} {score:.4f}", flush=True)
    mean, std = float(np.mean(folds)), float(np.std(folds))
    print(f"  {name:<24} {metric.label} {mean:.4f} ± {std:.4f}  ({seconds:.1f} s)", flush=True)
    return {"mean": mean, "std": std, "folds": folds, "fit_seconds": round(seconds, 3), "oof": oof}


def _best(results: dict[str, dict], greater_is_better: bool) -> str:
    sign = 1 if greater_is_better else -1
    return max(results, key=lambda name: sign * results[name]["mean"])  # first wins a tie


def _oof_frame(y: pd.Series, oof: dict[str, np.ndarray], validated: np.ndarray) -> pd.DataFrame:
    """y_true, y_pred (labels spelled as in train) and proba_<class>, for validated rows only."""
    frame = pd.DataFrame({"y_true": y.to_numpy(), **oof}, index=y.index)[validated]
    classify = any(column.startswith("proba_") for column in frame.columns)
    frame["y_pred"] = frame["y_pred"].astype(frame["y_true"].dtype if classify else float)
    return frame


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _json_safe(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return repr(value)


def _model_card(cfg, name, model, roles, result, baseline) -> dict:
    final = model.regressor_ if hasattr(model, "regressor_") else model
    estimator = final.named_steps["model"] if hasattr(final, "named_steps") else final
    raw = {}
    if cfg.layout.manifest.is_file():
        manifest = json.loads(cfg.layout.manifest.read_text(encoding="utf-8"))
        raw = {f["path"]: f["sha256"] for f in manifest.get("files", [])}
    return {
        "model": name,
        "estimator": type(estimator).__name__,
        "parameters": {k: _json_safe(v) for k, v in estimator.get_params(deep=False).items()},
        "task": cfg.task,
        "target": cfg.target,
        "log_target": result["log_target"],
        "features": roles,
        "metric": cfg.metric,
        "cv": {
            "folds": cfg.cv_folds,
            "seed": cfg.cv_seed,
            "strategy": cfg.cv_strategy,
            "mean": result["mean"],
            "std": result["std"],
            "baseline": baseline,
        },
        "data_sha256": {
            "raw": raw,
            "train.parquet": _sha256(cfg.layout.train_table),
        },
        "libraries": _versions(),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def run(cfg: Config, *, force: bool = False) -> None:
    """Cross-validate every model in train.models, refit the best on all rows and save it.

    ``force`` is accepted for the CLI's sake: this stage always retrains; make decides when.
    """
    schema = dataset.load_schema(cfg)
    X, y = dataset.split_target(dataset.load_train(cfg), cfg)
    roles = model_roles(schema)
    if not any(roles.values()):
        raise ProjectError(
            "No feature columns remain after dropping the id, constant and target columns; "
            "check data.target and data.id in config.yaml."
        )
    _check_target(cfg, y)
    metric = METRICS[cfg.metric]
    scorer = get_scorer(metric.scorer)
    splits = cv_splitter(cfg, X, y)
    log_target = use_log_target(cfg, y)
    if log_target is None:
        log_target = log_scale_helps(cfg, X, y, splits, scorer, roles, schema)

    names = ["dummy", *[m for m in cfg.models if m != "dummy"]]
    skipped = [m for m in names if not available(m)]
    if skipped:
        print(f"Skipping {', '.join(skipped)}: not installed (pip install -e '.[boost]').")
    names = [m for m in names if available(m)]
    if not any(m != "dummy" for m in names if m in cfg.models):
        raise ProjectError(
            f"none of train.models ({', '.join(cfg.models)}) can run here: install the missing "
            "ones (pip install -e '.[boost]') or add hist_gradient_boosting to train.models in "
            "config.yaml."
        )
    scale = " on the log scale (log1p / expm1)" if log_target else ""
    print(
        f"Cross-validating {len(names)} models on {len(X):,} rows × {X.shape[1]} features, "
        f"{len(splits)} folds, metric {metric.label}{scale}:",
        flush=True,
    )
    results = {}
    for name in names:
        # The dummy predicts the plain mean unless the metric itself is on the log scale.
        log = log_target and (name != "dummy" or cfg.metric == "rmsle")
        model = build_model(
            name, cfg.task, roles, schema, seed=cfg.cv_seed, rows=len(X), log_target=log
        )
        results[name] = cross_validate(cfg, name, model, X, y, splits, scorer)
        results[name].update(estimator=model, log_target=log)
    listed = {m: r for m, r in results.items() if m in cfg.models}
    best = _best(listed or results, metric.greater_is_better)
    baseline = results["dummy"]["mean"]
    if best == "dummy":
        print("No model beats the dummy baseline on this metric: the dummy is saved as the best.")

    start = time.perf_counter()
    model = clone(results[best]["estimator"]).fit(X, y)
    print(f"Refit {best} on all {len(X):,} rows in {time.perf_counter() - start:.1f} s.")

    validated = np.zeros(len(X), dtype=bool)
    for _, valid_rows in splits:
        validated[valid_rows] = True
    for path in (cfg.layout.models, cfg.layout.reports):
        path.mkdir(parents=True, exist_ok=True)
    with replacing(cfg.layout.model) as tmp:
        joblib.dump(model, tmp)
    write_json(
        cfg.layout.model_card,
        _model_card(cfg, best, model, roles, results[best], baseline),
        default=_json_safe,
    )
    with replacing(cfg.layout.oof_predictions) as tmp:
        _oof_frame(y, results[best]["oof"], validated).to_parquet(tmp)
    table = pd.DataFrame(
        [
            {
                "model": name,
                "mean": r["mean"],
                "std": r["std"],
                **{f"fold_{k}": s for k, s in enumerate(r["folds"], start=1)},
                "fit_seconds": r["fit_seconds"],
            }
            for name, r in listed.items()
        ]
    )
    with replacing(cfg.layout.cv_results) as tmp:
        table.to_csv(tmp, index=False)
    cv = {
        name: {key: r[key] for key in ("mean", "std", "folds", "fit_seconds")}
        for name, r in listed.items()
    }
    write_json(
        cfg.layout.metrics,
        {
            "task": cfg.task,
            "metric": cfg.metric,
            "greater_is_better": metric.greater_is_better,
            "best_model": best,
            "best_score": results[best]["mean"],
            "baseline_score": baseline,
            "cv": cv,
        },
        default=_json_safe,
    )
    r = results[best]
    print(
        f"Best: {best}, {metric.label} {r['mean']:.4f} ± {r['std']:.4f} "
        f"(dummy baseline {baseline:.4f}); saved {cfg.layout.model.relative_to(cfg.root)}."
    )
