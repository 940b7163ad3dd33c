"""The catalogue: one :class:`Metric` record per metric a project can be judged on.

One definition per metric, shared by cross-validation, interpretation, the report and the
submission: each :class:`Metric` builds a scikit-learn scorer (:attr:`Metric.scorer`). Scorers
follow scikit-learn's sign rule, "greater is better", so error metrics come out negated;
:func:`to_metric_units` turns a scorer value back into the metric's own units.

``METRICS`` is also the registry a project's extend.py adds to (:func:`..extend.metric`);
``BUILT_IN`` names the engine's own, in the order the README lists them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .scores import (
    balanced_log_loss,
    gini_score,
    quadratic_weighted_kappa_score,
    symmetric_mean_absolute_percentage_error,
)

CLASSIFICATION = ("binary", "multiclass")
REGRESSION = ("regression",)
TASKS = ("binary", "multiclass", "regression")


@dataclass(frozen=True)
class Metric:
    """One metric: its name in config.yaml, its label in prose, and how it is scored.

    Scored by scikit-learn's predefined scorer ``sklearn_scorer`` when there is one, else by
    ``score_func`` wrapped with ``make_scorer``. ``needs_proba`` marks metrics scored on
    predicted probabilities (the submission then holds probabilities); ``log_scale`` marks
    metrics computed on log(1 + y), for which a model fitted on log(1 + y) is the natural fit.
    """

    name: str
    label: str
    greater_is_better: bool
    tasks: tuple[str, ...]
    needs_proba: bool = False
    log_scale: bool = False
    sklearn_scorer: str | None = None
    score_func: Callable | None = None

    @property
    def scorer(self) -> Callable:
        """A scikit-learn scorer, ``scorer(estimator, X, y) -> float``, greater is better."""
        from sklearn.metrics import get_scorer, make_scorer

        if self.sklearn_scorer:
            return get_scorer(self.sklearn_scorer)
        return make_scorer(
            self.score_func,
            greater_is_better=self.greater_is_better,
            response_method="predict_proba" if self.needs_proba else "predict",
        )


_BINARY = ("binary",)
METRICS = {
    m.name: m
    for m in (
        Metric("accuracy", "accuracy", True, CLASSIFICATION, sklearn_scorer="accuracy"),
        Metric(
            "balanced_accuracy",
            "balanced accuracy",
            True,
            CLASSIFICATION,
            sklearn_scorer="balanced_accuracy",
        ),
        Metric("roc_auc", "ROC AUC", True, _BINARY, needs_proba=True, sklearn_scorer="roc_auc"),
        Metric("gini", "normalized Gini", True, _BINARY, needs_proba=True, score_func=gini_score),
        Metric(
            "log_loss",
            "log loss",
            False,
            CLASSIFICATION,
            needs_proba=True,
            sklearn_scorer="neg_log_loss",
        ),
        Metric(
            "balanced_log_loss",
            "balanced log loss",
            False,
            CLASSIFICATION,
            needs_proba=True,
            score_func=balanced_log_loss,
        ),
        Metric("f1", "F1", True, _BINARY, sklearn_scorer="f1"),
        Metric("f1_macro", "macro F1", True, CLASSIFICATION, sklearn_scorer="f1_macro"),
        Metric("f1_weighted", "weighted F1", True, CLASSIFICATION, sklearn_scorer="f1_weighted"),
        Metric("precision", "precision", True, _BINARY, sklearn_scorer="precision"),
        Metric("recall", "recall", True, _BINARY, sklearn_scorer="recall"),
        Metric(
            "average_precision",
            "average precision",
            True,
            _BINARY,
            needs_proba=True,
            sklearn_scorer="average_precision",
        ),
        Metric(
            "mcc", "Matthews correlation", True, CLASSIFICATION, sklearn_scorer="matthews_corrcoef"
        ),
        Metric(
            "qwk",
            "quadratic weighted kappa",
            True,
            CLASSIFICATION,
            score_func=quadratic_weighted_kappa_score,
        ),
        Metric("rmse", "RMSE", False, REGRESSION, sklearn_scorer="neg_root_mean_squared_error"),
        Metric(
            "rmsle",
            "RMSLE",
            False,
            REGRESSION,
            log_scale=True,
            sklearn_scorer="neg_root_mean_squared_log_error",
        ),
        Metric("mse", "MSE", False, REGRESSION, sklearn_scorer="neg_mean_squared_error"),
        Metric(
            "msle",
            "MSLE",
            False,
            REGRESSION,
            log_scale=True,
            sklearn_scorer="neg_mean_squared_log_error",
        ),
        Metric("mae", "MAE", False, REGRESSION, sklearn_scorer="neg_mean_absolute_error"),
        Metric(
            "medae",
            "median absolute error",
            False,
            REGRESSION,
            sklearn_scorer="neg_median_absolute_error",
        ),
        Metric("r2", "R²", True, REGRESSION, sklearn_scorer="r2"),
        Metric(
            "mape", "MAPE", False, REGRESSION, sklearn_scorer="neg_mean_absolute_percentage_error"
        ),
        Metric(
            "smape", "SMAPE", False, REGRESSION, score_func=symmetric_mean_absolute_percentage_error
        ),
    )
}

DEFAULT_FOR_TASK = {"binary": "accuracy", "multiclass": "accuracy", "regression": "rmse"}

BUILT_IN = tuple(METRICS)  # before any extend.py adds its own


def to_metric_units(metric: Metric, scorer_value: float) -> float:
    """A scikit-learn scorer value in the metric's own units (RMSE is positive, not negated)."""
    return scorer_value if metric.greater_is_better else -scorer_value
