"""Preprocessing built from the schema's column roles, one flavour per model family.

Linear models need every input numeric, complete and on one scale, so they get imputation,
one-hot encoding, and numbers as B-splines: a straight line per column cannot bend where prices
saturate or risk rises then falls, and splines let it at the cost of a few columns each. Tree
ensembles split on raw values and route gaps themselves, so they get raw numbers and category
codes in a pandas ``category`` column, which HistGradientBoosting, LightGBM and XGBoost all read
as native categoricals.

Free text written in sentences gets what a practitioner builds for it (:mod:`.text`): TF-IDF of
word and character n-grams for the linear model, and for the trees the linear text model's
out-of-fold prediction plus text statistics. Short text (names, titles) and categorical columns
with too many levels to learn one by one become indicator columns for their most frequent word
tokens plus length and missing flags: a generic rule that finds the titles in Titanic's
passenger names or the deck in a cabin code without knowing either. Dates become their calendar
parts and a day count. Those many-level columns also get their level's mean target, cross-fitted
(see :func:`_target_means`).
"""

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    OneHotEncoder,
    OrdinalEncoder,
    SplineTransformer,
    StandardScaler,
)

from ..schema import feature_columns, model_features
from .estimators import ColumnWise
from .learned import TARGET_TYPES, target_encoder
from .text import TextScore, TextStatistics, TextVectors

# Letter runs, lower-cased: "Braund, Mr. Owen" -> braund, mr, owen; "C85" -> c; "B/0/P" -> b, p.
# Digits are left out because numbers in tickets, cabins or codes are rarely shared by rows.
TOKEN_PATTERN = r"(?u)[^\W\d_]+"
MAX_TOKENS = 20  # indicator columns per text column: the most frequent tokens only
MIN_TOKEN_ROWS = 5  # a token (or a category level) seen in fewer rows is noise, not signal
MAX_ENCODED_LEVELS = (
    100  # levels kept per categorical column; the rest share one "infrequent" level
)
HIGH_CARDINALITY = 50  # a categorical column with more levels is tokenised as well
DATE_PARTS = ("year", "month", "day", "dayofweek", "hour")
# Splines for the linear model's numbers (5 knots at quantiles, cubic: 7 columns per number).
# Measured against plain scaling, 5-fold CV: House Prices RMSLE 0.1477 -> 0.1280, Spaceship
# Titanic accuracy 0.7895 -> 0.7944, California RMSE 68,873 -> 62,820, Titanic 0.7980 -> 0.7935
# (within a fold std); pairwise interactions instead: 0.1681 / 0.7904 / 64,868 / 0.8125.
# Wider tables keep plain scaling: seven dense columns per number would not fit in memory.
SPLINE_KNOTS = 5
SPLINE_MAX_COLUMNS = 100
SENTENCE_WORDS = 6  # text with at least this many words per value on average is prose
_FORBIDDEN_IN_NAMES = re.compile(r'[",:\[\]{}<>]')  # LightGBM and XGBoost reject these


def _as_labels(frame: pd.DataFrame) -> np.ndarray:
    """Category values as strings (bools and numbers too), missing as NaN, for the encoders."""
    values = frame.astype("string").astype(object)
    return values.where(frame.notna(), np.nan).to_numpy()


