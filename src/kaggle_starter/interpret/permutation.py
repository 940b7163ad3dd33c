"""Permutation importance on held-out folds: how much the metric suffers when a column is shuffled.

The pipeline is refit on each training fold and scored on (a sample of) the fold it never saw, so
a feature the model merely memorised does not look important. Budgets keep the cost flat from 900
rows to ten million (refits on at most ``REFIT_MAX_ROWS`` rows), and from 10 columns to 200.
"""

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.inspection import permutation_importance

from .. import compute
from ..config import Config
from ..metrics import scorer as metric_scorer
from ..modeling.pipeline import pipelines_per_prediction
from ..modeling.splits import cv_splitter

PERMUTATION_REPEATS = 5
REFIT_ROW_BUDGET = 500_000  # training rows refit across folds; beyond it, fewer folds are used
PREDICT_CALL_BUDGET = 120  # pipeline calls (columns x repeats x folds); wide tables use fewer folds
# Past that budget (more than 120 columns, one repeat, one fold) each call scores fewer held-out
# rows, so rows scored in all stay at 120 calls x 2,000 rows: a 784-column table scores 306 rows
# per shuffled column (noisier importances, minutes less), never fewer than MIN_HELD_ROWS.
PREDICT_ROW_BUDGET = 240_000
MIN_HELD_ROWS = 200
# The most training rows one refit uses: a fold of a ten-million-row table would cost as much as
# training did, while importances read from a few hundred thousand rows rank the columns the
# same; above it, a seeded sample of the fold's training rows is fitted (held-out rows stay
# held out).
REFIT_MAX_ROWS = 500_000


def sample_index(n: int, cap: int, seed: int) -> np.ndarray:
    """Sorted positions of at most ``cap`` rows, the same ones on every run."""
    if n <= cap:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=cap, replace=False))


class FoldRefit(NamedTuple):
    """The model refit on the first CV fold's training rows, and that fold's row positions."""

    model: object
    fitted: np.ndarray
    held: np.ndarray


def first_fold_refit(cfg: Config, model, X: pd.DataFrame, y: pd.Series) -> FoldRefit:
    """Refit ``model`` on the first fold's training rows: permutation importance scores it on the
    held-out rows, and so does SHAP for a model that must be explained on unseen rows."""
    fitted, held = cv_splitter(cfg, X, y)[0]
    fitted = capped(fitted, cfg.cv_seed)
    return FoldRefit(clone(model).fit(X.iloc[fitted], y.iloc[fitted]), fitted, held)


def capped(rows: np.ndarray, seed: int) -> np.ndarray:
    """At most ``REFIT_MAX_ROWS`` of a fold's training ``rows``, a seeded sample in their order."""
    return rows[sample_index(len(rows), REFIT_MAX_ROWS, seed)]


def permutation_table(
    cfg: Config, model, X: pd.DataFrame, y: pd.Series, first: FoldRefit | None = None
) -> list[dict]:
    """Mean drop of the project metric when a column is shuffled in a held-out fold.

    The pipeline is refit on each training fold and scored on (a sample of) the fold it never
    saw. Two budgets cap the folds used: ``REFIT_ROW_BUDGET`` training rows (a million-row table
    costs one refit, not five) and ``PREDICT_CALL_BUDGET`` pipeline calls (each shuffled column
    of each repeat is one call): a wide table uses one fold and fewer repeats (an 80-column
    table two, a 200-column table one). ``first``, when given, is the first fold's refit
    (:func:`first_fold_refit`), used instead of fitting it again.
    """
    folds = cv_splitter(cfg, X, y, quiet=first is not None)  # the first refit said it
    # A blend's call runs each of its members' pipelines.
    calls = PREDICT_CALL_BUDGET // pipelines_per_prediction(model)
    repeats = max(1, min(PERMUTATION_REPEATS, calls // X.shape[1]))
    by_rows = REFIT_ROW_BUDGET // max(1, len(folds[0][0]))
    by_calls = calls // (X.shape[1] * repeats)
    folds = folds[: max(1, min(len(folds), by_rows, by_calls))]
    per_fold = math.ceil(cfg.interpret_rows / len(folds))
    per_fold = min(per_fold, max(MIN_HELD_ROWS, PREDICT_ROW_BUDGET // (X.shape[1] * repeats)))
    scorer = metric_scorer(cfg.metric, cfg.task)
    drops = []
    for number, (train_idx, test_idx) in enumerate(folds, start=1):
        print(f"interpret: permutation importance, fold {number}/{len(folds)}", flush=True)
        if number == 1 and first is not None:
            fitted = first.model
        else:
            train_idx = capped(train_idx, cfg.cv_seed + number)
            fitted = clone(model).fit(X.iloc[train_idx], y.iloc[train_idx])
        held = test_idx[sample_index(len(test_idx), per_fold, cfg.cv_seed + number)]
        with compute.spread():  # the shuffled columns on a cluster's workers, if any
            result = permutation_importance(
                fitted,
                X.iloc[held],
                y.iloc[held],
                scoring=scorer,
                n_repeats=repeats,
                random_state=cfg.cv_seed,
                n_jobs=compute.n_jobs(),
            )
        drops.append(result.importances)
    stacked = np.concatenate(drops, axis=1)
    table = [
        {
            "feature": name,
            "importance": float(stacked[i].mean()),
            "std": float(stacked[i].std()),
        }
        for i, name in enumerate(X.columns)
    ]
    return sorted(table, key=lambda row: row["importance"], reverse=True)
