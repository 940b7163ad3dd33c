"""A metric of the user's own, named in config.yaml as ``module:function``.

``data.metric`` in config.yaml may name a function instead of a metric. The module is looked for
in the project's package first (``my_metrics:f`` is ``src/<package>/my_metrics.py``), then on the
Python path (``sklearn.metrics:cohen_kappa_score`` works too, as does
``kaggle_starter.metrics:gini_score``). The function takes ``(y_true, y_pred)`` and returns one
float; two facts about it are read from the function itself, following scikit-learn's own
conventions so that its metric functions work unchanged:

- direction: a name ending in ``_score`` is maximised, one ending in ``_error``, ``_loss`` or
  ``_deviance`` is minimised; any other name needs ``f.greater_is_better = True`` (or False);
- input: if the second parameter is called ``y_proba``, ``y_prob``, ``proba`` or ``y_score``, the
  function receives predicted probabilities (binary: the positive, second-sorted class's column;
  multiclass: one column per class in sorted order), otherwise predicted labels or values;
  ``f.needs_proba = True`` (or False) overrides the parameter name.

For example, in ``src/<package>/my_metrics.py``::

    def capped_error(y_true, y_pred):
        return float(abs(np.minimum(y_pred, 100) - y_true).mean())

and ``metric: my_metrics:capped_error`` in config.yaml.
"""

import importlib
import inspect
from collections.abc import Callable

from .. import owner
from ..errors import ProjectError
from .catalogue import CLASSIFICATION, TASKS, Metric

_PROBA_PARAMETERS = ("y_proba", "y_prob", "proba", "y_score")
_GREATER_SUFFIXES = ("_score",)
_SMALLER_SUFFIXES = ("_error", "_loss", "_deviance")


def _owner_package() -> str:
    """The project's own package, or "" outside a project (then the name is looked up as is)."""
    try:
        return owner.current().package
    except owner.OwnerError:
        return ""


def _import_function(spec: str) -> Callable:
    """The function named by ``module:function``, looked for in the project's own package
    (``src/<package>/``), then anywhere on the Python path."""
    module_name, _, function_name = spec.partition(":")
    package = _owner_package()
    if not module_name or not function_name or not module_name.replace(".", "").isidentifier():
        raise ProjectError(
            f"metric {spec!r} is neither a known metric nor module:function: write it as e.g. "
            "my_metrics:capped_error (a function in src/<package>/my_metrics.py)."
        )
    candidates = [f"{package}.{module_name}", module_name] if package else [module_name]
    for candidate in candidates:
        try:
            module = importlib.import_module(candidate)
            break
        except ModuleNotFoundError as error:
            # Only "this very module is missing" means try the next place; a missing import
            # inside the user's module is their bug and keeps its traceback.
            if error.name is None or not f"{candidate}.".startswith(f"{error.name}."):
                raise
    else:
        raise ProjectError(
            f"metric {spec!r}: there is no module {module_name!r} in src/{package}/ or on the "
            f"Python path; create src/{package}/{module_name}.py defining "
            f"{function_name}(y_true, y_pred), or correct the name."
        )
    function = getattr(module, function_name, None)
    if not callable(function):
        raise ProjectError(
            f"metric {spec!r}: module {module.__name__} has no function {function_name!r}; "
            f"define {function_name}(y_true, y_pred) -> float there, or correct the name."
        )
    return function


def _greater_is_better(function: Callable, spec: str) -> bool:
    declared = getattr(function, "greater_is_better", None)
    if declared is not None:
        return bool(declared)
    name = getattr(function, "__name__", "")
    if name.endswith(_GREATER_SUFFIXES):
        return True
    if name.endswith(_SMALLER_SUFFIXES):
        return False
    raise ProjectError(
        f"metric {spec!r}: cannot tell whether a higher value is better; end the function's "
        "name in _score (higher is better) or _error / _loss (lower is better), or set "
        f"{name}.greater_is_better = True or False."
    )


def _needs_proba(function: Callable) -> bool:
    declared = getattr(function, "needs_proba", None)
    if declared is not None:
        return bool(declared)
    try:
        parameters = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):  # some compiled functions hide their signature
        return False
    return len(parameters) > 1 and parameters[1] in _PROBA_PARAMETERS


def custom_metric(spec: str, task: str | None) -> Metric:
    """A :class:`Metric` scored by the user's function named ``module:function``.

    The conventions it reads (name suffix, probability parameter) are in the module docstring.
    """
    function = _import_function(spec)
    greater = _greater_is_better(function, spec)
    proba = _needs_proba(function)
    if proba and task == "regression":
        raise ProjectError(
            f"metric {spec!r} takes predicted probabilities, which a regression model does not "
            "give: call its second parameter y_pred, or set needs_proba = False on it."
        )
    tasks = (task,) if task in TASKS else (CLASSIFICATION if proba else TASKS)
    label = getattr(function, "label", None) or getattr(function, "__name__", spec)
    return Metric(spec, label, greater, tasks, needs_proba=proba, score_func=function)
