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
words and characters 0.707 / 0.720 / 0.720, hence ``TEXT_C``. The best C depends on the corpus
(its size, its label noise), so the classifier chooses it on the rows it is fitted on
(:func:`text_classifier`): on those folds (words and characters, F1 at 0.5, log loss) C = 4 fixed
gave 0.7227 ± 0.0060 (0.461) at 0.4 s a fit; an inner 3-fold CV over :data:`TEXT_CS` chose
8, 8, 4, 4, 4 for 0.7214 ± 0.0087 (0.463) at 4.0 s; one 25 % holdout chose 4, 8, 8, 4, 8 for
0.7235 ± 0.0073 (0.462) at 1.3 s. Equal within fold noise; the holdout is the one that keeps
`make train` within its budget (the suite fits the text model twice per fold: the linear model
and the boosters' stacked score). Every fold chose 4 or 8 from 0.5-16, and the two ends cost
the most (0.5 is the first fit of the path, 16 the slowest to converge): the grid is 1-8, which
took the text benchmark's `make train` from 92 s to the figure in docs/benchmarks.md.

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
TEXT_C = 4.0  # the best fixed C measured (module docstring); the middle of the grid below
TEXT_CS = (1.0, 2.0, 4.0, 8.0)  # the grid an inner holdout chooses C from (module docstring)
INNER_HOLDOUT = 0.25  # share of the fitted rows held out to choose C (one seeded split)
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


def text_classifier(seed: int = 0, max_iter: int = 2000, **params):
    """Logistic regression on TF-IDF with C chosen on a holdout of the rows it is fitted on.

    scikit-learn's LogisticRegressionCV with L-BFGS (on this sparse TF-IDF it fitted the grid
    twice as fast as liblinear and four times as fast as saga, same choice) and one seeded
    holdout of :data:`INNER_HOLDOUT` (an inner 3-fold CV chose the same Cs at three times the
    fits: see the module docstring), the grid :data:`TEXT_CS` scored by log loss (a proper score
    for every classification task; an F1 threshold is chosen afterwards on out-of-fold
    probabilities), then refit on all the rows at the chosen C (``C_``). Fitted inside an outer
    CV fold it sees that fold's training rows only, so the CV score stays honest. The holdout is
    not stratified, so a class with one row still fits (LogisticRegressionCV scores a split that
    misses a class). A ``C`` in ``params`` (by hand or by a search) is used as it is, untuned.
    """
    from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
    from sklearn.model_selection import ShuffleSplit

    if "C" in params:
        return LogisticRegression(max_iter=max_iter, random_state=seed, **params)
    return LogisticRegressionCV(
        Cs=list(TEXT_CS),
        cv=ShuffleSplit(1, test_size=INNER_HOLDOUT, random_state=seed),
        scoring="neg_log_loss",
        l1_ratios=(0.0,),  # an L2 penalty (scikit-learn 1.9 asks for it explicitly)
        max_iter=max_iter,
        random_state=seed,
        use_legacy_attributes=False,  # C_ is the chosen C, a float
        **params,
    )


_CHILDREN = ("steps", "transformers_", "estimators_", "regressor_", "estimator_", "model_")


def chosen_c(model) -> float | None:
    """The C an inner CV chose in a fitted model, pipeline or blend (the first found), else None.

    For the train stage's report and the model card: the suite's linear model on TF-IDF and the
    boosters' stacked text score each hold a fitted LogisticRegressionCV, whose ``C_`` it is.
    """
    found = getattr(model, "C_", None)
    if found is not None:
        return float(np.ravel(found)[0])
    for attribute in _CHILDREN:
        child = getattr(model, attribute, None)
        for item in child if isinstance(child, list) else [child]:
            inner = item[1] if isinstance(item, tuple) else item
            c = chosen_c(inner) if hasattr(inner, "get_params") else None
            if c is not None:
                return c
    return None


def text_model(task: str, seed: int = 0):
    """The linear model on TF-IDF that the stacked score comes from (C tuned, or ridge's alpha)."""
    from sklearn.linear_model import RidgeCV

    if task == "regression":
        return RidgeCV(alphas=np.logspace(-2, 3, 11))
    return text_classifier(seed)


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
    """(vectors, model fitted on all rows, out-of-fold scores of those rows).

    C is chosen once, by the inner holdout of the model fitted on all the rows; the stacking
    folds then refit at that C rather than choosing again (five more searches for one choice).
    Those rows are this outer fold's training rows only, so the boosters' CV stays honest.
    """
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    vectors = TextVectors().fit(frame)
    matrix = vectors.transform(frame)
    y = np.asarray(y)
    fitted = text_model(task, seed).fit(matrix, y)
    if task != "regression" and np.unique(y, return_counts=True)[1].min() < STACK_FOLDS:
        return vectors, fitted, _scores(fitted, matrix, task)  # too few rows of a class to stack
    if task == "regression":
        model, method = clone(fitted), "predict"
    else:
        c = chosen_c(fitted) or TEXT_C
        model = LogisticRegression(C=c, max_iter=2000, random_state=seed)
        method = "predict_proba"
    oof = cross_val_predict(model, matrix, y, cv=_stack_folds(task, seed), method=method)
    oof = oof.reshape(-1, 1) if task == "regression" else (oof[:, 1:] if oof.shape[1] == 2 else oof)
    return vectors, fitted, oof


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
