"""The metrics a project can be judged on, how Kaggle's names map to them, and user-written ones.

One module per concern; everything public is re-exported here, so ``from kaggle_starter.metrics
import get_metric`` (and ``kaggle_starter.metrics:gini_score`` in config.yaml) work as they read:

- :mod:`.scores`: score functions scikit-learn lacks (normalized Gini, balanced log loss,
  quadratic weighted kappa, SMAPE);
- :mod:`.catalogue`: the :class:`Metric` records (``METRICS``), the tasks and their defaults;
- :mod:`.kaggle_names`: Kaggle's free-text metric names mapped to ours (:func:`from_kaggle`);
- :mod:`.custom`: a metric of the user's own, ``module:function`` in config.yaml;
- :mod:`.choice`: what a metric name means (:func:`get_metric`), whether it fits the task
  (:func:`check_fits`), and which metric a project optimises (:func:`choose_metric`).

scikit-learn is imported inside functions, never at module level: config loading imports this
package for every command, and importing scikit-learn costs seconds on a cold interpreter.
"""

from .catalogue import (
    BUILT_IN,
    CLASSIFICATION,
    DEFAULT_FOR_TASK,
    METRICS,
    REGRESSION,
    TASKS,
    Metric,
    to_metric_units,
)
from .choice import check_fits, choose_metric, get_metric, metric_label, scorer
from .custom import custom_metric
from .kaggle_names import from_kaggle
from .scores import (
    balanced_log_loss,
    gini_score,
    quadratic_weighted_kappa_score,
    symmetric_mean_absolute_percentage_error,
)

__all__ = [
    "BUILT_IN",
    "CLASSIFICATION",
    "DEFAULT_FOR_TASK",
    "METRICS",
    "REGRESSION",
    "TASKS",
    "Metric",
    "balanced_log_loss",
    "check_fits",
    "choose_metric",
    "custom_metric",
    "from_kaggle",
    "get_metric",
    "gini_score",
    "metric_label",
    "quadratic_weighted_kappa_score",
    "scorer",
    "symmetric_mean_absolute_percentage_error",
    "to_metric_units",
]
