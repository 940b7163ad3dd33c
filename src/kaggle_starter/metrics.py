"""The metrics a project can be judged on, how Kaggle's names map to them, and user-written ones.

One definition per metric, shared by cross-validation, interpretation, the report and the
submission: each :class:`Metric` builds a scikit-learn scorer (:func:`scorer`). Scorers follow
scikit-learn's sign rule, "greater is better", so error metrics come out negated;
:func:`to_metric_units` turns a scorer value back into the metric's own units.

Kaggle's names. The competition API reports the metric as free text ("Area Under Receiver
Operating Characteristic Curve", "RocAuc", "AUC-ROC", "Multi-class logarithmic loss", "MCRMSE").
:func:`from_kaggle` matches it by words, not by one spelling: CamelCase is split, case,
punctuation, hyphens and plurals are normalised, abbreviations are spelled out, synonymous
phrases ("cross entropy" is log loss) are rewritten, filler words ("the", "score", "index") are
dropped, and the remaining set of words, in any order, is looked up. A name that still matches
nothing (MAP@K, Dice, IoU, ...) gives None, so the caller can say so instead of guessing.

A metric of your own. ``data.metric`` in config.yaml may name a function instead of a metric, as
``module:function``. The module is looked for in the project's package first (``my_metrics:f``
is ``src/<package>/my_metrics.py``), then on the Python path (``sklearn.metrics:cohen_kappa_score``
works too). The function takes ``(y_true, y_pred)`` and returns one float; two facts about it are
read from the function itself, following scikit-learn's own conventions so that its metric
functions work unchanged:

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

scikit-learn is imported inside functions, never at module level: config loading imports this
module for every command, and importing scikit-learn costs seconds on a cold interpreter.
"""

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import owner
from .errors import ProjectError

CLASSIFICATION = ("binary", "multiclass")
REGRESSION = ("regression",)
TASKS = ("binary", "multiclass", "regression")


# --- score functions scikit-learn lacks -----------------------------------------------------
# Named and shaped by scikit-learn's conventions (suffix = direction, ``y_score``/``y_proba`` =
# probabilities), so each could equally be named in config.yaml as ``metrics:<function>``.


def gini_score(y_true, y_score) -> float:
    """Normalized Gini, Kaggle's name for 2·AUC − 1 on a binary target (0 = random, 1 = perfect)."""
    from sklearn.metrics import roc_auc_score

    return 2.0 * roc_auc_score(y_true, y_score) - 1.0


def balanced_log_loss(y_true, y_proba) -> float:
    """Kaggle's balanced log loss: the log loss of each class's rows, averaged over classes.

    Weighting every row by 1 / (rows of its class) makes each class count equally however rare
    it is, which is exactly the mean of the per-class log losses.
    """
    from sklearn.metrics import log_loss
    from sklearn.utils.class_weight import compute_sample_weight

    return log_loss(y_true, y_proba, sample_weight=compute_sample_weight("balanced", y_true))


def quadratic_weighted_kappa_score(y_true, y_pred) -> float:
    """Cohen's kappa with quadratic weights on ordered labels (Kaggle's "QWK").

    Weights grow with the squared distance between ratings. When the labels are integers the
    distance is taken on the full scale from the lowest to the highest rating seen, so a rating
    missing from a fold does not bring its neighbours closer; other labels are ranked sorted.
    """
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    values = np.concatenate([np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()])
    labels = None
    if np.issubdtype(values.dtype, np.number) and np.all(np.mod(values, 1) == 0):
        labels = np.arange(values.min(), values.max() + 1)
    return float(cohen_kappa_score(y_true, y_pred, labels=labels, weights="quadratic"))


def symmetric_mean_absolute_percentage_error(y_true, y_pred) -> float:
    """SMAPE as Kaggle defines it: 100/n · Σ 2|F − A| / (|A| + |F|), a 0/0 term counting 0.

    Written here because scikit-learn has no SMAPE; in percent, 0 (perfect) to 200.
    """
    import numpy as np

    actual, forecast = np.asarray(y_true, float), np.asarray(y_pred, float)
    scale = np.abs(actual) + np.abs(forecast)
    terms = np.divide(
        2.0 * np.abs(forecast - actual), scale, out=np.zeros_like(scale), where=scale != 0
    )
    return float(100.0 * terms.mean())


# --- the catalogue ----------------------------------------------------------------------------


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