class TextTokens(TransformerMixin, BaseEstimator):
    """Per column: indicators of the most frequent word tokens, length, word count, missing flag,
    and how many training rows share the value (a shared ticket or cabin is a travelling group)."""

    def __init__(self, max_tokens: int = MAX_TOKENS, min_rows: int = MIN_TOKEN_ROWS):
        self.max_tokens = max_tokens
        self.min_rows = min_rows

    def fit(self, X, y=None):
        frame = pd.DataFrame(X)
        self.columns_ = [str(c) for c in frame.columns]
        self.vocabularies_ = []
        self.counts_ = []
        for column in frame.columns:
            counts = self._strings(frame[column]).value_counts()
            self.counts_.append(counts[counts > 1].astype(np.float32).to_dict())
            vectorizer = CountVectorizer(
                token_pattern=TOKEN_PATTERN,
                binary=True,
                max_features=self.max_tokens,
                min_df=min(self.min_rows, max(len(frame), 1)),
                dtype=np.float32,
            )
            try:
                vectorizer.fit(self._strings(frame[column]))
                vocabulary = sorted(vectorizer.vocabulary_)
            except ValueError:  # no token reaches min_df: the column gives only its stats
                vocabulary = []
            self.vocabularies_.append(vocabulary)
        self.n_features_in_ = frame.shape[1]
        return self

    @staticmethod
    def _strings(values: pd.Series) -> pd.Series:
        return values.astype("string").fillna("").astype(object)

    def transform(self, X):
        frame = pd.DataFrame(X)
        blocks = []
        for column, vocabulary, counts in zip(
            frame.columns, self.vocabularies_, self.counts_, strict=True
        ):
            text = self._strings(frame[column])
            if vocabulary:
                vectorizer = CountVectorizer(
                    token_pattern=TOKEN_PATTERN,
                    binary=True,
                    vocabulary=vocabulary,
                    dtype=np.float32,
                )
                blocks.append(vectorizer.transform(text).toarray())
            stats = np.column_stack(
                [
                    text.str.len().to_numpy(dtype=np.float32),
                    text.str.count(TOKEN_PATTERN).to_numpy(dtype=np.float32),
                    frame[column].isna().to_numpy(dtype=np.float32),
                    text.map(counts).fillna(1).to_numpy(dtype=np.float32),
                ]
            )
            blocks.append(stats)
        return np.hstack(blocks) if blocks else np.empty((len(frame), 0), dtype=np.float32)

    def get_feature_names_out(self, input_features=None):
        names = []
        for column, vocabulary in zip(self.columns_, self.vocabularies_, strict=True):
            names += [f"{column}_token_{token}" for token in vocabulary]
            names += [f"{column}_length", f"{column}_words", f"{column}_missing", f"{column}_count"]
        return np.asarray(names, dtype=object)


class DateParts(ColumnWise):
    """Calendar parts (year, month, day, weekday, hour) and a day count, per date column."""

    def transform(self, X):
        frame = pd.DataFrame(X)
        blocks = []
        for column in frame.columns:
            dates = pd.to_datetime(frame[column], errors="coerce")
            if isinstance(dates.dtype, pd.DatetimeTZDtype):
                dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
            parts = [getattr(dates.dt, part) for part in DATE_PARTS]
            days = (dates - pd.Timestamp("1970-01-01")).dt.total_seconds() / 86400
            blocks.append(
                np.column_stack([p.to_numpy(dtype=float, na_value=np.nan) for p in [*parts, days]])
            )
        return np.hstack(blocks) if blocks else np.empty((len(frame), 0))

    def get_feature_names_out(self, input_features=None):
        suffixes = (*DATE_PARTS, "days")
        return np.asarray([f"{c}_{s}" for c in self.columns_ for s in suffixes], dtype=object)


class CategoryFrame(TransformerMixin, BaseEstimator):
    """A frame of the encoded columns, the first ``n_categorical`` marked as pandas categories.

    Tree models then treat those codes as categories rather than as ordered numbers, with no
    extra argument to pass at fit time, so a cloned or reloaded pipeline behaves the same. Names
    lose the ColumnTransformer's block prefix and the characters LightGBM rejects.
    ``as_codes=True`` gives plain integer codes instead, -1 for missing, which is what CatBoost
    (told the column indices) accepts: it rejects missing values in a categorical column.
    ``dtype`` is the numbers' type: float64 keeps every value exact; float32 halves the matrix
    and LightGBM reads it without a float64 copy of its own (XGBoost bins float32 anyway), which
    a huge table needs (:func:`preprocessor`'s ``compact``). LightGBM still copies to float64
    when a categorical column has gaps: it turns their -1 codes into NaN, a float64 column.
    """

    dtype = "float64"  # what a pipeline saved before ``dtype`` existed unpickles with (clone, repr)

    def __init__(self, n_categorical: int = 0, as_codes: bool = False, dtype: str = "float64"):
        self.n_categorical = n_categorical
        self.as_codes = as_codes
        self.dtype = dtype

    def fit(self, X, y=None):
        names, seen = [], set()
        for name in X.columns:
            clean = _FORBIDDEN_IN_NAMES.sub("_", str(name).split("__", 1)[-1])
            while clean in seen:
                clean += "_"
            seen.add(clean)
            names.append(clean)
        self.names_ = names
        codes = X.iloc[:, : self.n_categorical].to_numpy(dtype=float)
        self.levels_ = [
            int(np.nanmax(column)) + 1 if np.isfinite(column).any() else 1 for column in codes.T
        ]
        self.n_features_in_ = X.shape[1]
        return self

    def transform(self, X):
        values = X.to_numpy(dtype=self.dtype)
        frame = pd.DataFrame(values, columns=self.names_, index=X.index)
        for i, levels in enumerate(self.levels_):
            codes = frame.iloc[:, i].to_numpy()
            codes = np.where(np.isfinite(codes) & (codes < levels), codes, -1).astype(int)
            if not self.as_codes:
                codes = pd.Categorical.from_codes(codes, categories=range(levels))
            frame.isetitem(i, codes)
        return frame

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.names_, dtype=object)


