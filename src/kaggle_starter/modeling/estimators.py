"""Small scikit-learn estimators that let every library of the suite behave the same way.

scikit-learn clones an estimator for every fold and reads ``classes_`` to spell predictions; two
boosters do not play along out of the box, so they are wrapped here rather than special-cased in
training, interpretation and prediction.
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin, clone
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import get_tags
from sklearn.utils.metaestimators import available_if

# Rows one prediction call takes where a table has millions: a pipeline copies its input a few
# times over (features, encodings, the model's float matrix), so such a table is predicted in
# slices of this size, each freed before the next, and memory stays that of one slice.
BATCH_ROWS = 250_000


class ColumnWise(TransformerMixin, BaseEstimator):
    """A transformer that learns nothing but the names of its columns, which its feature names
    are built from (date parts, text statistics)."""

    def fit(self, X, y=None):
        self.columns_ = [str(c) for c in pd.DataFrame(X).columns]
        self.n_features_in_ = len(self.columns_)
        return self


class LabelEncodedClassifier(ClassifierMixin, BaseEstimator):
    """Fit a classifier on labels 0..k-1 and answer in the original labels.

    XGBoost accepts only encoded labels; this keeps ``classes_`` and predictions spelled as in
    train (strings, booleans) like every other model of the suite.
    """

    def __init__(self, estimator=None):
        self.estimator = estimator

    def fit(self, X, y):
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        self.estimator_ = clone(self.estimator).fit(X, encoder.transform(y))
        return self

    def predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CatBoostModel(RegressorMixin, BaseEstimator):
    """CatBoost, told that the first ``n_categorical`` columns are categorical, built in fit.

    CatBoost copies its constructor arguments, which scikit-learn's ``clone`` (used for every
    fold) rejects, so the booster is created at fit time. Classification goes through
    :class:`LabelEncodedClassifier`, which keeps labels spelled as in train.
    """

    def __init__(self, classify=False, n_categorical=0, seed=0, threads=1):
        self.classify = classify
        self.n_categorical = n_categorical
        self.seed = seed
        self.threads = threads

    def fit(self, X, y):
        from catboost import CatBoostClassifier, CatBoostRegressor

        booster = CatBoostClassifier if self.classify else CatBoostRegressor
        self.model_ = booster(
            cat_features=list(range(self.n_categorical)),
            thread_count=self.threads,
            random_seed=self.seed,
            verbose=0,
            allow_writing_files=False,
        ).fit(X, y)
        return self

    def predict(self, X):
        return np.ravel(self.model_.predict(X))

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


class SampledFit(BaseEstimator):
    """Fit ``estimator`` on a seeded sample of at most ``rows`` rows; predict every row given,
    ``BATCH_ROWS`` at a time.

    For a model whose fit grows faster than its accuracy with the rows: on a huge table
    (``suite.HUGE_ROWS``) the linear model's spline and one-hot columns hold several times the
    table in float64, and L-BFGS passes over all of them a hundred times (9.8 million rows: 1,003 s
    for five folds), while half a million rows already pin its few dozen coefficients. Wrapping the
    model, not the caller, keeps the rule wherever it is fitted: the folds, the refit, an
    ensemble's member, interpretation's refits. A classifier's sample holds at least one row
    of every class, so its ``classes_`` are all of them. Past the user's step (where this sits)
    each row's prediction depends on that row alone, so slices answer as one call would.
    """

    def __init__(self, estimator=None, rows: int = 500_000, seed: int = 0):
        self.estimator = estimator
        self.rows = rows
        self.seed = seed

    def __sklearn_tags__(self):  # a classifier or a regressor as the wrapped model is
        return super().__sklearn_tags__() if self.estimator is None else get_tags(self.estimator)

    def fit(self, X, y):
        positions = self._sample(y)
        if positions is not None:
            X, y = take_rows(X, positions), take_rows(y, positions)
        self.estimator_ = clone(self.estimator).fit(X, y)
        if hasattr(self.estimator_, "classes_"):
            self.classes_ = self.estimator_.classes_
        return self

    def _sample(self, y) -> np.ndarray | None:
        """Sorted positions of the sample, or None when every row fits."""
        if len(y) <= self.rows:
            return None
        chosen = np.random.default_rng(self.seed).choice(len(y), self.rows, replace=False)
        if get_tags(self.estimator).estimator_type == "classifier":
            chosen = with_every_class(chosen, y)
        return np.sort(chosen)

    def predict(self, X):
        return in_slices(self.estimator_.predict, X)

    @available_if(lambda self: hasattr(self.estimator, "predict_proba"))
    def predict_proba(self, X):
        return in_slices(self.estimator_.predict_proba, X)


def with_every_class(chosen: np.ndarray, y) -> np.ndarray:
    """``chosen`` row positions plus the first row of each class of ``y`` they miss, so a
    classifier fitted on them knows every class (a class of one row is easily missed)."""
    codes, _ = pd.factorize(np.asarray(y))
    firsts = np.unique(codes, return_index=True)[1]
    missing = np.setdiff1d(np.arange(len(firsts)), codes[chosen])
    return np.union1d(chosen, firsts[missing])


def held_out_rows(y, share: float, seed, classify: bool) -> tuple[np.ndarray, np.ndarray]:
    """(rows to fit, rows to stop on): a seeded ``share`` held out for early stopping.

    A classifier's split is stratified when every class has two rows, and a class whose only
    row was held out is moved back to the fitting rows: a booster must see every class it is
    asked about, and its held-out labels must be ones it knows.
    """
    from sklearn.model_selection import train_test_split

    labels = np.asarray(y)
    stratify = None
    if classify and np.unique(labels, return_counts=True)[1].min() >= 2:
        stratify = labels
    kept, held = train_test_split(
        np.arange(len(labels)), test_size=share, random_state=seed, stratify=stratify
    )
    if classify:
        kept = with_every_class(kept, labels)
        held = np.setdiff1d(held, kept)
    return kept, held


def take_rows(data, positions: np.ndarray):
    """The rows at ``positions`` of a frame, a series or an array."""
    return data.iloc[positions] if hasattr(data, "iloc") else np.asarray(data)[positions]


def in_slices(answer, X, rows: int | None = None) -> np.ndarray:
    """``answer(X)`` (a model's predict or predict_proba) called on ``rows`` rows at a time
    (``BATCH_ROWS``) and stacked: the same values as one call, with the memory of one slice,
    for a model whose answer for a row depends on that row alone."""
    rows = rows or BATCH_ROWS
    if len(X) <= rows:
        return np.asarray(answer(X))
    part = (lambda a, b: X.iloc[a:b]) if hasattr(X, "iloc") else (lambda a, b: X[a:b])
    return np.concatenate(
        [np.asarray(answer(part(start, start + rows))) for start in range(0, len(X), rows)], axis=0
    )
