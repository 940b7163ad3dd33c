"""The metric catalogue: Kaggle's names, the scorers behind them, and a metric of your own."""

import math
import os
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from example import EXAMPLE, PACKAGE
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LinearRegression, LogisticRegression

import kaggle_starter
from kaggle_starter.errors import ProjectError
from kaggle_starter.metrics import (
    BUILT_IN,
    CLASSIFICATION,
    DEFAULT_FOR_TASK,
    METRICS,
    TASKS,
    custom_metric,
    from_kaggle,
    get_metric,
    scorer,
    to_metric_units,
)

os.environ.setdefault("OMP_NUM_THREADS", "1")

TEMPLATE = Path(kaggle_starter.__file__).resolve().parents[2]

# Names as Kaggle spells them: competition pages, the API's evaluationMetric, the catalogue ids.
KAGGLE_NAMES = [
    ("Categorization Accuracy", "accuracy"),
    ("CategorizationAccuracy", "accuracy"),
    ("Accuracy Score", "accuracy"),
    ("Micro-averaged F1-Score", "accuracy"),
    ("Mean F-Score", "accuracy"),
    ("MeanFScore", "accuracy"),
    ("Balanced Accuracy", "balanced_accuracy"),
    ("Area Under Receiver Operating Characteristic Curve", "roc_auc"),
    ("AUC", "roc_auc"),
    ("ROC AUC", "roc_auc"),
    ("AUC-ROC", "roc_auc"),
    ("Area Under the ROC Curve", "roc_auc"),
    ("RocAuc", "roc_auc"),
    ("AUROC", "roc_auc"),
    ("Mean Columnwise Area Under Receiver Operating Characteristic Curve", "roc_auc"),
    ("MCAUC", "roc_auc"),
    ("Normalized Gini", "gini"),
    ("NormalizedGini", "gini"),
    ("Gini Coefficient", "gini"),
    ("Gini Index", "gini"),
    ("Log Loss", "log_loss"),
    ("LogLoss", "log_loss"),
    ("Binary Crossentropy", "log_loss"),
    ("Multi-class logarithmic loss", "log_loss"),
    ("MulticlassLoss", "log_loss"),
    ("Categorical Cross-Entropy", "log_loss"),
    ("Mean Columnwise Log Loss", "log_loss"),
    ("Balanced Log Loss", "balanced_log_loss"),
    ("F1", "f1"),
    ("F1 Score", "f1"),
    ("F-score beta=1", "f1"),
    ("F-Score (beta = 1.0)", "f1"),
    ("Macro F1", "f1_macro"),
    ("Macro-averaged F1 score", "f1_macro"),
    ("Weighted F1", "f1_weighted"),
    ("Matthews Correlation Coefficient", "mcc"),
    ("MCC", "mcc"),
    ("Quadratic Weighted Kappa", "qwk"),
    ("QWK", "qwk"),
    ("Cohen's kappa (quadratic)", "qwk"),
    ("Average Precision", "average_precision"),
    ("PR AUC", "average_precision"),
    ("Area Under the Precision-Recall Curve", "average_precision"),
    ("Root Mean Squared Error", "rmse"),
    ("Root Mean Square Error", "rmse"),
    ("RMSE", "rmse"),
    ("MCRMSE", "rmse"),
    ("Mean Columnwise Root Mean Squared Error", "rmse"),
    ("Root Mean Squared Logarithmic Error", "rmsle"),
    ("Root Mean Squared Log Error", "rmsle"),
    ("RMSLE", "rmsle"),
    ("Mean Squared Error", "mse"),
    ("Mean Squared Logarithmic Error", "msle"),
    ("Mean Absolute Error", "mae"),
    ("MAE", "mae"),
    ("Median Absolute Error", "medae"),
    ("R2", "r2"),
    ("R²", "r2"),
    ("R-squared", "r2"),
    ("Coefficient of Determination", "r2"),
    ("R2Score", "r2"),
    ("Mean Absolute Percentage Error", "mape"),
    ("Symmetric Mean Absolute Percentage Error", "smape"),
    ("SMAPE", "smape"),
    ("sMAPE", "smape"),
]

UNKNOWN_NAMES = [
    "MAP@{K}",
    "MAP@5",
    "Mean Average Precision @ K",
    "Mean Average Precision",
    "Dice Coefficient",
    "Intersection over Union",
    "IoU",
    "Mean Columnwise Spearman",
    "Pearson Correlation Coefficient",
    "SpearmanR",
    "Weighted Mean Absolute Error",
    "NWMAE",
    "Mean F-Score Beta",
    "F2 Score",
    "Cohen's Kappa",
    "Linear Weighted Kappa",
    "Top-3 Accuracy",
    "Weighted Multi-class Log Loss",
    "Multi-label Log Loss",
    "Levenshtein Mean",
    "MeanUtility",
    "",
    None,
]