def model_roles(schema: dict) -> dict[str, list[str]]:
    """Feature columns by role that a model may use: those present in the test file too.

    A column only train has (an outcome recorded after the fact, say) cannot be predicted from,
    so it is left out of every model when the data has a test file.
    """
    usable = model_features(schema)
    return {
        role: [c for c in columns if c in usable]
        for role, columns in feature_columns(schema).items()
    }


def feature_count(roles: dict[str, list[str]]) -> int:
    """How many feature columns :func:`model_roles` gives a model: what sizes its settings."""
    return sum(len(columns) for columns in roles.values())


def high_cardinality(schema: dict, categorical: list[str] | None = None) -> list[str]:
    """Categorical columns with more than ``HIGH_CARDINALITY`` levels (too many to read or learn
    one by one), among ``categorical`` when given."""
    wanted = None if categorical is None else set(categorical)
    return [
        c["name"]
        for c in schema["columns"]
        if c["role"] == "categorical"
        and c.get("n_unique", 0) > HIGH_CARDINALITY
        and (wanted is None or c["name"] in wanted)
    ]


def sentence_columns(schema: dict, text: list[str]) -> list[str]:
    """The text columns written in sentences (``SENTENCE_WORDS`` words or more on average).

    Those get TF-IDF and the stacked text score (:mod:`.text`). Shorter text (names, titles,
    addresses) keeps the token indicators, whose few shared tokens (a title) carry the signal:
    on Titanic, Name as TF-IDF and a stacked score instead cost 0.022 accuracy (ensemble 0.861
    -> 0.840, HistGradientBoosting 0.856 -> 0.838), the score overfitting 891 unique names.
    A schema from before the word count was recorded keeps tokens for every text column.
    """
    words = {c["name"]: c.get("words", 0) for c in schema["columns"]}
    return [c for c in text if words.get(c, 0) >= SENTENCE_WORDS]


class AddedColumns:
    """Selects the columns a table has beyond ``known``: those the user's learned steps added.

    Learned steps (``features.learned_steps``) run inside the pipeline, after the schema gave
    every column its role, so the columns they add have none; they are numbers (a group's
    statistic). Given to ColumnTransformer as a column selector, this is evaluated when the
    feature pipeline is fitted, so whatever a step adds reaches the model, and a column the
    schema knows (one only train has, say) never slips in this way. A class rather than a
    lambda so the fitted model pickles.
    """

    def __init__(self, known):
        self.known = frozenset(known)

    def __call__(self, X) -> list:
        return [c for c in getattr(X, "columns", []) if c not in self.known]


def _bend(n_numeric: int):
    """How the linear model reads numbers: splines up to ``SPLINE_MAX_COLUMNS``, else scaled."""
    if n_numeric > SPLINE_MAX_COLUMNS:
        return StandardScaler()
    return SplineTransformer(n_knots=SPLINE_KNOTS, degree=3, knots="quantile")


def _target_names(transformer, names) -> list[str]:
    return [f"{name}_target" for name in names]


def _target_means(task: str | None, seed: int, linear: bool):
    """Each many-level column's mean target per level, or None when the task is not given.

    A code shared by a few rows (a ticket, a cabin, a household) says more through its rows'
    outcomes than through any single level a tree can split on. scikit-learn's TargetEncoder
    cross-fits it on the rows it is fitted on and shrinks rare levels towards the overall mean,
    so no training row sees its own target; fitted inside each CV fold like every step. 5-fold
    CV: Titanic HistGradientBoosting accuracy 0.8440 -> 0.8473, LightGBM 0.8271 -> 0.8440, the
    linear model 0.8002 -> 0.8170; Spaceship Titanic LightGBM 0.8065 -> 0.8070 (House Prices and
    California have no such column).
    """
    if task is None:
        return None
    encode = target_encoder(TARGET_TYPES[task], seed)
    steps = [FunctionTransformer(_as_labels, feature_names_out="one-to-one"), encode]
    rename = FunctionTransformer(feature_names_out=_target_names)
    return (
        make_pipeline(*steps, StandardScaler(), rename) if linear else make_pipeline(*steps, rename)
    )


