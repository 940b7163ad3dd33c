"""Free text as features: TF-IDF for the linear model, a stacked text score for the boosters.

What a practitioner builds first for a column of sentences is TF-IDF of word 1-2-grams and
character 2-5-grams (sublinear term frequency, terms seen in at least two rows) into a linear
model; character n-grams catch misspellings, hashtags and word parts that words miss. The
linear model of the suite reads that block directly (:class:`TextVectors`).

Trees split on one column at a time and cannot use a hundred thousand sparse columns well, so
the boosters get the linear text model's prediction as one feature (:class:`TextScore`), as
scikit-learn's StackingClassifier does: on the rows it is fitted on, the prediction is made out
of fold (``cross_val_predict``), so no training row sees a model that learnt its own answer; new
rows get the model fitted on all of them. Beside it come counts a person would look at
(:class:`TextStatistics`): length, words, the share of capitals, digits, URLs, hashtags and
mentions. Everything is a step of the saved pipeline, so predict, interpret and serve take raw
text.

Measured on a Disaster-Tweets-shaped table (7,613 movie-review snippets, ``benchmarks/text.py``,
5-fold F1): word 1-2-grams + logistic regression 0.650 at C = 1, 0.691 at C = 4, 0.702 at C = 10;
words and characters 0.707 / 0.720 / 0.720, hence ``TEXT_C``.

The boosters of one run fit the same text model on the same fold (one per booster), so a fitted
text model is kept for the next model of the run (:func:`_remembered`, keyed by a hash of the
rows and the settings: the same input gives the same fit).
"""

from collections import OrderedDict

import joblib
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer

from .estimators import ColumnWise

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
MIN_DF = 2  # a term in one row only cannot generalise
MAX_TERMS = 200_000  # per column and analyser: bounds memory on large corpora
TEXT_C = 4.0  # logistic regression's inverse penalty on TF-IDF (see the module's measurements)
STACK_FOLDS = 5  # cross_val_predict folds of the stacked text score
REMEMBERED = 12  # fitted text models kept for the run's next model (folds x 2 + refits)
STATISTICS = {
    "length": None,
    "words": r"\S+",
    "capitals": r"[A-Z]",
    "digits": r"\d",
    "urls": r"https?://\S+|www\.\S+",
    "hashtags": r"#\w+",
    "mentions": r"@\w+",
}

_memory: OrderedDict = OrderedDict()


def _remembered(key, build):
    """``build()``, or what it gave for the same ``key`` earlier in this process."""
    if key in _memory:
        _memory.move_to_end(key)
        return _memory[key]
    value = build()
    _memory[key] = value
    while len(_memory) > REMEMBERED:
        _memory.popitem(last=False)
    return value


def as_strings(values) -> pd.Series:
    """A text column as Python strings, missing as the empty string."""
    return pd.Series(values).astype("string").fillna("").astype(object)


def _vectorizers(rows: int) -> dict[str, TfidfVectorizer]:
    shared = {
        "sublinear_tf": True,
        "min_df": MIN_DF if rows > MIN_DF else 1,
        "max_features": MAX_TERMS,
        "dtype": np.float32,
    }
    return {
        "word": TfidfVectorizer(ngram_range=WORD_NGRAMS, **shared),
        "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, **shared),
    }


def _fit_column(text: pd.Series) -> dict[str, TfidfVectorizer | None]:
    fitted = {}
    for kind, vectorizer in _vectorizers(len(text)).items():
        try:
            fitted[kind] = vectorizer.fit(text)
        except ValueError:  # no term reaches min_df (or the column is empty)
            fitted[kind] = None
    return fitted


class TextVectors(TransformerMixin, BaseEstimator):
    """Per text column: TF-IDF of word 1-2-grams and character 2-5-grams, one sparse block."""

    def fit(self, X, y=None):
        frame = pd.DataFrame(X)
        self.columns_ = [str(c) for c in frame.columns]
        self.vectorizers_ = []
        for column in frame.columns:
            text = as_strings(frame[column])
            key = ("vectors", joblib.hash(text.to_numpy()))
            self.vectorizers_.append(_remembered(key, lambda text=text: _fit_column(text)))
        self.n_features_in_ = frame.shape[1]
        return self

    def transform(self, X):
        frame = pd.DataFrame(X)
        blocks = [sp.csr_matrix((len(frame), 0), dtype=np.float32)]
        for column, fitted in zip(frame.columns, self.vectorizers_, strict=True):
            text = as_strings(frame[column])
            blocks += [v.transform(text) for v in fitted.values() if v is not None]
        return sp.hstack(blocks, format="csr")

    def get_feature_names_out(self, input_features=None):
        names = []
        for column, fitted in zip(self.columns_, self.vectorizers_, strict=True):
            for kind, vectorizer in fitted.items():
                if vectorizer is not None:
                    terms = vectorizer.get_feature_names_out()
                    names += [f"{column}_{kind}_{term}" for term in terms]
        return np.asarray(names, dtype=object)


