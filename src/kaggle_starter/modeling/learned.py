"""Learned feature steps: statistics computed from training rows, fitted inside each CV fold.

A group's mean target is a strong feature and an easy leak: computed on all rows, every row's
value contains its own answer. As a pipeline step it is fitted on a fold's training rows only,
and on those rows themselves it is cross-fitted (scikit-learn's TargetEncoder), so no row ever
sees its own target.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.multiclass import type_of_target

STATISTICS = ("mean", "median", "std", "min", "max", "count")
ENCODER_FOLDS = 5  # the cross-fitting folds of target encoding, TargetEncoder's own default
# The task's name -> scikit-learn's TargetEncoder target_type; told, never inferred, because
# "auto" reads an integer regression target (prices in whole dollars) as hundreds of classes.
TARGET_TYPES = {"binary": "binary", "multiclass": "multiclass", "regression": "continuous"}


def target_encoder(target_type: str, seed: int = 0):
    """scikit-learn's TargetEncoder, cross-fitting on seeded shuffled folds (stratified for labels).

    The folds are passed as a splitter, the form scikit-learn 1.9 asks for, so the same seed
    gives the same encoding and scores twice.
    """
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.preprocessing import TargetEncoder

    splitter = StratifiedKFold if target_type in ("binary", "multiclass") else KFold
    folds = splitter(ENCODER_FOLDS, shuffle=True, random_state=seed)
    return TargetEncoder(target_type=target_type, cv=folds)


def told_the_task(step, task: str):
    """``step`` with every target_type it leaves open (None, or TargetEncoder's "auto") set
    from the task, the one thing that knows whether integer answers are labels or amounts."""
    open_ = {
        key: TARGET_TYPES[task]
        for key, value in step.get_params(deep=True).items()
        if key.rsplit("__", 1)[-1] == "target_type" and value in (None, "auto")
    }
    return step.set_params(**open_) if open_ else step


def _kind(y) -> str:
    """Labels (stratified folds) or a number, for a GroupStatistic used outside the pipeline."""
    kind = type_of_target(y)
    return kind if kind in ("binary", "multiclass") else "continuous"


class GroupStatistic(TransformerMixin, BaseEstimator):
    """Add one column: a statistic of ``of`` (default: the target) per level of ``by``.

    With ``of=None`` it is target encoding through :class:`sklearn.preprocessing.TargetEncoder`
    (smoothed, cross-fitted on the rows it is fitted on); for a multiclass target one column per
    class is added. With ``of`` a numeric column, it is that column's ``stat`` per group, learned
    in ``fit``; a level unseen in training gets the overall value.

    ``target_type`` (binary | multiclass | continuous) is set by the model pipeline from the
    task (see :func:`told_the_task`); left None outside it, labels are told from numbers by
    scikit-learn's ``type_of_target``.
    """

    def __init__(
        self,
        by: str,
        of: str | None = None,
        stat: str = "mean",
        name: str | None = None,
        target_type: str | None = None,
    ):
        self.by = by
        self.of = of
        self.stat = stat
        self.name = name
        self.target_type = target_type

    def _column(self) -> str:
        return self.name or f"{self.by}_{self.stat}_{self.of or 'target'}"

    def _check(self, X: pd.DataFrame) -> None:
        for column in (self.by, self.of):
            if column is not None and column not in X.columns:
                raise ValueError(
                    f"GroupStatistic: column {column!r} is not in the table; its columns are "
                    f"{', '.join(map(str, X.columns[:12]))}"
                )
        if self.stat not in STATISTICS:
            raise ValueError(f"GroupStatistic: stat must be one of {', '.join(STATISTICS)}")

    def _keys(self, X: pd.DataFrame) -> pd.DataFrame:
        return X[[self.by]].astype("string").fillna("(missing)").astype(object)

    def fit(self, X, y=None):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        X = pd.DataFrame(X)
        self._check(X)
        if self.of is None:
            self.encoder_ = target_encoder(self.target_type or _kind(y))
            encoded = self.encoder_.fit_transform(self._keys(X), np.asarray(y))
            return self._attach(X, encoded)
        values = pd.to_numeric(X[self.of], errors="coerce")
        self.table_ = values.groupby(self._keys(X)[self.by]).agg(self.stat)
        self.overall_ = float(values.agg(self.stat))
        return self.transform(X)

    def transform(self, X):
        X = pd.DataFrame(X)
        self._check(X)
        if self.of is None:
            return self._attach(X, self.encoder_.transform(self._keys(X)))
        mapped = self._keys(X)[self.by].map(self.table_).astype(float).fillna(self.overall_)
        return X.assign(**{self._column(): mapped.to_numpy()})

    def _attach(self, X: pd.DataFrame, encoded: np.ndarray) -> pd.DataFrame:
        if encoded.shape[1] == 1:
            return X.assign(**{self._column(): encoded[:, 0]})
        classes = self.encoder_.classes_
        return X.assign(**{f"{self._column()}_{c}": encoded[:, i] for i, c in enumerate(classes)})
