"""The baseline suite and the cross-validation splits it is judged on.

Every model is a complete pipeline from the feature columns (as ``dataset.py`` loads them) to
predictions, so the saved model needs nothing else at predict time. The suite spans the usual
ladder: a dummy that sets the bar, a regularised linear model, HistGradientBoosting, and the
LightGBM / XGBoost / CatBoost boosters when they are installed (``pip install -e ".[boost]"``).
Thread counts and seeds are explicit, so the same config gives the same scores twice.
"""

import importlib.util
import os

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, TimeSeriesSplit
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder

from .config import Config
from .errors import ProjectError
from .features import preprocessor
from .metrics import CLASSIFICATION

BOOSTERS = {"lightgbm": "lightgbm", "xgboost": "xgboost", "catboost": "catboost"}
# The linear models stay exact at any size: RidgeCV solves on X'X (features x features) and
# L-BFGS needs a few dozen passes; 1M rows x 19 columns fit in 4 s and 2.5 s on one core.
RIDGE_ALPHAS = np.logspace(-2, 4, 13)  # chosen per fit by efficient leave-one-out
# Up to this many rows, variance rather than time limits the boosters: they learn at half the
# default rate for three times the rounds with smaller trees (and LightGBM subsamples rows and
# columns), which measured better or equal on Titanic, House Prices and Spaceship Titanic.
# Larger data keeps the libraries' defaults (HistGradientBoosting stops early on a held-out
# tenth), so a million-row fit stays within minutes.
SMALL_DATA_ROWS = 100_000
HGB_SMALL = {"learning_rate": 0.05, "max_iter": 300, "max_leaf_nodes": 15}
LIGHTGBM_SMALL = {
    "learning_rate": 0.05,
    "n_estimators": 300,
    "num_leaves": 15,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.5,
}


def n_jobs() -> int:
    """Threads for models that take a count: OMP_NUM_THREADS when set, else every core."""
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 1)


def available(name: str) -> bool:
    """Whether a model of the suite can run here (boosters are optional dependencies)."""
    return name not in BOOSTERS or importlib.util.find_spec(BOOSTERS[name]) is not None


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


def _classifier(name: str, seed: int, rows: int, n_categorical: int):
    threads = n_jobs()
    if name == "dummy":
        return DummyClassifier(strategy="prior")
    if name == "linear":
        return LogisticRegression(C=1.0, max_iter=2000)
    if name == "hist_gradient_boosting":
        small = HGB_SMALL if rows <= SMALL_DATA_ROWS else {}
        return HistGradientBoostingClassifier(
            categorical_features="from_dtype", random_state=seed, **small
        )
    if name == "lightgbm":
        from lightgbm import LGBMClassifier

        small = LIGHTGBM_SMALL if rows <= SMALL_DATA_ROWS else {}
        return LGBMClassifier(n_jobs=threads, random_state=seed, verbose=-1, **small)
    if name == "xgboost":
        from xgboost import XGBClassifier

        return LabelEncodedClassifier(
            XGBClassifier(
                tree_method="hist", enable_categorical=True, n_jobs=threads, random_state=seed
            )
        )
    return LabelEncodedClassifier(CatBoostModel(True, n_categorical, seed, threads))


def _regressor(name: str, seed: int, rows: int, n_categorical: int):
    threads = n_jobs()
    if name == "dummy":
        return DummyRegressor(strategy="mean")
    if name == "linear":
        return RidgeCV(alphas=RIDGE_ALPHAS)
    if name == "hist_gradient_boosting":
        small = HGB_SMALL if rows <= SMALL_DATA_ROWS else {}
        return HistGradientBoostingRegressor(
            categorical_features="from_dtype", random_state=seed, **small
        )
    if name == "lightgbm":
        from lightgbm import LGBMRegressor

        small = LIGHTGBM_SMALL if rows <= SMALL_DATA_ROWS else {}
        return LGBMRegressor(n_jobs=threads, random_state=seed, verbose=-1, **small)
    if name == "xgboost":
        from xgboost import XGBRegressor

        return XGBRegressor(
            tree_method="hist", enable_categorical=True, n_jobs=threads, random_state=seed
        )
    return CatBoostModel(False, n_categorical, seed, threads)


