"""The train stage's ensemble record: the honest nested score is the one recorded and compared."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import VotingClassifier
from sklearn.metrics import get_scorer
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from kaggle_starter.metrics import METRICS, to_metric_units
from kaggle_starter.modeling.ensemble_candidate import ensemble_entry, ensemble_model
from kaggle_starter.modeling.ensemble_selection import evaluate, oof_predictions, score_function
from kaggle_starter.modeling.pipeline import split_user, with_user_features


def _noise_results(seed: int):
    """Four "models" whose OOF probabilities are pure noise, as cross_validate records them."""
    rng = np.random.default_rng(seed)
    y = pd.Series(rng.choice(["no", "yes"], 300))
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(300), y))
    listed = {"dummy": {"oof": {}, "estimator": DummyClassifier()}}
    for name in ("a", "b", "c", "d"):
        positive = rng.random(300)
        listed[name] = {
            "oof": {"y_pred": np.where(positive > 0.5, "yes", "no").astype(object),
                    "proba_no": 1 - positive, "proba_yes": positive},
            "estimator": with_user_features(DummyClassifier(strategy="prior")),
            "log_target": False,
        }  # fmt: skip
    return listed, y, splits


def test_the_recorded_score_is_the_nested_one_not_the_in_sample_one():
    metric = METRICS["log_loss"]
    scorer = get_scorer(metric.sklearn_scorer)
    gaps = []
    for seed in range(3):
        listed, y, splits = _noise_results(seed)
        entry = ensemble_entry(listed, y, splits, scorer, metric, ["no", "yes"])
        classes = ["no", "yes"]
        predictions = {n: oof_predictions(listed[n]["oof"], classes) for n in "abcd"}
        nested = evaluate(predictions, y.to_numpy(), splits, score_function(scorer, classes))
        assert entry["mean"] == to_metric_units(metric, nested.mean)
        assert entry["in_sample"] == to_metric_units(metric, nested.in_sample)
        gaps.append(entry["mean"] - entry["in_sample"])  # log loss: lower is better
    # Weights chosen on the scored rows flatter noise; the recorded, nested score does not.
    assert np.mean(gaps) > 0


def test_same_inputs_give_the_same_record():
    metric = METRICS["accuracy"]
    scorer = get_scorer("accuracy")
    first, second = (
        ensemble_entry(*_noise_results(1), scorer, metric, ["no", "yes"]) for _ in range(2)
    )
    for key in ("mean", "std", "folds", "in_sample", "weights"):
        assert first[key] == second[key]
    blended = first["oof"]
    assert set(blended) == {"y_pred", "proba_no", "proba_yes"}
    assert np.allclose(blended["proba_no"] + blended["proba_yes"], 1)


def test_the_saved_ensemble_runs_the_user_step_once():
    members = {
        "a": with_user_features(DummyClassifier(strategy="prior")),
        "b": with_user_features(DummyClassifier(strategy="uniform", random_state=0)),
    }
    model = ensemble_model(members, {"a": 0.75, "b": 0.25})
    user, core = split_user(model)
    assert user is not None and isinstance(core, VotingClassifier) and is_classifier(model)
    assert not any(isinstance(est, Pipeline) for _, est in core.estimators)
    assert core.weights == [0.75, 0.25]


def test_fewer_than_two_models_make_no_ensemble():
    listed = {"dummy": {}, "only": {"oof": {"y_pred": np.zeros(4)}, "estimator": DummyRegressor()}}
    assert ensemble_entry(listed, np.zeros(4), [], None, METRICS["rmse"], None) is None