def to_metric_units(metric: Metric, scorer_value: float) -> float:
    """A scikit-learn scorer value in the metric's own units (RMSE is positive, not negated)."""
    return scorer_value if metric.greater_is_better else -scorer_value


# --- Kaggle's names ---------------------------------------------------------------------------
# Every alias is written in plain words and goes through the same normalisation as the names it
# must match, so the table cannot drift from the rules.

_ALIASES = {
    "accuracy": (
        "accuracy",
        "categorization accuracy",
        # Micro-averaged F1 pools every row's single label: precision = recall = accuracy.
        "micro f1",
        # Kaggle's "Mean F-Score" scores each row's predicted label list against its true list
        # and averages over rows; with one label per row a row scores 1 or 0, so it is accuracy.
        "mean f1",
    ),
    "balanced_accuracy": ("balanced accuracy", "macro recall", "mean per class recall"),
    "roc_auc": ("roc auc", "auc", "roc", "area under the receiver operating characteristic curve"),
    "gini": ("gini", "normalized gini", "gini coefficient"),
    "log_loss": (
        "log loss",
        "cross entropy",
        "negative log likelihood",
        "logistic loss",
        "multiclass loss",  # Kaggle's catalogue id MulticlassLoss
    ),
    "balanced_log_loss": ("balanced log loss", "balanced cross entropy"),
    "f1": ("f1",),
    "f1_macro": ("macro f1",),
    "f1_weighted": ("weighted f1",),
    "precision": ("precision", "positive predictive value"),
    "recall": ("recall", "sensitivity", "true positive rate"),
    "average_precision": ("average precision", "pr auc", "area under precision recall curve"),
    "mcc": ("mcc", "phi coefficient"),
    "qwk": (
        "qwk",
        "quadratic kappa",
        "cohen kappa quadratic",
        "cohen quadratic weighted kappa",
        "weighted kappa",  # Kaggle's weighted kappa competitions all weight quadratically
    ),
    "rmse": ("rmse", "root mean squared deviation"),
    "rmsle": ("rmsle",),
    "mse": ("mse", "mean squared deviation"),
    "msle": ("msle",),
    "mae": ("mae", "mean absolute deviation"),
    "medae": ("medae", "median absolute deviation"),
    "r2": ("r2",),
    "mape": ("mape",),
    "smape": ("smape", "symmetric mape"),
}

# Abbreviations and run-together words, spelled out as words (then normalised like any word).
_SPELLED_OUT = {
    "acc": "accuracy",
    "ap": "average precision",
    "auroc": "roc auc",
    "aucroc": "roc auc",
    "rocauc": "roc auc",
    "auprc": "pr auc",
    "prauc": "pr auc",
    "aucpr": "pr auc",
    "mcauc": "mean columnwise roc auc",
    "logloss": "log loss",
    "mlogloss": "multiclass log loss",
    "crossentropy": "cross entropy",
    "bce": "binary cross entropy",
    "nll": "negative log likelihood",
    "fscore": "f score",
    "fmeasure": "f measure",
    "fbeta": "f beta",
    "f1score": "f1 score",
    "r2score": "r2 score",
    "mcc": "matthews correlation",
    "qwk": "quadratic weighted kappa",
    "rmse": "root mean squared error",
    "rmsd": "root mean squared error",
    "rmsle": "root mean squared log error",
    "mcrmse": "mean columnwise root mean squared error",
    "mse": "mean squared error",
    "msle": "mean squared log error",
    "mae": "mean absolute error",
    "medae": "median absolute error",
    "mdae": "median absolute error",
    "mape": "mean absolute percentage error",
    "smape": "symmetric mean absolute percentage error",
    "wmae": "weighted mean absolute error",
    "avg": "average",
}

# One word for another with the same meaning here.
_SYNONYMS = {
    "logarithmic": "log",
    "logarithm": "log",
    "square": "squared",
    "deviation": "error",
    "percent": "percentage",
    "normalised": "normalized",
    "quadratically": "quadratic",
    "categorisation": "categorization",
}

