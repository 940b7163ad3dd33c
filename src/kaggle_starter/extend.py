"""What a project may add to the engine without changing it: models, data-quality checks, metrics.

A project's optional ``src/<package>/extend.py`` calls these functions at import; the engine
imports that module whenever it reads config.yaml, so what it registers is known to every stage
(a model named in ``train.models``, a metric in ``data.metric``, a check in every audit). Every
stage reruns when extend.py changes. Example::

    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
    from kaggle_starter import extend

    extend.model(
        "extra_trees",
        "extra trees",
        classifier=lambda: ExtraTreesClassifier(n_estimators=300, random_state=0),
        regressor=lambda: ExtraTreesRegressor(n_estimators=300, random_state=0),
        linear=True,  # one-hot encoded, imputed inputs: the estimator takes no missing values
    )

    def capped_error(y_true, y_pred):
        return float(abs(y_true - y_pred.clip(max=100)).mean())

    extend.metric("capped_error", capped_error, greater_is_better=False, tasks=("regression",))

This is the engine's side of kedro's ``settings.py``: small documented registries instead of
advice to edit engine files, so a project keeps taking new engine releases.
"""

from collections.abc import Callable

from .errors import ProjectError
from .metrics import CLASSIFICATION, METRICS, TASKS, Metric
from .modeling.suite import SUITE, ModelSpec
from .quality.checks import CHECKS, EXTRA_CHECKS


def _new_name(name: str, taken, what: str) -> str:
    if not isinstance(name, str) or not name.isidentifier():
        raise ProjectError(
            f"extend.py: {what} name {name!r} is not valid: use lowercase letters, digits and "
            "underscores, as it is written in config.yaml."
        )
    if name in taken:
        raise ProjectError(
            f"extend.py: a {what} called {name!r} exists already: choose another name."
        )
    return name


def model(
    name: str,
    label: str,
    *,
    classifier: Callable[[], object] | None = None,
    regressor: Callable[[], object] | None = None,
    linear: bool = False,
) -> None:
    """Add a model to the suite: ``train.models`` in config.yaml may then name it.

    ``classifier`` and ``regressor`` build a fresh scikit-learn estimator each time they are
    called (give the one the task needs, or both). ``linear=True`` gives the model one-hot
    encoded, imputed and scaled inputs, as the built-in linear model gets; otherwise it gets the
    tree models' table: numbers as they are (missing values included) and categories as pandas
    categories.
    """
    _new_name(name, SUITE, "model")
    if classifier is None and regressor is None:
        raise ProjectError(f"extend.py: model {name!r} needs a classifier or a regressor factory.")

    def _factory(build, task):
        def made(settings):
            if build is None:
                raise ProjectError(
                    f"model {name!r} from extend.py has no {task} factory: add one, or leave it "
                    "out of train.models for this task."
                )
            return build()

        return made

    SUITE[name] = ModelSpec(
        name,
        label,
        classifier=_factory(classifier, "classifier"),
        regressor=_factory(regressor, "regressor"),
        linear=linear,
    )


def metric(
    name: str,
    function: Callable,
    *,
    greater_is_better: bool,
    needs_proba: bool = False,
    tasks: tuple[str, ...] = TASKS,
    label: str | None = None,
) -> None:
    """Add a metric: ``data.metric`` in config.yaml may then name it.

    ``function(y_true, y_pred) -> float``; with ``needs_proba`` it receives predicted
    probabilities (the positive class's for a binary task), and only classification tasks fit.
    """
    _new_name(name, METRICS, "metric")
    unknown = [t for t in tasks if t not in TASKS]
    if unknown or not tasks:
        raise ProjectError(
            f"extend.py: metric {name!r} lists tasks {list(tasks)}: use some of {', '.join(TASKS)}."
        )
    if needs_proba and not set(tasks) <= set(CLASSIFICATION):
        raise ProjectError(
            f"extend.py: metric {name!r} needs probabilities, which only classification tasks "
            "give: set tasks to binary and/or multiclass."
        )
    METRICS[name] = Metric(
        name,
        label or name.replace("_", " "),
        greater_is_better,
        tuple(tasks),
        needs_proba=needs_proba,
        score_func=function,
    )


def check(function: Callable) -> Callable:
    """Add a data-quality check to every audit (`make data`); usable as a decorator.

    ``function(table)`` takes the audit's :class:`kaggle_starter.quality.table.AuditTable`
    (``table.train``, ``table.test``, ``table.target``, ``table.features``, ...) and returns a
    list of :class:`kaggle_starter.quality.Finding` whose ``check`` is the function's name.
    """
    taken = {c.__name__ for c in (*CHECKS, *EXTRA_CHECKS)}
    _new_name(getattr(function, "__name__", ""), taken, "check")
    EXTRA_CHECKS.append(function)
    return function