def _blocks(
    roles: dict[str, list[str]], schema: dict, linear: bool, task=None, seed: int = 0
) -> list[tuple]:
    """The (name, transformer, columns) triples; categorical first so its indices are known."""
    categorical, numeric = roles["categorical"], roles["numeric"]
    many_levels = high_cardinality(schema, categorical)
    target_means = _target_means(task, seed, linear)
    sentences = sentence_columns(schema, roles["text"])
    tokenised = [c for c in roles["text"] if c not in sentences] + many_levels
    labels = FunctionTransformer(_as_labels, feature_names_out="one-to-one")
    if linear:
        encode = make_pipeline(
            labels,
            SimpleImputer(strategy="constant", fill_value="(missing)"),
            OneHotEncoder(
                handle_unknown="infrequent_if_exist",
                min_frequency=MIN_TOKEN_ROWS,
                max_categories=MAX_ENCODED_LEVELS,
            ),
        )
        number = make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            _bend(len(numeric)),
        )
        text = make_pipeline(TextTokens(), StandardScaler())
        dates = make_pipeline(
            DateParts(),
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
        )
    else:
        encode = make_pipeline(
            labels,
            OrdinalEncoder(
                handle_unknown="use_encoded_value",
                unknown_value=np.nan,
                encoded_missing_value=np.nan,
                min_frequency=MIN_TOKEN_ROWS,
                max_categories=MAX_ENCODED_LEVELS,
            ),
        )
        number, text, dates = "passthrough", TextTokens(), DateParts()
    added = (
        make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler())
        if linear
        else "passthrough"
    )
    blocks = [
        ("categorical", encode, categorical),
        ("numeric", number, numeric),
        ("text", text, tokenised),
        *_free_text(sentences, linear, task, seed),
        ("datetime", dates, roles["datetime"]),
        ("target_mean", target_means, many_levels if target_means is not None else []),
        ("learned", added, AddedColumns(c["name"] for c in schema["columns"])),
    ]
    return [block for block in blocks if block[2]]


def _free_text(columns: list[str], linear: bool, task: str | None, seed: int) -> list[tuple]:
    """The text columns' blocks (see :mod:`.text`): TF-IDF for the linear model; for trees the
    stacked text model's out-of-fold score (when the task is known) and the text statistics."""
    if linear:
        return [("tfidf", TextVectors(), columns)]
    score = [("text_score", TextScore(task, seed), columns)] if task is not None else []
    return [*score, ("text_statistics", TextStatistics(), columns)]


def preprocessor(
    roles: dict[str, list[str]],
    schema: dict,
    *,
    linear: bool,
    as_codes: bool = False,
    task: str | None = None,
    seed: int = 0,
    compact: bool = False,
) -> Pipeline:
    """The feature pipeline for a model family, from :func:`model_roles` roles.

    ``linear=True``: one-hot, imputed and scaled (sparse when one-hot makes it wide).
    ``linear=False``: raw numbers and category codes as pandas categories, for tree ensembles;
    the categorical columns come first. ``as_codes``: see :class:`CategoryFrame`. ``task``
    (binary | multiclass | regression) adds the many-level columns' cross-fitted target means,
    which need the target at fit time; ``seed`` shuffles their folds. ``compact``: the trees'
    matrix in float32 (a huge table, where float64 copies of it set the peak memory).
    """
    columns = ColumnTransformer(
        _blocks(roles, schema, linear, task, seed),
        remainder="drop",
        sparse_threshold=0.3 if linear else 0.0,
    )
    if linear:
        return Pipeline([("columns", columns)])
    columns.set_output(transform="pandas")
    dtype = "float32" if compact else "float64"
    frame = CategoryFrame(len(roles["categorical"]), as_codes=as_codes, dtype=dtype)
    return Pipeline([("columns", columns), ("frame", frame)])