# Phrases rewritten on the space-joined words, in order (word boundaries on both sides).
_PHRASES = (
    (r"multi (class|label)", r"multi\1"),
    (r"column wise", "columnwise"),
    (r"receiver operating characteristic", "roc"),
    (r"area under", "auc"),
    (r"precision recall", "pr"),
    (r"coefficient of determination|r squared", "r2"),
    (r"cross entropy|negative log likelihood|logistic loss", "log loss"),
    (r"multiclass loss", "log loss"),
    (r"matthews? correlation|phi coefficient", "mcc"),
    # F-beta: "F-score beta=1", "F 1", "F2", "Mean F-Score Beta" (a beta not given is unknown).
    (r"f (?:score |measure )?(?:beta )?(\d+(?:\.\d+)?)", lambda m: f"f{float(m[1]):g}"),
    (r"f (?:score |measure )?beta", "fbeta"),
    (r"f (?:score|measure)|f", "f1"),
)
_COMPILED_PHRASES = tuple((re.compile(rf"\b(?:{pattern})\b"), repl) for pattern, repl in _PHRASES)

# Words that name nothing by themselves. "Binary", "multiclass" and "categorization" describe the
# task, not the metric ("binary cross entropy" and "multi-class log loss" are both log loss).
_FILLER = frozenset(
    [
        "the",
        "of",
        "a",
        "an",
        "for",
        "on",
        "in",
        "with",
        "score",
        "metric",
        "index",
        "coefficient",
        "curve",
        "function",
        "value",
        "measure",
        "evaluation",
        "averaged",
        "binary",
        "multiclass",
        "categorization",
        "classification",
        "categorical",
    ]
)

# "Mean X" is usually X averaged over rows, which X already is; not for these, where "mean"
# changes the metric (mean average precision ranks lists, it is MAP@K).
_MEAN_MATTERS = (frozenset({"average", "precision"}),)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _singular(word: str) -> str:
    if word.endswith("sses"):  # losses, classes
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(name: str) -> list[str]:
    """Lowercase words of a name: CamelCase split, punctuation gone, abbreviations spelled out.

    A run-together token is looked up before it is split at capitals, so "sMAPE" and "AUROC"
    are read whole while "RocAuc" and "MeanFScore" fall apart into their words.
    """
    text = name.replace("²", "2").replace("^2", "2").replace("@", " at ")
    text = re.sub(r"['’]s?\b", "", text)  # Cohen's, Matthews'
    words = []
    for token in re.findall(r"[A-Za-z0-9]+(?:\.[0-9]+)?", text):
        parts = [token] if token.lower() in _SPELLED_OUT else _CAMEL.sub(" ", token).split()
        for part in parts:
            for word in _SPELLED_OUT.get(part.lower(), part.lower()).split():
                word = _singular(word)
                words.append(_SYNONYMS.get(word, word))
    return words


def _key(name: str) -> frozenset[str]:
    """The set of meaningful words of a metric name, the same for every spelling of it."""
    text = " ".join(_words(name))
    for pattern, repl in _COMPILED_PHRASES:
        text = pattern.sub(repl, text)
    return frozenset(text.split()) - _FILLER


def _build_index() -> dict[frozenset[str], str]:
    index: dict[frozenset[str], str] = {}
    for metric, aliases in _ALIASES.items():
        for alias in (metric, *aliases):
            key = _key(alias)
            if index.setdefault(key, metric) != metric:
                raise AssertionError(f"alias {alias!r} of {metric} is {index[key]}'s already")
    return index


_INDEX = _build_index()


def _lookup(key: frozenset[str]) -> str | None:
    if key in _INDEX:
        return _INDEX[key]
    # A mean over target columns is the metric itself for this project's single target (Kaggle's
    # "Mean Columnwise Log Loss", MCRMSE, MCAUC); for a table with several targets it is the
    # score of the one target this project predicts.
    if "columnwise" in key:
        return _lookup(key - {"columnwise"})
    if "mean" in key and key - {"mean"} not in _MEAN_MATTERS:
        return _INDEX.get(key - {"mean"})
    return None


def from_kaggle(name: str | None, task: str | None = None) -> str | None:
    """The metric for a Kaggle evaluation-metric name, or None when it has no equivalent here.

    ``task`` settles the one ambiguous name: plain "F1" on a multiclass target is macro F1 (the
    usual reading; the positive-class F1 only exists for two classes).
    """
    if not name or not name.strip():
        return None
    metric = _lookup(_key(name))
    if metric == "f1" and task == "multiclass":
        return "f1_macro"
    return metric


# --- a metric of the user's own -------------------------------------------------------------

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
