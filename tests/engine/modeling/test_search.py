"""The time-boxed tuner: it stops on its budget, reports progress, and never loses to its start."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import optuna
import pandas as pd
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import get_scorer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from kaggle_starter.modeling import search
from kaggle_starter.modeling.search import search_space, tunable, tune

BOOSTERS = {
    "hist_gradient_boosting": lambda: HistGradientBoostingClassifier(random_state=0),
    "lightgbm": lambda: LGBMClassifier(n_jobs=1, random_state=0, verbose=-1),
}


def _builder(name):
    def build(params):
        pipeline = Pipeline([("scale", StandardScaler()), ("model", BOOSTERS[name]())])
        return pipeline.set_params(**{f"model__{k}": v for k, v in params.items()})

    return build


def _table():
    X, y = make_classification(
        n_samples=300, n_features=10, n_informative=4, flip_y=0.1, random_state=0
    )
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
    return X, pd.Series(np.where(y == 1, "yes", "no"))


def test_tuning_stops_on_its_budget_reports_progress_and_beats_the_defaults():
    X, y = _table()
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    scorer = get_scorer("roc_auc")
    gains = {}
    for name in BOOSTERS:
        lines = []
        result = tune(
            _builder(name), X, y, splits, scorer, model=name, seconds=5, seed=0,
            start={}, progress=lines.append, label="AUC",
        )  # fmt: skip
        assert result["trials"] >= 1
        assert result["seconds"] > 0 and result["budget"] == 5
        assert len(lines) == result["trials"] + result["pruned"]
        assert lines[0].startswith("  trial   0  AUC ") and "best" in lines[0]
        assert "s left" in lines[-1]
        # The same folds, the libraries' defaults, no tuning.
        default = cross_val_score(_builder(name)({}), X, y, cv=splits, scoring=scorer).mean()
        assert result["start_score"] == pytest.approx(default, abs=0.01)
        assert result["score"] >= result["start_score"]
        assert len(result["folds"]) == len(splits)
        gains[name] = result["score"] - default
        # The parameters rebuild a model that scores what the search found.
        rebuilt = cross_val_score(_builder(name)(result["params"]), X, y, cv=splits, scoring=scorer)
        assert rebuilt.mean() == pytest.approx(result["score"])
    assert max(gains.values()) >= 0


def test_large_folds_stop_early_and_report_a_fixed_number_of_rounds(monkeypatch):
    # Early stopping starts at 10,000 rows a fold; lowered here to keep the test fast.
    monkeypatch.setattr(search, "EARLY_STOPPING_ROWS", 100)
    X, y = make_regression(n_samples=400, n_features=6, noise=10.0, random_state=0)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)])
    y = pd.Series(y - y.min() + 1)
    splits = list(KFold(4, shuffle=True, random_state=0).split(X))
    makers = {
        "lightgbm": lambda: LGBMRegressor(n_jobs=1, random_state=0, verbose=-1),
        "hist_gradient_boosting": lambda: HistGradientBoostingRegressor(random_state=0),
    }
    for name, make in makers.items():

        def build(params, make=make):
            pipeline = Pipeline([("scale", StandardScaler()), ("model", make())])
            pipeline.set_params(**{f"model__{k}": v for k, v in params.items()})
            return TransformedTargetRegressor(pipeline, func=np.log1p, inverse_func=np.expm1)

        result = tune(
            build, X, y, splits, get_scorer("neg_root_mean_squared_error"), model=name,
            seconds=30, seed=0, start={}, progress=lambda line: None, max_trials=2,
        )  # fmt: skip
        rounds = result["params"][search.ROUNDS[name]]
        assert isinstance(rounds, int) and 1 <= rounds < search.MAX_ROUNDS
        assert "n_iter_no_change" not in result["params"]
        assert result["params"].get("early_stopping", False) is False


def test_search_spaces():
    assert tunable("lightgbm") and tunable("hist_gradient_boosting") and not tunable("linear")
    trial = optuna.trial.FixedTrial(
        {"learning_rate": 0.1, "num_leaves": 8, "min_child_samples": 5, "subsample": 0.9,
         "colsample_bytree": 0.7, "reg_lambda": 1.0, "n_estimators": 200}
    )  # fmt: skip
    assert search_space("lightgbm", trial)["n_estimators"] == 200
    assert search_space("lightgbm", trial, early_stopping=True)["n_estimators"] == 2000
    with pytest.raises(ValueError, match="no search space"):
        search_space("linear", trial)


@pytest.mark.parametrize(
    ("models", "named"),
    [
        ({"lightgbm": {"random_state": 3}}, "lightgbm random_state is 3"),
        ({"lightgbm": {"num_leaf": 31}}, "lightgbm num_leaf is 31; `make tune` searches only"),
        ({"lightgbm": {"n_estimators": 10**9}}, "n_estimators is 1000000000; it must be"),
        ({"lightgbm": {"learning_rate": "fast"}}, "learning_rate is 'fast'"),
        ({"hist_gradient_boosting": [1, 2]}, "hist_gradient_boosting holds list"),
        ({"linear": {"C": 1.0}}, "linear is not a tunable model"),
        ([], "does not hold a 'models' mapping"),
    ],
)
def test_a_tuned_params_file_make_tune_could_not_have_written_is_one_sentence(
    tmp_path, models, named
):
    import json
    import shutil

    from example import EXAMPLE

    from kaggle_starter.config import load_config
    from kaggle_starter.errors import ProjectError
    from kaggle_starter.modeling.tuned_params import setup, tuned_params

    shutil.copy(EXAMPLE / "config.yaml", tmp_path / "config.yaml")
    cfg = load_config(tmp_path)
    saved = models if isinstance(models, list) else {"for": setup(cfg, False), "models": models}
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "tuned_params.json").write_text(json.dumps(saved))
    with pytest.raises(ProjectError, match="^models/tuned_params.json") as error:
        tuned_params(cfg, ["lightgbm", "hist_gradient_boosting", "linear"], False)
    assert named in str(error.value) and "\n" not in str(error.value)


def test_parameters_tuning_writes_are_accepted():
    assert search.params_problem("lightgbm", {"num_leaves": 15, "subsample_freq": 1}) is None
    for stopped in (12, search.MAX_ROUNDS):  # early stopping ends anywhere up to its cap
        rounds = {"max_iter": stopped, "early_stopping": False}
        assert search.params_problem("hist_gradient_boosting", rounds) is None


def test_early_stopping_on_labels_spelled_as_words(monkeypatch):
    """LightGBM 4.7's classifier label-encodes eval_set's labels but not eval_y's: the held-out
    rows go in as eval_set, so "yes" / "no" stop the search instead of failing every trial."""
    monkeypatch.setattr(search, "EARLY_STOPPING_ROWS", 100)
    X, y = _table()
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    result = tune(
        _builder("lightgbm"), X, y, splits, get_scorer("accuracy"), model="lightgbm",
        seconds=30, seed=0, start={}, progress=lambda line: None, max_trials=1,
    )  # fmt: skip
    assert 1 <= result["params"]["n_estimators"] < search.MAX_ROUNDS
