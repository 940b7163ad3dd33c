"""The model suite: one registry entry per model, and the only list of them.

Every model is a complete pipeline from the feature columns to predictions, so the saved model
needs nothing else at predict time. The suite spans the usual ladder: a dummy that sets the bar,
a regularised linear model, HistGradientBoosting, and the LightGBM / XGBoost / CatBoost boosters
when they are installed (``make setup EXTRAS=boost`` in a project). Thread counts and seeds are
explicit, so the same config gives the same scores twice.

To add a model to the engine, write its two factories and add one :class:`ModelSpec` to
:data:`SUITE`; config validation, training, the README's table and the documentation all read the
registry. A project adds its own through :func:`kaggle_starter.extend.model` instead. config.py
reads the names on every command, so this module imports the model libraries only inside the
factories; :mod:`.pipeline` puts a model behind its feature pipeline.
"""

import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

# OpenMP threads that wait passively (sleep) rather than spin between a booster's parallel steps:
# on a busy machine a spinning thread holds a core another process needs, and every round
# waits for the thread the system set aside. One LightGBM fit of 500,000 rows on two threads, the
# machine shared (load 12 on 2 cores): 271 s spinning, 17.7 s passive (45 s on one thread).
# Set before LightGBM's and XGBoost's OpenMP runtime loads (they are imported in the factories,
# after this module); scikit-learn's HistGradientBoosting brings its own copy of the runtime,
# already loaded with scikit-learn by then, so it keeps the default. A value the owner exports
# wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# The linear models stay exact at any size: RidgeCV solves on X'X (features x features) and
# L-BFGS needs a few dozen passes; 1M rows x 19 columns fit in 4 s and 2.5 s on one core. A
# Lasso instead (LassoCV, 30 penalties): House Prices RMSLE 0.1280 -> 0.1238, but California RMSE
# 62,820 -> 63,309, and on a synthetic table with six huge houses 74,664 -> 77,872, where L1
# zeroed the spline columns only those rows support and under-predicted them all; not adopted.
RIDGE_ALPHAS = np.logspace(-2, 4, 13)  # chosen per fit by efficient leave-one-out
# The boosters' settings follow the data's size, because what limits them changes with it:
# - small (up to SMALL_ROWS rows): variance. Half the default rate, three times the rounds, small
#   trees (and row and column subsampling for LightGBM): measured better or equal on Titanic,
#   House Prices and Spaceship Titanic (8,693 rows) than the defaults or the medium settings.
#   The two boosters grow different sizes of tree there (7 and 15 leaves), because which size a
#   small table wants cannot be known before trying: the suite then scores both and the blend
#   mixes them. 7 instead of 15 leaves for HistGradientBoosting: Titanic accuracy 0.8473 ->
#   0.8563, Spaceship Titanic 0.8048 -> 0.8065, House Prices RMSLE 0.1290 -> 0.1287.
# - medium (more rows, up to MEDIUM_CELLS rows x columns): bias. Default-sized trees at half the
#   rate for 1,000 rounds: California housing (20,640 rows) RMSE 47,479 -> 44,892 (LightGBM) and
#   47,643 -> 45,275 (HistGradientBoosting, whose own early stopping stops too soon there).
# - large: time. The libraries' defaults (HistGradientBoosting stops early on a held-out tenth),
#   so a million-row or 784-column fit stays within minutes; `make tune` searches further.
SMALL_ROWS = 10_000
MEDIUM_CELLS = 2_000_000
BOOSTER_DEFAULTS = {
    "small": {
        "hist_gradient_boosting": {"learning_rate": 0.05, "max_iter": 300, "max_leaf_nodes": 7},
        "lightgbm": {
            "learning_rate": 0.05,
            "n_estimators": 300,
            "num_leaves": 15,
            "subsample": 0.8,
            "subsample_freq": 1,
            "colsample_bytree": 0.5,
        },
    },
    "medium": {
        "hist_gradient_boosting": {
            "learning_rate": 0.05,
            "max_iter": 1000,
            "max_leaf_nodes": 31,
            "early_stopping": False,
        },
        "lightgbm": {
            "learning_rate": 0.05,
            "n_estimators": 1000,
            "num_leaves": 31,
            "subsample": 0.8,
            "subsample_freq": 1,
            "colsample_bytree": 0.8,
        },
    },
}


