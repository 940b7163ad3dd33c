"""A huge table's models, fitted for real on a small table that counts as huge: the linear model
on a seeded sample (every class kept, every row predicted), LightGBM stopping early on a
held-out tenth, and the ensemble over them."""

import os
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from kaggle_starter.interpret.shapley import _unwrap
from kaggle_starter.modeling import estimators, pipeline, suite
from kaggle_starter.modeling.ensemble_candidate import ensemble_model
from kaggle_starter.modeling.estimators import SampledFit
from kaggle_starter.modeling.pipeline import build_model, split_user
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.modeling.stopping import StoppingLGBMClassifier, StoppingLGBMRegressor

os.environ.setdefault("OMP_NUM_THREADS", "1")

SCHEMA = {
    "files": {"train": "train.csv", "test": "test.csv"},
    "columns": [
        {"name": "size", "role": "numeric", "n_unique": 400, "in_test": True},
        {"name": "colour", "role": "categorical", "n_unique": 3, "in_test": True},
        {"name": "label", "role": "target", "n_unique": 3, "in_test": False},
    ],
}
ROLES = model_roles(SCHEMA)


def _frame(rows: int = 400, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    size = rng.normal(10, 3, rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    label = np.where(size + (colour == "red") * 2 + rng.normal(0, 1, rows) > 11, "yes", "no")
    label = label.astype(object)
    label[rows // 2] = "rare"  # one row of a third class, which a plain sample would miss
    return pd.DataFrame({"size": size, "colour": colour}), pd.Series(label, name="label")


@pytest.fixture
def huge(monkeypatch):
    """This module's 400 rows count as huge; the linear model's sample is 60 rows, predicted
    30 rows at a time."""
    monkeypatch.setattr(suite, "HUGE_ROWS", 100)
    monkeypatch.setattr(pipeline, "HUGE_LINEAR_ROWS", 60)
    monkeypatch.setattr(estimators, "BATCH_ROWS", 30)


def test_the_linear_model_fits_a_sample_that_keeps_every_class(huge):
    X, y = _frame()
    model = build_model("linear", "multiclass", ROLES, SCHEMA, seed=3, rows=len(X)).fit(X, y)
    _, core = split_user(model)
    assert isinstance(core, SampledFit)
    fitted = core.estimator_.named_steps["model"]
    assert fitted.n_features_in_ > 0 and list(core.classes_) == ["no", "rare", "yes"]
    assert core._sample(y).size == 61  # 60 drawn, plus the one "rare" row the draw missed
    engineered = model[:-1].transform(X)
    one_call = core.estimator_.predict_proba(engineered)  # the slices give the same answers
    assert np.allclose(model.predict_proba(X), one_call) and len(one_call) == len(X)
    again = build_model("linear", "multiclass", ROLES, SCHEMA, seed=3, rows=len(X)).fit(X, y)
    assert np.array_equal(again.predict(X), model.predict(X))  # the sample is seeded
    assert _unwrap(core)[0] is core.estimator_  # SHAP explains the fitted pipeline


def test_a_regression_target_on_the_log_scale_is_sampled_too(huge):
    from sklearn.compose import TransformedTargetRegressor

    X, _ = _frame()
    y = np.exp(X["size"] / 5)
    model = build_model("linear", "regression", ROLES, SCHEMA, seed=0, rows=len(X),
                        log_target=True).fit(X, y)  # fmt: skip
    _, core = split_user(model)
    assert isinstance(core.estimator_, TransformedTargetRegressor) and core._sample(y).size == 60
    predicted = model.predict(X)  # on the target's own scale, not the log scale
    assert predicted.shape == (len(X),) and 0.9 < np.median(predicted / y) < 1.1


@pytest.mark.parametrize("task", ["binary", "regression"])
def test_lightgbm_stops_early_on_a_held_out_tenth(huge, task):
    X, y = _frame()
    noise = np.random.default_rng(1).normal(size=len(X))
    y = (y == "yes") if task == "binary" else X["size"] * 3 + noise
    model = build_model("lightgbm", task, ROLES, SCHEMA, seed=0, rows=len(X))
    booster = model.fit(X, y)[-1].named_steps["model"]
    kind = StoppingLGBMClassifier if task == "binary" else StoppingLGBMRegressor
    assert type(booster) is kind
    assert 1 <= booster.best_iteration_ < 100  # stopped before the 100-round cap
    (held_out,) = booster.evals_result_.values()  # scored on the held-out tenth each round
    assert len(next(iter(held_out.values()))) == booster.best_iteration_ + 10
    copy = clone(booster)  # scikit-learn's clone and get_params see LightGBM's parameters
    assert copy.get_params()["learning_rate"] == 0.2 and type(copy) is kind
    restored = pickle.loads(pickle.dumps(model))
    assert np.array_equal(restored.predict(X), model.predict(X))


def test_the_ensemble_over_them_keeps_the_sample(huge):
    X, y = _frame()
    y = y.where(y != "rare", "no")
    members = {
        name: build_model(name, "binary", ROLES, SCHEMA, seed=0, rows=len(X))
        for name in ("linear", "hist_gradient_boosting", "lightgbm")
    }
    blend = ensemble_model(members, {"linear": 0.5, "hist_gradient_boosting": 0.25,
                                     "lightgbm": 0.25}).fit(X, y)  # fmt: skip
    voting = blend[-1]
    linear = voting.named_estimators_["linear"]
    assert isinstance(linear, SampledFit) and linear.estimator_ is not None
    assert voting.predict_proba(blend[:-1].transform(X)).shape == (len(X), 2)
    assert set(blend.predict(X)) <= {"no", "yes"}


def test_lightgbm_trains_on_a_class_of_one_row(huge):
    """The held-out tenth never takes a class's only row (it did, with the seed chosen here,
    and LightGBM then failed on a held-out label it had never seen)."""
    from sklearn.model_selection import train_test_split

    X, y = _frame()
    rare = int(np.flatnonzero(y == "rare")[0])
    seed = next(s for s in range(100) if rare in train_test_split(
        np.arange(len(y)), test_size=0.1, random_state=s)[1])  # fmt: skip
    model = build_model("lightgbm", "multiclass", ROLES, SCHEMA, seed=seed, rows=len(X))
    assert list(model.fit(X, y).classes_) == ["no", "rare", "yes"]


def test_shap_explains_the_stopping_lightgbm_exactly(huge):
    from kaggle_starter.interpret.shapley import _tree_explainable

    X, _ = _frame()
    y = X["size"] * 3
    model = build_model("lightgbm", "regression", ROLES, SCHEMA, seed=0, rows=len(X)).fit(X, y)
    assert _tree_explainable(model[-1].named_steps["model"])  # a LightGBM by its class's bases


def test_the_model_card_names_the_librarys_class():
    from kaggle_starter.modeling.across_workers import XGBRegressorAcrossWorkers
    from kaggle_starter.modeling.estimators import LabelEncodedClassifier
    from kaggle_starter.stages.train import _library_class

    assert _library_class(StoppingLGBMRegressor()) == "LGBMRegressor"
    assert _library_class(XGBRegressorAcrossWorkers()) == "XGBRegressor"
    assert _library_class(LabelEncodedClassifier()) == "LabelEncodedClassifier"


@pytest.mark.parametrize("task", ["multiclass", "regression"])
def test_histgradientboosting_stops_on_the_same_held_out_tenth(huge, task):
    from kaggle_starter.modeling.stopping import StoppingHGBClassifier, StoppingHGBRegressor

    X, y = _frame()
    if task == "regression":
        y = X["size"] * 3 + np.random.default_rng(1).normal(size=len(X))
    booster = build_model("hist_gradient_boosting", task, ROLES, SCHEMA, seed=0, rows=len(X))
    booster = booster.fit(X, y)[-1].named_steps["model"]
    kind = StoppingHGBClassifier if task == "multiclass" else StoppingHGBRegressor
    assert type(booster) is kind and booster.n_iter_ < 100
    assert len(booster.validation_score_) == booster.n_iter_ + 1  # scored on the given tenth
    if task == "multiclass":
        assert list(booster.classes_) == ["no", "rare", "yes"]
