"""Scoring a model on the folds: out-of-fold predictions, fold scores, and the log-scale choice.

Every model is scored on the same folds with the metric's scikit-learn scorer, so the numbers are
comparable with each other and with the leaderboard's definition. The out-of-fold predictions
kept here feed the performance figures (and, later, an ensemble of the suite).
"""

import contextlib
import time

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone

from .. import compute, workers
from ..config import Config
from ..errors import ProjectError
from ..metrics import CLASSIFICATION, get_metric, to_metric_units
from .pipeline import build_model
from .suite import huge_table
from .threshold import decision_threshold, describe_threshold

SKEW_FOR_LOG = 0.75  # "auto" tries the log scale for a non-negative target skewed beyond this
JUDGE_ROWS = 50_000
JUDGE_VALID_ROWS = 500_000


def check_target(cfg: Config, y: pd.Series) -> None:
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
    """Whether to model log1p(y): always for a log-scale metric, else as train.log_target says.

    ``auto`` returns None (try both) for a non-negative target whose skewness exceeds
    ``SKEW_FOR_LOG``, where the log scale often helps because errors grow with the value; any
    other target stays on its own scale.
    """
    if cfg.task in CLASSIFICATION:
        return False
    wanted = get_metric(cfg.metric, cfg.task).log_scale or cfg.log_target == "true"
    if wanted and y.min() <= -1:
        raise ProjectError(
            f"The target {cfg.target!r} has values at or below -1, so it has no log scale; use "
            "another metric than a log-scale one and set train.log_target to false in config.yaml."
        )
    if wanted or cfg.log_target == "false":
        return wanted
    return None if y.min() >= 0 and y.skew() > SKEW_FOR_LOG else False


def log_scale_helps(cfg: Config, X, y, splits, scorer, roles: dict, schema: dict) -> bool:
    """Fit HistGradientBoosting on the first fold on both scales and keep the better one.

    At most ``JUDGE_ROWS`` training rows are used, so the trial costs seconds on any data size;
    on a huge table (``suite.HUGE_ROWS``) the score is taken on ``JUDGE_VALID_ROWS`` of the
    fold's held-out rows too, since millions of them cost a gigabyte of copies and change the
    score in the fourth digit.
    """
    train_rows, valid_rows = splits[0]
    rng = np.random.default_rng(cfg.cv_seed)
    if len(train_rows) > JUDGE_ROWS:
        train_rows = np.sort(rng.choice(train_rows, JUDGE_ROWS, replace=False))
    if huge_table(len(X)) and len(valid_rows) > JUDGE_VALID_ROWS:
        valid_rows = np.sort(rng.choice(valid_rows, JUDGE_VALID_ROWS, replace=False))
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
    metric = get_metric(cfg.metric, cfg.task)
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


def _oof_column(rows: int, column: str, classes: list | None) -> np.ndarray:
    """An empty out-of-fold column: class labels (any spelling) need an object array, every
    other prediction is a float. A regression's predictions in an object array would hold one
    Python float per row: 32 bytes instead of 8, 320 MB per model at ten million rows."""
    labels = column == "y_pred" and classes is not None
    return np.full(rows, np.nan, dtype=object if labels else float)


def _fit_fold(model, X, y, train_rows, valid_rows, scorer, classes) -> tuple:
    """Fit a clone on one fold's training rows and score it on its held-out rows: one joblib
    task, so under a Dask cluster (:mod:`..compute`) it runs on a worker and only the score,
    the held-out predictions and the fit time come back, not the fitted model."""
    with compute.sequential():
        start = time.perf_counter()
        fitted = clone(model).fit(X.iloc[train_rows], y.iloc[train_rows])
        seconds = time.perf_counter() - start
        valid_X, valid_y = X.iloc[valid_rows], y.iloc[valid_rows]
        return scorer(fitted, valid_X, valid_y), _predict_fold(fitted, valid_X, classes), seconds


def _fitted_folds(model, X, y, splits, scorer, classes):
    """Each fold's (score, held-out predictions, fit seconds), in fold order, as they come.

    Through joblib: in-process one after the other, on a cluster as tasks on its workers
    (:func:`compute.spread`). A table too big for one worker (:func:`workers.too_big`) is
    fitted here instead, one fold after another, where the models that can train across the
    workers do (:func:`workers.fits_spread`): a task could not hold it.
    """
    if workers.too_big(X):
        with workers.fits_spread():
            for train_rows, valid_rows in splits:
                yield _fit_fold(model, X, y, train_rows, valid_rows, scorer, classes)
        return
    with compute.spread():
        yield from joblib.Parallel(n_jobs=compute.n_jobs(), return_as="generator")(
            joblib.delayed(_fit_fold)(model, X, y, train_rows, valid_rows, scorer, classes)
            for train_rows, valid_rows in splits
        )


def cross_validate(cfg: Config, name: str, model, X, y, splits, scorer) -> dict:
    """Score one model on every fold, printing each; returns scores and out-of-fold predictions.

    The folds go through joblib: in-process one after the other (n_jobs=1, as ever), on a
    cluster all at once on its workers (but see :func:`_fitted_folds`); each fold's line is
    printed as its result comes back, in fold order either way.
    """
    metric = get_metric(cfg.metric, cfg.task)
    classes = sorted(y.unique().tolist()) if cfg.task in CLASSIFICATION else None
    oof: dict[str, np.ndarray] = {}
    folds, seconds = [], 0.0
    # closing: the folds' context (joblib's backend, spreading) ends here even on an error
    with contextlib.closing(_fitted_folds(model, X, y, splits, scorer, classes)) as fitted:
        for k, ((_, valid_rows), (raw, columns, fit_seconds)) in enumerate(
            zip(splits, fitted, strict=True), start=1
        ):
            seconds += fit_seconds
            score = to_metric_units(metric, raw)
            folds.append(float(score))
            for column, values in columns.items():
                if column not in oof:
                    oof[column] = _oof_column(len(X), column, classes)
                oof[column][valid_rows] = values
            print(f"  {name:<24} fold {k}/{len(splits)}  {metric.label} {score:.4f}", flush=True)
    mean, std = float(np.mean(folds)), float(np.std(folds))
    print(f"  {name:<24} {metric.label} {mean:.4f} ± {std:.4f}  ({seconds:.1f} s)", flush=True)
    result = {"mean": mean, "std": std, "folds": folds, "fit_seconds": round(seconds, 3)}
    threshold = decision_threshold(cfg.metric, oof, y, splits)
    if threshold:  # predict and serve label with the saved model's (stages/train.py)
        print(f"  {name:<24} {describe_threshold(threshold, metric.label)}", flush=True)
        result["threshold"] = threshold
    return {**result, "oof": oof}


def best_of(results: dict[str, dict], greater_is_better: bool) -> str:
    sign = 1 if greater_is_better else -1
    return max(results, key=lambda name: sign * results[name]["mean"])  # first wins a tie


def oof_frame(y: pd.Series, oof: dict[str, np.ndarray], splits) -> pd.DataFrame:
    """y_true, y_pred (labels spelled as in train) and proba_<class>, for validated rows only.

    A time split never validates its first rows, so only rows some fold validated are kept.
    """
    validated = np.zeros(len(y), dtype=bool)
    for _, valid_rows in splits:
        validated[valid_rows] = True
    frame = pd.DataFrame({"y_true": y.to_numpy(), **oof}, index=y.index)[validated]
    classify = any(column.startswith("proba_") for column in frame.columns)
    frame["y_pred"] = frame["y_pred"].astype(frame["y_true"].dtype if classify else float)
    return frame
