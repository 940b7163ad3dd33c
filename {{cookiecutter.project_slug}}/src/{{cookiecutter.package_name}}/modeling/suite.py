"""The model suite: one registry entry per model, and the only list of them.

Every model is a complete pipeline from the feature columns to predictions, so the saved model
needs nothing else at predict time. The suite spans the usual ladder: a dummy that sets the bar,
a regularised linear model, HistGradientBoosting, and the LightGBM / XGBoost / CatBoost boosters
when they are installed (``pip install -e ".[boost]"``). Thread counts and seeds are explicit, so
the same config gives the same scores twice.

To add a model, write its two factories and add one :class:`ModelSpec` to :data:`SUITE`; config
validation, training, the README's table and the documentation all read the registry. config.py
reads the names on every command, so this module imports the model libraries only inside the
factories; :mod:`.pipeline` puts a model behind its feature pipeline.
"""

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

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


@dataclass(frozen=True)
class Settings:
    """What a factory needs to know about this fit."""

    seed: int
    rows: int  # training rows: picks the boosters' small-data settings
    n_categorical: int  # categorical columns come first in the tree models' matrix
    threads: int
    params: dict = field(default_factory=dict)  # tuned parameters, overriding the defaults

    @property
    def small(self) -> bool:
        return self.rows <= SMALL_DATA_ROWS


@dataclass(frozen=True)
class ModelSpec:
    """One model of the suite: its name in config.yaml, its label in reports, how to build it."""

    name: str
    label: str
    classifier: Callable[[Settings], object]
    regressor: Callable[[Settings], object]
    requires: str | None = None  # an optional package the model needs
    linear: bool = False  # one-hot, imputed, scaled inputs instead of native categoricals
    as_codes: bool = False  # integer category codes instead of pandas categories (CatBoost)
    preprocess: bool = True  # the dummy reads nothing, so it needs no feature pipeline


def _dummy_classifier(s: Settings):
    from sklearn.dummy import DummyClassifier

    return DummyClassifier(strategy="prior")


def _dummy_regressor(s: Settings):
    from sklearn.dummy import DummyRegressor

    return DummyRegressor(strategy="mean")


def _logistic(s: Settings):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**{"C": 1.0, "max_iter": 2000, **s.params})


def _ridge(s: Settings):
    from sklearn.linear_model import RidgeCV

    return RidgeCV(alphas=RIDGE_ALPHAS)


def _hgb(s: Settings, classify: bool):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    model = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    defaults = HGB_SMALL if s.small else {}
    return model(categorical_features="from_dtype", random_state=s.seed, **{**defaults, **s.params})


def _lightgbm(s: Settings, classify: bool):
    from lightgbm import LGBMClassifier, LGBMRegressor

    model = LGBMClassifier if classify else LGBMRegressor
    defaults = LIGHTGBM_SMALL if s.small else {}
    return model(n_jobs=s.threads, random_state=s.seed, verbose=-1, **{**defaults, **s.params})


def _xgboost(s: Settings, classify: bool):
    from xgboost import XGBClassifier, XGBRegressor

    from .estimators import LabelEncodedClassifier

    model = (XGBClassifier if classify else XGBRegressor)(
        tree_method="hist", enable_categorical=True, n_jobs=s.threads, random_state=s.seed
    )
    return LabelEncodedClassifier(model) if classify else model


def _catboost(s: Settings, classify: bool):
    from .estimators import CatBoostModel, LabelEncodedClassifier

    model = CatBoostModel(classify, s.n_categorical, s.seed, s.threads)
    return LabelEncodedClassifier(model) if classify else model


SUITE = {
    spec.name: spec
    for spec in (
        ModelSpec("dummy", "dummy baseline", _dummy_classifier, _dummy_regressor, preprocess=False),
        ModelSpec("linear", "linear model", _logistic, _ridge, linear=True),
        ModelSpec(
            "hist_gradient_boosting",
            "HistGradientBoosting",
            lambda s: _hgb(s, True),
            lambda s: _hgb(s, False),
        ),
        ModelSpec(
            "lightgbm",
            "LightGBM",
            lambda s: _lightgbm(s, True),
            lambda s: _lightgbm(s, False),
            requires="lightgbm",
        ),
        ModelSpec(
            "xgboost",
            "XGBoost",
            lambda s: _xgboost(s, True),
            lambda s: _xgboost(s, False),
            requires="xgboost",
        ),
        ModelSpec(
            "catboost",
            "CatBoost",
            lambda s: _catboost(s, True),
            lambda s: _catboost(s, False),
            requires="catboost",
            as_codes=True,
        ),
    )
}
MODEL_NAMES = tuple(SUITE)


def label(name: str) -> str:
    """How reports name a model (an unknown name, such as an ensemble's, as it is)."""
    spec = SUITE.get(name)
    return spec.label if spec else name


def n_jobs() -> int:
    """Threads for models that take a count: OMP_NUM_THREADS when set, else every core."""
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else (os.cpu_count() or 1)


def available(name: str) -> bool:
    """Whether a model of the suite can run here (boosters are optional dependencies)."""
    requires = SUITE[name].requires
    return requires is None or importlib.util.find_spec(requires) is not None