PROBABILITY_METRICS = {"roc_auc", "gini", "log_loss", "balanced_log_loss", "average_precision"}


@pytest.mark.parametrize(("name", "expected"), KAGGLE_NAMES)
def test_kaggle_names_map_to_the_metric_they_mean(name, expected):
    assert from_kaggle(name) == expected


@pytest.mark.parametrize("name", UNKNOWN_NAMES)
def test_names_with_no_equivalent_map_to_nothing(name):
    assert from_kaggle(name) is None


def test_spelling_case_and_word_order_do_not_matter():
    for name in ("roc auc", "ROC-AUC", "roc_auc", "AUC ROC", "auc (roc)", "Area under ROC curves"):
        assert from_kaggle(name) == "roc_auc", name


def test_every_metric_is_found_under_its_own_name():
    for name in METRICS:
        assert from_kaggle(name) == name


def test_plain_f1_on_a_multiclass_target_is_macro_f1():
    assert from_kaggle("F1 Score", task="multiclass") == "f1_macro"
    assert from_kaggle("F1 Score", task="binary") == "f1"
    assert from_kaggle("Log Loss", task="multiclass") == "log_loss"


def test_probabilities_are_needed_exactly_for_the_ranking_and_log_loss_metrics():
    assert {name for name, m in METRICS.items() if m.needs_proba} == PROBABILITY_METRICS


def test_the_task_defaults_fit_their_tasks():
    for task, name in DEFAULT_FOR_TASK.items():
        assert task in METRICS[name].tasks


def _metric_row(readme: Path) -> list[str]:
    """The names in the last cell of the README's ``metric`` row (the accepted values)."""
    row = next(line for line in readme.read_text().splitlines() if line.startswith("| `metric` |"))
    return re.findall(r"`([^`]+)`", row.rstrip(" |").rsplit(" | ", 1)[-1])


def test_the_readme_lists_every_metric_of_the_catalogue_in_its_order():
    assert _metric_row(TEMPLATE / "README.md") == list(BUILT_IN)


def test_the_rendered_projects_files_name_every_metric_or_none():
    """A partial list in a comment goes stale as the catalogue grows; all or nothing."""
    word = r"(?<![\w/.-]){}(?![\w/.-])"
    for name in ("README.md", "config.yaml"):
        text = (TEMPLATE / "{{cookiecutter.project_slug}}" / name).read_text()
        for line in text.splitlines():
            named = {m for m in BUILT_IN if re.search(word.format(m), line)}
            assert not named or named == set(BUILT_IN), f"{name}: {line}"


# --- scorers against hand computations ------------------------------------------------------


class FixedClassifier(ClassifierMixin, BaseEstimator):
    """Answers given probabilities, whatever X, so a scorer's value can be worked out by hand."""

    def __init__(self, proba=None, classes=None):
        self.proba = proba
        self.classes = classes

    def fit(self, X=None, y=None):
        self.classes_ = np.asarray(self.classes)
        return self

    def predict_proba(self, X):
        return np.asarray(self.proba, dtype=float)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class FixedRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, values=None):
        self.values = values

    def fit(self, X=None, y=None):
        self.fitted_ = True
        return self

    def predict(self, X):
        return np.asarray(self.values, dtype=float)


def _binary(p_positive):
    p = np.asarray(p_positive, dtype=float)
    return FixedClassifier(np.column_stack([1 - p, p]), [0, 1]).fit()


def _labels(predicted, classes):
    one_hot = np.eye(len(classes))[[classes.index(c) for c in predicted]]
    return FixedClassifier(one_hot, classes).fit()


def _score(name, model, y):
    X = np.zeros((len(y), 1))
    return to_metric_units(METRICS[name], scorer(name)(model, X, np.asarray(y)))


def test_gini_is_twice_the_auc_minus_one():
    # Pairs (positive, negative) ranked right: 0.35 > 0.1, 0.8 > 0.1, 0.8 > 0.4; wrong: 0.35 < 0.4.
    auc = 3 / 4
    assert _score("gini", _binary([0.1, 0.4, 0.35, 0.8]), [0, 0, 1, 1]) == pytest.approx(
        2 * auc - 1
    )


def test_matthews_correlation_by_hand():
    # TP 1, FN 1, TN 2, FP 0: (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = 2 / sqrt(12).
    model = _labels([1, 0, 0, 0], [0, 1])
    assert _score("mcc", model, [1, 1, 0, 0]) == pytest.approx(2 / math.sqrt(12))