def term_of(feature: str, columns: list[str]) -> tuple[str, str, str] | None:
    """(column, word | chars, term) of a :class:`TextVectors` feature name, else None."""
    for column in sorted(columns, key=len, reverse=True):
        for kind in ("word", "chars"):
            prefix = f"{column}_{kind}_"
            if feature.startswith(prefix):
                return column, kind, feature[len(prefix) :]
    return None


def text_model(task: str, seed: int = 0):
    """The linear model on TF-IDF that the stacked score comes from."""
    from sklearn.linear_model import LogisticRegression, RidgeCV

    if task == "regression":
        return RidgeCV(alphas=np.logspace(-2, 3, 11))
    return LogisticRegression(C=TEXT_C, max_iter=2000, random_state=seed)


def _stack_folds(task: str, seed: int):
    from sklearn.model_selection import KFold, StratifiedKFold

    splitter = KFold if task == "regression" else StratifiedKFold
    return splitter(STACK_FOLDS, shuffle=True, random_state=seed)


def _scores(model, matrix, task: str) -> np.ndarray:
    """The text model's answer as feature columns: P(class) per class (one for binary)."""
    if task == "regression":
        return np.asarray(model.predict(matrix), dtype=float).reshape(-1, 1)
    proba = model.predict_proba(matrix)
    return proba[:, 1:] if proba.shape[1] == 2 else proba


def _fit_score(frame: pd.DataFrame, y, task: str, seed: int) -> tuple:
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_predict

    vectors = TextVectors().fit(frame)
    matrix = vectors.transform(frame)
    model = text_model(task, seed)
    y = np.asarray(y)
    _, counts = np.unique(y, return_counts=True)
    if task != "regression" and counts.min() < STACK_FOLDS:  # too few rows of a class to stack
        fitted = clone(model).fit(matrix, y)
        return vectors, fitted, _scores(fitted, matrix, task)
    method = "predict" if task == "regression" else "predict_proba"
    oof = cross_val_predict(model, matrix, y, cv=_stack_folds(task, seed), method=method)
    oof = oof.reshape(-1, 1) if task == "regression" else (oof[:, 1:] if oof.shape[1] == 2 else oof)
    return vectors, clone(model).fit(matrix, y), oof


class TextScore(TransformerMixin, BaseEstimator):
    """The text columns' linear model prediction as features, out of fold on its training rows.

    ``fit_transform`` (what a pipeline calls while fitting) returns predictions made by models
    that never saw the row; ``transform`` (new rows) uses the model fitted on all rows.
    Binary: the positive class's probability; multiclass: one per class; regression: the value.
    """

    def __init__(self, task: str = "binary", seed: int = 0):
        self.task = task
        self.seed = seed

    def fit(self, X, y):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        frame = pd.DataFrame(X).apply(as_strings)
        self.columns_ = [str(c) for c in frame.columns]
        key = ("score", joblib.hash((frame.to_numpy(), np.asarray(y))), self.task, self.seed)
        fitted = _remembered(key, lambda: _fit_score(frame, y, self.task, self.seed))
        self.vectors_, self.model_, oof = fitted
        self.classes_ = getattr(self.model_, "classes_", None)
        self.n_features_in_ = frame.shape[1]
        return oof

    def transform(self, X):
        frame = pd.DataFrame(X).apply(as_strings)
        return _scores(self.model_, self.vectors_.transform(frame), self.task)

    def get_feature_names_out(self, input_features=None):
        stem = "_".join(self.columns_) + "_text_score"
        if self.task == "regression" or len(self.classes_) == 2:
            return np.asarray([stem], dtype=object)
        return np.asarray([f"{stem}_{label}" for label in self.classes_], dtype=object)


class TextStatistics(ColumnWise):
    """Per text column: length, words, share of capitals, digits, URLs, hashtags, mentions."""

    def transform(self, X):
        frame = pd.DataFrame(X)
        blocks = []
        for column in frame.columns:
            text = as_strings(frame[column])
            length = text.str.len().to_numpy(dtype=np.float32)
            for name, pattern in STATISTICS.items():
                counts = length if pattern is None else text.str.count(pattern).to_numpy(float)
                if name == "capitals":
                    counts = counts / np.maximum(length, 1)
                blocks.append(np.asarray(counts, dtype=np.float32))
        if not blocks:
            return np.empty((len(frame), 0), dtype=np.float32)
        return np.column_stack(blocks)

    def get_feature_names_out(self, input_features=None):
        return np.asarray([f"{c}_{s}" for c in self.columns_ for s in STATISTICS], dtype=object)