# Wide tables (more than WIDE_COLUMNS feature columns) also get each tree built on a random 30 %
# of the columns: on 12,000 x 784 digits LightGBM fits 2.4 times faster at equal or better
# accuracy (0.9771 -> 0.9800), the column sampling random forests rely on.
WIDE_COLUMNS = 100
WIDE_SETTINGS = {
    "lightgbm": {"colsample_bytree": 0.3},
    "hist_gradient_boosting": {"max_features": 0.3},
}
# A table both large and wide costs minutes per fit even so (the 42,000 x 784 digits, ten
# classes: 87 s on two cores), so there each tree also sees half the rows, at twice the rate for
# half the rounds: 20.5 s per fit, accuracy 0.9941 -> 0.9910 on a held-out fifth.
LARGE_WIDE_SETTINGS = {
    "lightgbm": {"subsample": 0.5, "subsample_freq": 1, "learning_rate": 0.2, "n_estimators": 50},
    "hist_gradient_boosting": {"learning_rate": 0.2, "max_iter": 50},
}


def size_tier(rows: int, columns: int) -> str:
    """small | medium | large: which of the boosters' settings a table of this size gets."""
    if rows <= SMALL_ROWS:
        return "small"
    return "medium" if rows * columns <= MEDIUM_CELLS else "large"


# On a large table the gradient-boosting libraries cost minutes per fit and learn nearly the
# same model (a 42,000 x 784 ten-class table on two cores: LightGBM 92 s, HistGradientBoosting
# 133 s per fit, accuracy 0.991 and 0.992), so only the first installed of these that
# train.models lists is cross-validated there; the others are named as skipped.
FASTEST_BOOSTERS = ("lightgbm", "xgboost", "hist_gradient_boosting", "catboost")
LINEAR_MAX_ITER = {"large": 100}  # L-BFGS passes; else 2,000 (a 784-column fit: 20 s at 100)


# A huge table (more than HUGE_ROWS training rows) is where the fits themselves cost the time.
# There the suite is still the baselines, the boosters and the ensemble over them, each cut to
# what a quarter of an hour on two cores affords (ten million rows x 15 columns: LightGBM and
# HistGradientBoosting fit 6.7 million rows in 36 s and 34 s on a quiet machine):
# - the linear model fits on a seeded sample of HUGE_LINEAR_ROWS rows (estimators.SampledFit):
#   on all 9.8 million rows its five folds took 1,003 s (L-BFGS, not converged at 100 passes),
#   its splines and one-hot columns holding several times the table in float64 per fold. On
#   a fold of ten million rows (6.7 million, 96 columns once expanded) a sample of 1,000,000
#   rows fitted in 27 s at a 6.3 GB peak, 500,000 in 11.5 s at 4.7 GB, RMSE 62,543 and 62,549;
# - the boosters are those of HUGE_BOOSTERS, both stopping early on a held-out tenth
#   (stopping.py for LightGBM); the others listed are named as skipped, since each would add
#   minutes per fold (listing none of HUGE_BOOSTERS keeps the first booster listed instead);
# - cross-validation uses HUGE_FOLDS folds when cv.folds is left at its default
#   (modeling.splits).
HUGE_ROWS = 2_000_000
HUGE_FOLDS = 3
HUGE_LINEAR_ROWS = 500_000
HUGE_BOOSTERS = ("lightgbm", "hist_gradient_boosting")
HUGE_CLUSTER_BOOSTERS = ("xgboost",)  # on a cluster, one model across the workers if need be
# The boosters there: at most 100 rounds at a higher rate, each tree on half the rows and
# coarser bins, so one fit on six million rows stays under a minute on two cores (LightGBM's
# defaults, 100 rounds on all rows at 255 bins, measured 2 s a round on 6.7 million rows on a
# shared two-core machine). Both stop sooner when ten rounds do not improve the held-out loss.
HUGE_SETTINGS = {
    "lightgbm": {
        "learning_rate": 0.2,
        "n_estimators": 100,
        "subsample": 0.5,
        "subsample_freq": 1,
        "max_bin": 63,
    },
    "hist_gradient_boosting": {
        "learning_rate": 0.2,
        "max_iter": 100,
        "max_bins": 63,
        "early_stopping": True,
    },
    "xgboost": {"learning_rate": 0.2, "n_estimators": 100, "subsample": 0.5, "max_bin": 63},
}


def huge_table(rows: int) -> bool:
    """Whether a table of ``rows`` training rows gets the huge-table suite (see HUGE_ROWS)."""
    return rows > HUGE_ROWS