def test_quadratic_weighted_kappa_by_hand():
    # Ratings 0..2, weights (i − j)²: observed Σ w·O = 1 + 1 (two rows one apart, weight 1 each);
    # expected Σ w·E = Σ w_ij · t_i · p_j / n with t = p = (1, 1, 2): (1·2 + 4·4 + 1·4) / 4 = 5.5.
    model = _labels([0, 2, 2, 1], [0, 1, 2])
    assert _score("qwk", model, [0, 1, 2, 2]) == pytest.approx(1 - 2 / 5.5)


def test_quadratic_weighted_kappa_measures_distance_on_the_whole_rating_scale():
    # Ratings 1, 2 and 4 seen, 3 missing: 4 is three steps from 1, not two.
    # Observed Σ w·O = 1 (a 1 rated 2); expected Σ w·E = (1·2 + 9·1 + 4·1 + 4·2) / 3 = 23 / 3.
    model = _labels([2, 2, 4], [1, 2, 3, 4])
    assert _score("qwk", model, [1, 2, 4]) == pytest.approx(1 - 3 / 23)


def test_balanced_log_loss_weighs_each_class_equally():
    y, p = [0, 0, 0, 1], [0.1, 0.2, 0.3, 0.6]
    negatives = -(math.log(0.9) + math.log(0.8) + math.log(0.7)) / 3
    positives = -math.log(0.6)
    plain = (3 * negatives + positives) / 4
    assert _score("balanced_log_loss", _binary(p), y) == pytest.approx((negatives + positives) / 2)
    assert _score("log_loss", _binary(p), y) == pytest.approx(plain)


def test_balanced_log_loss_on_three_classes():
    proba = [[0.7, 0.2, 0.1], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2], [0.1, 0.1, 0.8]]
    model = FixedClassifier(proba, [0, 1, 2]).fit()
    by_class = [-(math.log(0.7) + math.log(0.5)) / 2, -math.log(0.6), -math.log(0.8)]
    assert _score("balanced_log_loss", model, [0, 0, 1, 2]) == pytest.approx(sum(by_class) / 3)


def test_smape_follows_kaggles_definition_with_zero_over_zero_as_zero():
    actual, forecast = [100, 0, 50], [110, 0, 40]
    by_hand = 100 / 3 * (2 * 10 / 210 + 0 + 2 * 10 / 90)
    assert _score("smape", FixedRegressor(forecast).fit(), actual) == pytest.approx(by_hand)


def test_squared_error_metrics_by_hand():
    model = FixedRegressor([1, 2, 5]).fit()
    assert _score("mse", model, [1, 2, 3]) == pytest.approx(4 / 3)
    assert _score("rmse", model, [1, 2, 3]) == pytest.approx(math.sqrt(4 / 3))
    assert _score("msle", model, [1, 2, 3]) == pytest.approx((math.log(6) - math.log(4)) ** 2 / 3)
    assert _score("medae", model, [1, 2, 3]) == pytest.approx(0)


# --- every metric on a real fitted model ----------------------------------------------------


def _classification(task):
    """Learnable classes; binary ones with the negative class the majority, as usual."""
    binary = task == "binary"
    return make_classification(
        n_samples=150, n_features=4, n_informative=3, n_redundant=0, n_classes=2 if binary else 3,
        weights=[0.6] if binary else None, class_sep=2.0, flip_y=0.05, random_state=0,
    )  # fmt: skip


def _regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = 100 + X @ np.array([10.0, -5.0, 3.0]) + rng.normal(0, 2, 150)
    return X, y


CLAIMS = [(name, task) for name, metric in METRICS.items() for task in metric.tasks]


@pytest.mark.parametrize(("name", "task"), CLAIMS)
def test_every_metric_scores_a_fitted_model_above_the_baseline_on_each_task_it_claims(name, task):
    if task in CLASSIFICATION:
        X, y = _classification(task)
        model = LogisticRegression(max_iter=1000).fit(X, y)
        baseline = DummyClassifier(strategy="prior").fit(X, y)
    else:
        X, y = _regression()
        model, baseline = LinearRegression().fit(X, y), DummyRegressor().fit(X, y)
    metric, score = METRICS[name], scorer(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)  # the dummy predicts no positive
        fitted, dummy = (to_metric_units(metric, score(m, X, y)) for m in (model, baseline))
    assert math.isfinite(fitted) and math.isfinite(dummy)
    assert fitted > dummy if metric.greater_is_better else fitted < dummy