def build_model(
    name: str,
    task: str,
    roles: dict[str, list[str]],
    schema: dict,
    *,
    seed: int,
    rows: int,
    log_target: bool = False,
):
    """One model of the suite as a pipeline from feature columns to predictions.

    ``roles`` come from ``features.model_roles(schema)``; ``rows`` (the training size) picks
    the boosters' settings (see ``SMALL_DATA_ROWS``). ``log_target`` fits a regressor on
    log1p(y) and answers with expm1 of its prediction: what RMSLE rewards, and what a positive,
    skewed target usually needs.
    """
    classify = task in CLASSIFICATION
    make = _classifier if classify else _regressor
    estimator = make(name, seed, rows, len(roles["categorical"]))
    if name == "dummy":
        model = estimator
    else:
        features = preprocessor(roles, schema, linear=name == "linear", as_codes=name == "catboost")
        model = Pipeline([("features", features), ("model", estimator)])
    if log_target and not classify:
        return TransformedTargetRegressor(
            regressor=model, func=np.log1p, inverse_func=np.expm1, check_inverse=False
        )
    return model


def _groups(cfg: Config, X: pd.DataFrame, column: str, load) -> pd.Series:
    if column in X.columns:
        return X[column]
    frame = load(cfg)
    if column not in frame.columns:
        raise ProjectError(
            f"config.yaml: cv column {column!r} is not a column of the training data; set "
            f"it to one of {', '.join(map(str, frame.columns[:10]))}."
        )
    return frame.loc[X.index, column]


def cv_splitter(cfg: Config, X: pd.DataFrame, y: pd.Series) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (train, validation) row positions of every fold, as config.yaml's ``cv:`` asks.

    ``auto`` is stratified for classification and shuffled k-fold for regression, or group /
    time splits when a group or time column is set. Group and time columns may be columns that
    are not features (an id, a date); they are then read from the processed training table,
    matched on X's index.
    """
    from .dataset import load_train

    strategy, folds, seed = cfg.cv_strategy, cfg.cv_folds, cfg.cv_seed
    if strategy == "auto":
        strategy = (
            "group"
            if cfg.group_column
            else "time"
            if cfg.time_column
            else "stratified"
            if cfg.task in CLASSIFICATION
            else "kfold"
        )
    if strategy in ("group", "time") and not (
        cfg.group_column if strategy == "group" else cfg.time_column
    ):
        raise ProjectError(
            f"config.yaml: cv.strategy is {strategy} but cv.{strategy}_column is empty; name "
            "the column there."
        )
    if len(X) < folds:
        raise ProjectError(
            f"config.yaml: cv.folds is {folds} but the training data has only {len(X)} rows; "
            "lower cv.folds."
        )
    positions = np.arange(len(X))
    if strategy == "stratified":
        counts = pd.Series(y).value_counts()
        if counts.min() < folds:
            raise ProjectError(
                f"Class {counts.idxmin()!r} of the target has only {counts.min()} rows, fewer "
                f"than cv.folds ({folds}); lower cv.folds in config.yaml or use strategy kfold."
            )
        splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
        return list(splitter.split(positions, np.asarray(y)))
    if strategy == "kfold":
        return list(KFold(folds, shuffle=True, random_state=seed).split(positions))
    if strategy == "group":
        groups = _groups(cfg, X, cfg.group_column, load_train)
        if groups.nunique() < folds:
            raise ProjectError(
                f"config.yaml: cv.group_column {cfg.group_column!r} has {groups.nunique()} "
                f"distinct values, fewer than cv.folds ({folds}); lower cv.folds."
            )
        splitter = GroupKFold(folds, shuffle=True, random_state=seed)
        return list(splitter.split(positions, groups=groups.astype("string").fillna("")))
    times = _groups(cfg, X, cfg.time_column, load_train)
    order = np.argsort(times.to_numpy(), kind="stable")
    return [(order[a], order[b]) for a, b in TimeSeriesSplit(folds).split(order)]
