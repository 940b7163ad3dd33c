"""Which metric: what a metric name means, whether it fits the task, and which one a project
optimises. Config loading (every command) and `make data` both decide here, in one order:

1. the owner's ``data.metric``, unless it is ``auto``: a catalogue name, a metric extend.py
   added, or ``module:function`` (:mod:`.custom`); refused when it cannot score the task;
2. else the competition's own metric, Kaggle's name mapped by :func:`.kaggle_names.from_kaggle`,
   when it scores the task. Falling back is said out loud (a warning naming both metrics):
   training for another metric than the leaderboard's is the quiet way a good model scores badly;
3. else what `make data` detected, while it still scores the task (a new target may have
   another task);
4. else the task's default (:data:`.catalogue.DEFAULT_FOR_TASK`).
"""

import warnings
from collections.abc import Callable

from ..errors import ProjectError
from .catalogue import DEFAULT_FOR_TASK, METRICS, TASKS, Metric
from .custom import custom_metric
from .kaggle_names import from_kaggle


def get_metric(name: str, task: str | None = None) -> Metric:
    """The metric called ``name`` in config.yaml: a catalogue name or a ``module:function``."""
    if name in METRICS:
        return METRICS[name]
    if ":" in name:
        return custom_metric(name, task)
    known = ", ".join(METRICS)
    raise ProjectError(
        f"metric {name!r} is not known: use one of {known}, or module:function for your own."
    )


def scorer(name: str, task: str | None = None) -> Callable:
    """The scikit-learn scorer for a metric name or ``module:function`` spec."""
    return get_metric(name, task).scorer


def metric_label(name: str, task: str | None = None) -> str:
    """How prose names a metric; a user's metric that no longer loads is named by its spec.

    For reports written from saved artifacts: a sentence must not fail because the user has
    since renamed their function (the stages that score with it still do fail, and say why).
    """
    try:
        return get_metric(name, task).label
    except ProjectError:
        return name


def check_fits(metric: str, task: str) -> None:
    """Refuse a metric that cannot score this task (e.g. RMSE for a binary target); with the
    task not known yet (``auto``) there is nothing to check."""
    if metric == "auto" or task not in TASKS:
        return
    if task not in get_metric(metric, task).tasks:
        fitting = [m for m, spec in METRICS.items() if task in spec.tasks]
        raise ProjectError(
            f"config.yaml: metric {metric!r} does not apply to a {task} task; use one of "
            f"{', '.join(fitting)}."
        )


def choose_metric(
    task: str,
    *,
    asked: str | None = None,
    kaggle: str | None = None,
    detected: str | None = None,
) -> str:
    """The metric the project optimises for ``task``, in the order of the module docstring.

    ``asked`` is config.yaml's ``data.metric``, ``kaggle`` the competition's metric as Kaggle
    names it, ``detected`` what `make data` recorded; ``auto`` while the task is unknown.
    """
    if asked not in (None, "", "auto"):
        check_fits(asked, task)
        return asked
    if kaggle and kaggle.strip():
        return _competitions_own(kaggle, task)
    if _scores(detected, task):
        return detected
    return DEFAULT_FOR_TASK.get(task, "auto")


def _scores(metric: str | None, task: str) -> bool:
    return metric in METRICS and task in METRICS[metric].tasks


def _competitions_own(kaggle: str, task: str) -> str:
    """Kaggle's metric mapped to ours, or the task's default with a warning saying why."""
    metric = from_kaggle(kaggle, task)
    if _scores(metric, task):
        return metric
    default = DEFAULT_FOR_TASK.get(task, "auto")
    why = (
        f"means {metric}, which does not score a {task} target"
        if metric
        else "matches no metric this project knows"
    )
    warnings.warn(
        f"Kaggle's metric {kaggle!r} {why}; using {default} instead (set data.metric in "
        "config.yaml, e.g. to module:function for a scorer of your own).",
        stacklevel=3,
    )
    return default
