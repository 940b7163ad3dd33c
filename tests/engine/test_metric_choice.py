"""Which metric a project optimises: decided in one place, for config loading and `make data`."""

import warnings

import pytest

from kaggle_starter.errors import ProjectError
from kaggle_starter.metrics import check_fits, choose_metric


def test_metric_is_the_competitions_own_when_known():
    assert choose_metric("regression", kaggle="Root Mean Squared Logarithmic Error") == "rmsle"
    assert choose_metric("binary", kaggle="Categorization Accuracy") == "accuracy"
    with pytest.warns(UserWarning, match=r"'Some Custom Metric' matches no metric.*using accuracy"):
        assert choose_metric("binary", kaggle="Some Custom Metric") == "accuracy"
    with pytest.warns(UserWarning, match=r"'AUC' means roc_auc.*regression.*using rmse"):
        assert choose_metric("regression", kaggle="AUC") == "rmse"
    auc = "Area Under Receiver Operating Characteristic Curve"
    assert choose_metric("binary", kaggle=auc) == "roc_auc"


# Kaggle's evaluationMetric as its API spells it -> the metric `make data` settles on, and
# whether it says it fell back (the names the real-fetch test in tests/test_metric_names.py
# served before it kept three).
KAGGLE_NAMES = [
    ("binary", "Area Under Receiver Operating Characteristic Curve", "roc_auc", False),
    ("binary", "Normalized Gini", "gini", False),
    ("binary", "Log Loss", "log_loss", False),
    ("binary", "Matthews Correlation Coefficient", "mcc", False),
    ("binary", "F-Score Beta=1", "f1", False),
    ("binary", "MAP@K", "accuracy", True),
    ("binary", "Root Mean Squared Error", "accuracy", True),
    ("multiclass", "Multi-class logarithmic loss", "log_loss", False),
    ("multiclass", "Quadratic Weighted Kappa", "qwk", False),
    ("regression", "Symmetric Mean Absolute Percentage Error", "smape", False),
    ("regression", "MeanAbsoluteError", "mae", False),
]


@pytest.mark.parametrize(("task", "name", "expected", "warned"), KAGGLE_NAMES)
def test_kaggle_metric_names_settle_on_a_metric_or_say_why_not(task, name, expected, warned):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert choose_metric(task, kaggle=name) == expected
    said = [str(w.message) for w in caught if "Kaggle's metric" in str(w.message)]
    if warned:
        assert len(said) == 1 and name in said[0] and f"using {expected}" in said[0]
    else:
        assert not said


def test_the_owners_metric_wins_over_the_competitions_and_the_detected_one():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the competition's metric is not even looked at
        chosen = choose_metric("binary", asked="f1", kaggle="Some Custom Metric", detected="mcc")
    assert chosen == "f1"


def test_auto_takes_the_competitions_metric_then_the_detected_one_then_the_default():
    assert choose_metric("binary", asked="auto", kaggle="Log Loss", detected="mcc") == "log_loss"
    assert choose_metric("binary", asked="auto", detected="mcc") == "mcc"
    assert choose_metric("binary", asked="", detected=None) == "accuracy"
    assert choose_metric("regression", detected="mcc") == "rmse"  # detected for another task
    assert choose_metric("auto") == "auto"  # the task itself is not known yet


def test_a_metric_that_cannot_score_the_task_is_one_sentence_naming_config_yaml():
    message = r"^config.yaml: metric 'rmse' does not apply to a binary task; use one of accuracy,"
    with pytest.raises(ProjectError, match=message):
        choose_metric("binary", asked="rmse")
    with pytest.raises(ProjectError, match=message):
        check_fits("rmse", "binary")
    check_fits("rmse", "auto")  # nothing to check before the task is known
