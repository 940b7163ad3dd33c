"""The cross-validation folds every model is judged on: one small function per strategy.

``cv.strategy: auto`` is stratified for classification and shuffled k-fold for regression, or a
group / time split when a group or time column is set. Every strategy returns the (train,
validation) row positions of each fold, so training, interpretation and the ensemble all use the
very same folds.
"""

import dataclasses

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit

from ..config import Config, defaults
from ..errors import ProjectError
from ..metrics import CLASSIFICATION
from .suite import HUGE_FOLDS, huge_table

Folds = list[tuple[np.ndarray, np.ndarray]]


def _strategy(cfg: Config) -> str:
    if cfg.cv_strategy != "auto":
        return cfg.cv_strategy
    if cfg.group_column:
        return "group"
    if cfg.time_column:
        return "time"
    return "stratified" if cfg.task in CLASSIFICATION else "kfold"


def _column(cfg: Config, X: pd.DataFrame, column: str) -> pd.Series:
    """A group or time column: a feature, or a column of the processed table (an id, a date)."""
    if column in X.columns:
        return X[column]
    from ..artifacts import load_train

    frame = load_train(cfg)
    if column not in frame.columns:
        raise ProjectError(
            f"config.yaml: cv column {column!r} is not a column of the training data; set "
            f"it to one of {', '.join(map(str, frame.columns[:10]))}."
        )
    return frame.loc[X.index, column]


def _stratified(cfg: Config, X: pd.DataFrame, y: pd.Series) -> Folds:
    counts = pd.Series(y).value_counts()
    if counts.min() < cfg.cv_folds:
        raise ProjectError(
            f"Class {counts.idxmin()!r} of the target has only {counts.min()} rows, fewer "
            f"than cv.folds ({cfg.cv_folds}); lower cv.folds in config.yaml or use strategy "
            "kfold."
        )
    splitter = StratifiedKFold(cfg.cv_folds, shuffle=True, random_state=cfg.cv_seed)
    return list(splitter.split(np.arange(len(X)), np.asarray(y)))


def _kfold(cfg: Config, X: pd.DataFrame, y: pd.Series) -> Folds:
    splitter = KFold(cfg.cv_folds, shuffle=True, random_state=cfg.cv_seed)
    return list(splitter.split(np.arange(len(X))))


def _group(cfg: Config, X: pd.DataFrame, y: pd.Series) -> Folds:
    groups = _column(cfg, X, cfg.group_column)
    if groups.nunique() < cfg.cv_folds:
        raise ProjectError(
            f"config.yaml: cv.group_column {cfg.group_column!r} has {groups.nunique()} "
            f"distinct values, fewer than cv.folds ({cfg.cv_folds}); lower cv.folds."
        )
    splitter = GroupKFold(cfg.cv_folds, shuffle=True, random_state=cfg.cv_seed)
    return list(splitter.split(np.arange(len(X)), groups=groups.astype("string").fillna("")))


def _time(cfg: Config, X: pd.DataFrame, y: pd.Series) -> Folds:
    times = _column(cfg, X, cfg.time_column)
    order = np.argsort(times.to_numpy(), kind="stable")
    return [(order[a], order[b]) for a, b in TimeSeriesSplit(cfg.cv_folds).split(order)]


STRATEGIES = {"stratified": _stratified, "kfold": _kfold, "group": _group, "time": _time}


def fold_count(folds: int, rows: int) -> int:
    """The folds to use: ``cv.folds``, or ``suite.HUGE_FOLDS`` on a huge table when cv.folds is
    left at its default (each fold of ten million rows costs minutes, and three folds of millions
    of rows already score a model to the third decimal). Any other cv.folds is the owner's
    choice and wins."""
    if huge_table(rows) and folds == defaults()["cv"]["folds"] and folds > HUGE_FOLDS:
        return HUGE_FOLDS
    return folds


def cv_splitter(cfg: Config, X: pd.DataFrame, y: pd.Series, *, quiet: bool = False) -> Folds:
    """The (train, validation) row positions of every fold, as config.yaml's ``cv:`` asks
    (fewer folds on a huge table, said in one line unless ``quiet``, for a stage that has
    said it already: :func:`fold_count`)."""
    folds = fold_count(cfg.cv_folds, len(X))
    if folds != cfg.cv_folds and not quiet:
        print(
            f"Huge table ({len(X):,} rows): {folds} folds instead of cv.folds' default "
            f"{cfg.cv_folds} (set cv.folds to another number in config.yaml to choose).",
            flush=True,
        )
    if folds != cfg.cv_folds:
        cfg = dataclasses.replace(cfg, cv_folds=folds)
    strategy = _strategy(cfg)
    if strategy in ("group", "time") and not getattr(cfg, f"{strategy}_column"):
        raise ProjectError(
            f"config.yaml: cv.strategy is {strategy} but cv.{strategy}_column is empty; name "
            "the column there."
        )
    if len(X) < cfg.cv_folds:
        raise ProjectError(
            f"config.yaml: cv.folds is {cfg.cv_folds} but the training data has only {len(X)} "
            "rows; lower cv.folds."
        )
    return STRATEGIES[strategy](cfg, X, y)