def test_the_scorer_is_what_permutation_importance_and_get_scorer_accept():
    from sklearn.inspection import permutation_importance
    from sklearn.metrics import get_scorer

    X, y = _classification("binary")
    model = LogisticRegression(max_iter=1000).fit(X, y)
    assert get_scorer(METRICS["gini"].scorer)(model, X, y) > 0.5
    result = permutation_importance(
        model, X, y, scoring=scorer("balanced_log_loss"), n_repeats=2, random_state=0
    )
    assert result.importances_mean.max() > 0  # shuffling the informative column hurts


# --- a metric of your own -------------------------------------------------------------------

USER_MODULE = """
import numpy as np


def capped_error(y_true, y_pred):
    return float(np.abs(np.minimum(y_pred, 100) - y_true).mean())


def hit_rate(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


hit_rate.greater_is_better = True


def top_score(y_true, y_proba):
    return float(np.mean(np.asarray(y_proba)[np.asarray(y_true) == 1]))


def unclear(y_true, y_pred):
    return 0.0
"""


@pytest.fixture
def user_module(tmp_path, monkeypatch):
    name = f"user_metrics_{os.getpid()}"
    (tmp_path / f"{name}.py").write_text(USER_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def test_a_user_function_named_error_is_minimised_on_predictions(user_module):
    metric = custom_metric(f"{user_module}:capped_error", "regression")
    assert (metric.greater_is_better, metric.needs_proba, metric.tasks) == (
        False, False, ("regression",),
    )  # fmt: skip
    value = metric.scorer(FixedRegressor([90, 120]).fit(), np.zeros((2, 1)), np.array([100, 90]))
    assert to_metric_units(metric, value) == pytest.approx((10 + 10) / 2)


def test_a_declared_direction_wins_and_a_y_proba_parameter_means_probabilities(user_module):
    assert custom_metric(f"{user_module}:hit_rate", "binary").greater_is_better is True
    metric = custom_metric(f"{user_module}:top_score", "binary")
    assert metric.needs_proba and metric.greater_is_better
    value = metric.scorer(_binary([0.2, 0.9, 0.7]), np.zeros((3, 1)), np.array([0, 1, 1]))
    assert value == pytest.approx(0.8)


def test_library_functions_follow_the_same_conventions():
    kappa = get_metric("sklearn.metrics:cohen_kappa_score", "multiclass")
    assert kappa.greater_is_better and not kappa.needs_proba
    assert not get_metric("sklearn.metrics:median_absolute_error").greater_is_better
    # A module of the project's own package is found by its short name.
    module = EXAMPLE / "src" / PACKAGE / "own_metrics.py"
    module.write_text("from kaggle_starter.metrics import gini_score  # noqa: F401\n")
    try:
        own = get_metric("own_metrics:gini_score", "binary")
    finally:  # the example project is shared: other tests list its files
        module.unlink()
        sys.modules.pop(f"{PACKAGE}.own_metrics", None)
    assert own.needs_proba and own.greater_is_better


def test_the_catalogues_own_functions_obey_the_convention_they_document():
    """Each is named as config.yaml would: from the package, or from the module defining it."""
    for name, metric in METRICS.items():
        if metric.score_func is not None:
            function = metric.score_func.__name__
            for module in ("kaggle_starter.metrics", metric.score_func.__module__):
                own = custom_metric(f"{module}:{function}", metric.tasks[0])
                assert own.score_func is metric.score_func, name
                assert (own.greater_is_better, own.needs_proba) == (
                    metric.greater_is_better, metric.needs_proba,
                ), name  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("no_such_module_here:f", r"no module 'no_such_module_here'.*create src/"),
        ("{module}:missing", r"has no function 'missing'; define missing\(y_true, y_pred\)"),
        ("{module}:unclear", r"end the function's name in _score .* unclear.greater_is_better"),
        ("{module}:top_score", r"regression model does not give"),
        ("just_a_word", r"not known: use one of accuracy, "),
        (":f", r"neither a known metric nor module:function"),
    ],
)
def test_a_broken_spec_is_one_sentence_naming_it_and_the_fix(user_module, spec, message):
    spec = spec.format(module=user_module)
    with pytest.raises(ProjectError, match=message) as caught:
        get_metric(spec, "regression")
    assert repr(spec) in str(caught.value)


def test_a_missing_import_inside_the_users_module_keeps_its_traceback(tmp_path, monkeypatch):
    (tmp_path / "broken_user_metrics.py").write_text("import not_installed_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="not_installed_anywhere"):
        custom_metric("broken_user_metrics:f_score", "binary")


def test_a_custom_metric_without_a_task_claims_the_tasks_it_can_score(user_module):
    assert custom_metric(f"{user_module}:capped_error", None).tasks == TASKS
    assert custom_metric(f"{user_module}:top_score", None).tasks == CLASSIFICATION