def _huge_choice(names: list[str], rows: int, cluster: bool) -> tuple[list[str], list[str]]:
    """(models to cross-validate, boosters skipped) on a huge table, said in one line; on a
    cluster XGBoost stays too (it trains across the workers: modeling.across_workers)."""
    boosters = [b for b in FASTEST_BOOSTERS if b in names]
    chosen = (*HUGE_BOOSTERS, *HUGE_CLUSTER_BOOSTERS) if cluster else HUGE_BOOSTERS
    kept = [b for b in boosters if b in chosen] or boosters[:1]
    skipped = [b for b in boosters if b not in kept]
    stopping = [b for b in kept if b in HUGE_BOOSTERS]
    parts = [f"{' and '.join(stopping)} stop early on a held-out tenth"] if stopping else []
    if cluster and "xgboost" in kept:
        parts.append("xgboost trains across the workers if the table is too big for one")
    parts += [f"keeping {b} alone" for b in kept if b not in chosen]
    if "linear" in names:
        parts.append(f"linear fits on a seeded sample of {HUGE_LINEAR_ROWS:,} rows")
    if skipped:
        parts.append(f"skipping {', '.join(skipped)}, which would add minutes per fold")
    if parts:
        print(f"Huge table ({rows:,} rows): {'; '.join(parts)}.")
    return [n for n in names if n not in skipped], skipped


def large_table_choice(
    names: list[str], rows: int, columns: int, *, cluster: bool = False
) -> tuple[list[str], list[str]]:
    """(models to cross-validate, boosters skipped): all of ``names`` unless the table is large
    (then one booster) or huge (then HUGE_BOOSTERS); either choice is said in one line.
    ``cluster``: compute.cluster names one."""
    if huge_table(rows):
        return _huge_choice(names, rows, cluster)
    boosters = [b for b in FASTEST_BOOSTERS if b in names]
    if size_tier(rows, columns) != "large" or len(boosters) < 2:
        return list(names), []
    print(
        f"Large table ({rows:,} rows × {columns} features): one gradient-boosting library is "
        f"enough here, skipping {', '.join(boosters[1:])} (list only the one you want in "
        "train.models to choose)."
    )
    return [n for n in names if n not in boosters[1:]], boosters[1:]


def booster_defaults(name: str, rows: int, columns: int) -> dict:
    """What the suite sets over a booster's library defaults for a table of this size."""
    tier = size_tier(rows, columns)
    settings = dict(BOOSTER_DEFAULTS.get(tier, {}).get(name, {}))
    if columns > WIDE_COLUMNS:
        settings.update(WIDE_SETTINGS.get(name, {}))
        if tier == "large":
            settings.update(LARGE_WIDE_SETTINGS.get(name, {}))
    if huge_table(rows):
        settings.update(HUGE_SETTINGS.get(name, {}))
    return settings


@dataclass(frozen=True)
class Settings:
    """What a factory needs to know about this fit."""

    seed: int
    rows: int  # training rows and feature columns: pick the boosters' settings
    n_categorical: int  # categorical columns come first in the tree models' matrix
    threads: int
    params: dict = field(default_factory=dict)  # tuned parameters, overriding the defaults
    columns: int = 0
    prose: bool = False  # text in sentences: C chosen per fit (text.text_classifier)

    def defaults(self, name: str) -> dict:
        return booster_defaults(name, self.rows, self.columns)

    @property
    def tier(self) -> str:
        return size_tier(self.rows, self.columns)


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

    from .text import text_classifier

    passes = LINEAR_MAX_ITER.get(s.tier, 2000)
    if s.prose:  # TF-IDF: C chosen on a holdout of the fold's training rows (text.py)
        return text_classifier(s.seed, **{"max_iter": passes, **s.params})
    return LogisticRegression(**{"C": 1.0, "max_iter": passes, **s.params})


def _ridge(s: Settings):
    from sklearn.linear_model import RidgeCV

    return RidgeCV(alphas=RIDGE_ALPHAS)


def _hgb(s: Settings, classify: bool):
    if huge_table(s.rows):  # its held-out tenth split from the float32 matrix (stopping.py)
        from .stopping import StoppingHGBClassifier as HistGradientBoostingClassifier
        from .stopping import StoppingHGBRegressor as HistGradientBoostingRegressor
    else:
        from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    model = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
    defaults = s.defaults("hist_gradient_boosting")
    return model(categorical_features="from_dtype", random_state=s.seed, **{**defaults, **s.params})


def _lightgbm(s: Settings, classify: bool):
    if huge_table(s.rows):  # stops early on a held-out tenth, as HistGradientBoosting does
        from .stopping import StoppingLGBMClassifier as LGBMClassifier
        from .stopping import StoppingLGBMRegressor as LGBMRegressor
    else:
        from lightgbm import LGBMClassifier, LGBMRegressor

    model = LGBMClassifier if classify else LGBMRegressor
    defaults = s.defaults("lightgbm")
    return model(n_jobs=s.threads, random_state=s.seed, verbose=-1, **{**defaults, **s.params})


def _xgboost(s: Settings, classify: bool):
    from .across_workers import xgboost_model  # one model across a cluster's workers if need be
    from .estimators import LabelEncodedClassifier

    model = xgboost_model(
        classify,
        tree_method="hist",
        enable_categorical=True,
        n_jobs=s.threads,
        random_state=s.seed,
        **s.defaults("xgboost"),
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
