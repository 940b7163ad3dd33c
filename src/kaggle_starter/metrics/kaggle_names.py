"""Kaggle's metric names, mapped to the catalogue's (:func:`from_kaggle`).

The competition API reports the metric as free text ("Area Under Receiver Operating
Characteristic Curve", "RocAuc", "AUC-ROC", "Multi-class logarithmic loss", "MCRMSE").
:func:`from_kaggle` matches it by words, not by one spelling: CamelCase is split, case,
punctuation, hyphens and plurals are normalised, abbreviations are spelled out, synonymous
phrases ("cross entropy" is log loss) are rewritten, filler words ("the", "score", "index") are
dropped, and the remaining set of words, in any order, is looked up. A name that still matches
nothing (MAP@K, Dice, IoU, ...) gives None, so the caller can say so instead of guessing.

Every alias is written in plain words and goes through the same normalisation as the names it
must match, so the tables cannot drift from the rules.
"""

import re

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
