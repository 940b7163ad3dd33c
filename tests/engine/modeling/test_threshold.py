"""The decision threshold for F1-type metrics: chosen out of fold, judged honestly, applied."""

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.modeling.threshold import apply_threshold, decision_threshold


def _oof(rows: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = pd.Series((rng.random(rows) < 0.25).astype(int))
    # An unsure model: positives get probabilities around 0.4, negatives around 0.15.
    proba = np.clip(np.where(y == 1, 0.4, 0.15) + rng.normal(0, 0.1, rows), 0, 1)
    folds = np.array_split(rng.permutation(rows), 5)
    splits = [(np.setdiff1d(np.arange(rows), f), np.sort(f)) for f in folds]
    return y, {"proba_0": 1 - proba, "proba_1": proba}, splits


def test_an_f1_threshold_is_chosen_below_one_half_when_the_model_is_unsure():
    y, oof, splits = _oof()
    found = decision_threshold("f1", oof, y, splits)
    assert 0.15 < found["value"] < 0.45
    assert found["positive"] == 1 and found["metric"] == "f1"
    assert found["honest"] > found["at_half"] + 0.1
    assert found["in_sample"] >= found["honest"] - 1e-9
    assert len(found["honest_folds"]) == 5


def test_no_threshold_for_accuracy_or_more_than_two_classes():
    y, oof, splits = _oof()
    assert decision_threshold("accuracy", oof, y, splits) is None
    three = pd.Series(np.arange(len(y)) % 3)
    assert decision_threshold("f1_macro", oof, three, splits) is None


def test_apply_threshold_spells_labels_as_the_model_does():
    proba = np.array([[0.7, 0.3], [0.9, 0.1]])
    labels = apply_threshold(proba, np.array(["no", "yes"]), {"value": 0.25, "positive": "yes"})
    assert labels.tolist() == ["yes", "no"]


def test_the_metrics_from_confusion_counts_agree_with_scikit_learn():
    from sklearn.metrics import balanced_accuracy_score, f1_score, matthews_corrcoef

    from kaggle_starter.modeling.threshold import _scores

    y, oof, _ = _oof()
    truth, proba = (y == 1).to_numpy(), oof["proba_1"]
    labels = (proba >= 0.3).astype(int)
    expected = {
        "f1": f1_score(y, labels),
        "f1_macro": f1_score(y, labels, average="macro"),
        "f1_weighted": f1_score(y, labels, average="weighted"),
        "mcc": matthews_corrcoef(y, labels),
        "balanced_accuracy": balanced_accuracy_score(y, labels),
    }
    for metric, value in expected.items():
        assert _scores(metric, truth, proba, [0.3])[0] == pytest.approx(value), metric
