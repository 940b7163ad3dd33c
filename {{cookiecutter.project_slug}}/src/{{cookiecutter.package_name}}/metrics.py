"""The metrics a project can be judged on, and how Kaggle's names map to them.

Each metric names the scikit-learn scorer that computes it, so cross-validation, reports and the
submission all agree on one definition. Error metrics are stored by scikit-learn as negative
scores; :func:`to_metric_units` turns a scorer value back into the metric's own units.
"""

import re
from dataclasses import dataclass

CLASSIFICATION = ("binary", "multiclass")
REGRESSION = ("regression",)
TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    scorer: str
    greater_is_better: bool
    tasks: tuple[str, ...]
    needs_proba: bool = False


METRICS = {
    m.name: m
    for m in (
        Metric("accuracy", "accuracy", "accuracy", True, CLASSIFICATION),
        Metric("balanced_accuracy", "balanced accuracy", "balanced_accuracy", True, CLASSIFICATION),
        Metric("roc_auc", "ROC AUC", "roc_auc", True, ("binary",), needs_proba=True),
        Metric("log_loss", "log loss", "neg_log_loss", False, CLASSIFICATION, needs_proba=True),
        Metric("f1", "F1", "f1", True, ("binary",)),
        Metric("f1_macro", "macro F1", "f1_macro", True, CLASSIFICATION),
        Metric("f1_weighted", "weighted F1", "f1_weighted", True, CLASSIFICATION),
        Metric("precision", "precision", "precision", True, ("binary",)),
        Metric("recall", "recall", "recall", True, ("binary",)),
        Metric(
            "average_precision",
            "average precision",
            "average_precision",
            True,
            ("binary",),
            needs_proba=True,
        ),
        Metric("rmse", "RMSE", "neg_root_mean_squared_error", False, REGRESSION),
        Metric("rmsle", "RMSLE", "neg_root_mean_squared_log_error", False, REGRESSION),
        Metric("mae", "MAE", "neg_mean_absolute_error", False, REGRESSION),
        Metric("r2", "R²", "r2", True, REGRESSION),
        Metric("mape", "MAPE", "neg_mean_absolute_percentage_error", False, REGRESSION),
    )
}

DEFAULT_FOR_TASK = {"binary": "accuracy", "multiclass": "accuracy", "regression": "rmse"}

# Kaggle's evaluation-metric names, lowercased with spaces and punctuation removed.
_KAGGLE_NAMES = {
    "categorizationaccuracy": "accuracy",
    "accuracy": "accuracy",
    "accuracyscore": "accuracy",
    "auc": "roc_auc",
    "rocauc": "roc_auc",
    "areaundercurve": "roc_auc",
    "areaunderroccurve": "roc_auc",
    "logloss": "log_loss",
    "binarylogloss": "log_loss",
    "multiclasslogloss": "log_loss",
    "multiclassloss": "log_loss",
    "f1": "f1",
    "f1score": "f1",
    "meanf1score": "f1_macro",
    "macrof1": "f1_macro",
    "macrof1score": "f1_macro",
    "rmse": "rmse",
    "rootmeansquarederror": "rmse",
    "rmsle": "rmsle",
    "rootmeansquaredlogarithmicerror": "rmsle",
    "rootmeansquaredlogerror": "rmsle",
    "mae": "mae",
    "meanabsoluteerror": "mae",
    "r2": "r2",
    "rsquared": "r2",
    "mape": "mape",
    "meanabsolutepercentageerror": "mape",
    "averageprecision": "average_precision",
}


def from_kaggle(name: str | None) -> str | None:
    """The metric for a Kaggle evaluation-metric name, or None when it has no equivalent here."""
    if not name:
        return None
    return _KAGGLE_NAMES.get(re.sub(r"[^a-z0-9]", "", name.lower()))


def to_metric_units(metric: Metric, scorer_value: float) -> float:
    """A scikit-learn scorer value in the metric's own units (RMSE is positive, not negated)."""
    return scorer_value if metric.greater_is_better else -scorer_value
