"""The numbers behind the EDA notebook: plain functions of DataFrames, testable on small frames.

Every number the notebook shows or its prose states comes from a function here, so
``reports/eda.json``, the notebook's text and its outputs agree. Figures and statistics work on
capped, seeded samples where a person would sample: a histogram of a million rows looks like one
of twenty thousand. The notebook imports this module as ``eda``.
"""

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression
from sklearn.model_selection import StratifiedKFold, cross_val_score

from .. import shift
from ..config import Config

PLOT_ROWS = 20_000  # figures draw at most this many rows
ASSOCIATION_ROWS = 10_000  # mutual information is estimated on at most this many rows
# The notebook's estimates that fit a model on every column (mutual information, the quick
# score) read at most this many cells, so a 784-column table takes seconds like a 10-column one:
# 1,275 rows there instead of 10,000, still plenty for a ranking. (Train-versus-test shift is
# :mod:`..shift`'s, with its own caps, shared with the audit and the monitor.)
MODEL_CELLS = 1_000_000
MODEL_MIN_ROWS = 1_000
QUICK_TREES, QUICK_MIN_ROUNDS = 100, 20  # the quick score's trees in all, and its fewest rounds
MAX_PLOTS = {"numeric": 6, "categorical": 4, "text": 2, "datetime": 2}  # per figure
LEVELS_SHOWN = 12  # categorical levels shown before the rest are pooled as "(other)"
RARE_LEVEL_ROWS = 10  # categorical levels seen fewer times are pooled for statistics
MISSING = "(missing)"
TEXT_MARKS = {"urls": r"https?://|www\.", "hashtags": r"#\w", "mentions": r"@\w"}
SEPARATING_SHOWN = 10  # n-grams listed per class
SEPARATING_MIN_ROWS = 5
TOKEN = re.compile(r"[^\W\d_]{2,}")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "not",
        "no",
        "mr",
        "mrs",
        "miss",
    ]
)


def model_rows(columns: int, rows: int) -> int:
    """How many of ``rows`` a model-based estimate over ``columns`` columns reads (MODEL_CELLS)."""
    return max(MODEL_MIN_ROWS, min(rows, MODEL_CELLS // max(columns, 1)))


def sample(frame: pd.DataFrame, rows: int = PLOT_ROWS, seed: int = 0) -> pd.DataFrame:
    """At most ``rows`` rows, drawn with a fixed seed so figures are the same on every run."""
    return frame if len(frame) <= rows else frame.sample(rows, random_state=seed)


def data_dictionary(schema: dict) -> pd.DataFrame:
    """One row per column: role, stored type, missing share (%), distinct values, in test."""
    rows = [
        {
            "column": c["name"],
            "role": c["role"],
            "type": c["dtype"],
            "missing %": round(100 * c["missing"], 1),
            "distinct": c["n_unique"],
            "in test": c["in_test"],
        }
        for c in schema["columns"]
    ]
    return pd.DataFrame(rows).set_index("column")


def positive_class(classes: list) -> object:
    """The label a binary target's rate counts: the last in sorted order (1, True, 'yes')."""
    return classes[-1]


def target_summary(y: pd.Series, task: str) -> dict:
    """Class counts and shares, or the distribution's moments and skew (raw and log1p)."""
    if task == "regression":
        values = y.astype(float)
        summary = {
            "mean": float(values.mean()),
            "median": float(values.median()),
            "std": float(values.std()),
            "min": float(values.min()),
            "max": float(values.max()),
            "skew": float(values.skew()),
            "log_skew": None,
        }
        if values.min() >= 0:
            summary["log_skew"] = float(np.log1p(values).skew())
        return summary
    counts = y.value_counts()
    return {
        "counts": {str(k): int(v) for k, v in counts.items()},
        "shares": {str(k): float(v / len(y)) for k, v in counts.items()},
        "majority": str(counts.index[0]),
        "majority_share": float(counts.iloc[0] / len(y)),
        "minority": str(counts.index[-1]),
        "minority_share": float(counts.iloc[-1] / len(y)),
    }


def missing_shares(train: pd.DataFrame, test: pd.DataFrame | None = None) -> pd.DataFrame:
    """Share of missing values per column with any, in train (and test), largest first."""
    table = pd.DataFrame({"train": train.isna().mean()})
    if test is not None:
        table["test"] = test.isna().mean().reindex(table.index)
    table = table[table.fillna(0).max(axis=1) > 0]
    return table.sort_values("train", ascending=False)


def encode(frame: pd.DataFrame, groups: dict[str, list[str]]) -> tuple[pd.DataFrame, list[bool]]:
    """A numeric matrix of every feature, and which columns are discrete codes.

    Categoricals become integer codes (missing is its own code, levels seen fewer than
    :data:`RARE_LEVEL_ROWS` times share one); numbers, texts and dates are read as
    :func:`..shift.encode` compares them (the value, the length, days since 1970).
    """
    parts, discrete = {}, []
    for role in ("numeric", "categorical", "text", "datetime"):
        for column in groups[role]:
            discrete.append(role == "categorical")
            if role != "categorical":
                parts[column] = shift.encode(frame[column], role)
                continue
            # Rare levels share one code: near-unique levels (tickets, cabins) would otherwise
            # look informative to mutual information.
            values = frame[column].astype("string")
            counts = values.value_counts()
            common = values.map(counts).fillna(0) >= RARE_LEVEL_ROWS
            values = values.where(common | values.isna(), "(rare)")
            parts[column] = pd.Series(pd.factorize(values)[0], index=frame.index)
    return pd.DataFrame(parts, index=frame.index), discrete


def associations(
    train: pd.DataFrame, groups: dict[str, list[str]], target: str, task: str, seed: int = 0
) -> pd.DataFrame:
    """Features ranked by mutual information with the target (nats; 0 = independent)."""
    frame = sample(train, model_rows(train.shape[1], ASSOCIATION_ROWS), seed)
    x, discrete = encode(frame, groups)
    if x.empty:
        return pd.DataFrame(columns=["feature", "association", "measure"])
    x = x.fillna(x.median()).fillna(0)
    if task == "regression":
        scores = mutual_info_regression(
            x, frame[target].astype(float), discrete_features=discrete, random_state=seed
        )
    else:
        labels = pd.factorize(frame[target])[0]
        scores = mutual_info_classif(x, labels, discrete_features=discrete, random_state=seed)
    table = pd.DataFrame(
        {"feature": x.columns, "association": np.round(scores, 4), "measure": "mutual information"}
    )
    return table.sort_values("association", ascending=False, kind="stable").reset_index(drop=True)


def numeric_by_target(
    train: pd.DataFrame, columns: list[str], target: str, task: str
) -> pd.DataFrame:
    """Medians per class (classification) or Spearman correlation with the target (regression)."""
    if task == "regression":
        y = train[target].astype(float)
        corr = {c: train[c].astype(float).corr(y, method="spearman") for c in columns}
        return pd.DataFrame({"spearman": pd.Series(corr)}).round(3)
    return train.groupby(target)[columns].median().T.round(4)


def level_table(train: pd.DataFrame, column: str, target: str, task: str, positive=None):
    """Rows per level (top levels, the rest pooled) and the target rate, mean or class mix."""
    levels = train[column].astype("string").fillna(MISSING)
    top = levels.value_counts().index[:LEVELS_SHOWN]
    levels = levels.where(levels.isin(top), "(other)")
    if task == "regression":
        table = train[target].astype(float).groupby(levels).agg(["count", "mean"])
        return table.rename(columns={"count": "rows", "mean": f"mean {target}"}).round(4)
    if task == "binary":
        hit = (train[target] == positive).astype(float)
        table = hit.groupby(levels).agg(["count", "mean"])
        return table.rename(columns={"count": "rows", "mean": f"share {target}={positive}"}).round(
            4
        )
    table = pd.crosstab(levels, train[target], normalize="index").round(4)
    table.insert(0, "rows", levels.value_counts())
    return table


def shift_roles(
    groups: dict[str, list[str]], train: pd.DataFrame, test: pd.DataFrame
) -> dict[str, str]:
    """Each feature both tables have, with its role: a column only train has cannot shift."""
    return {c: role for role, cols in groups.items() for c in cols if c in train and c in test}


def tokens(texts: pd.Series, top: int = 15) -> list[tuple[str, int]]:
    """The most frequent words (lowercased, without common stop words) in a text column."""
    counts: Counter[str] = Counter()
    for text in texts.dropna().astype(str):
        counts.update(t for t in TOKEN.findall(text.lower()) if t not in STOP_WORDS)
    return counts.most_common(top)


def text_summary(
    train: pd.DataFrame, column: str, target: str | None = None, task: str | None = None
) -> dict:
    """Length in characters and words, the frequent tokens and the share of rows with URLs,
    hashtags and mentions of one text column; with a class target, also the n-grams that
    separate the classes (:func:`separating_terms`) and repeated texts with conflicting labels."""
    rows = sample(train, PLOT_ROWS)
    values = rows[column].dropna().astype(str)
    summary = {
        "mean_chars": float(values.str.len().mean()) if len(values) else 0.0,
        "mean_words": float(values.str.split().str.len().mean()) if len(values) else 0.0,
        "top_tokens": tokens(values),
        "shares": {
            name: round(float(values.str.contains(pattern).mean()), 4) if len(values) else 0.0
            for name, pattern in TEXT_MARKS.items()
        },
    }
    if target is not None and task in ("binary", "multiclass"):
        summary["words_by_class"] = words_by_class(rows[column], rows[target])
        summary["separating"] = separating_terms(rows[column], rows[target])
        summary["conflicts"] = conflicting_duplicates(train[column], train[target])
    elif target is not None and task == "regression":
        words = rows[column].fillna("").astype(str).str.split().str.len().astype(float)
        summary["words_correlation"] = _spearman(words, rows[target])
    return summary


def words_by_class(texts: pd.Series, y: pd.Series) -> list[dict]:
    """Per class (the ``LEVELS_SHOWN`` largest): rows and the mean and median word count."""
    words = texts.fillna("").astype(str).str.split().str.len().astype(float)
    found = []
    for label in y.value_counts().index[:LEVELS_SHOWN]:
        inside = words[(y == label).to_numpy()]
        found.append(
            {
                "class": label.item() if hasattr(label, "item") else label,
                "rows": int(len(inside)),
                "mean_words": round(float(inside.mean()), 2),
                "median_words": float(inside.median()),
            }
        )
    return sorted(found, key=lambda r: str(r["class"]))


def _spearman(x: pd.Series, y: pd.Series) -> float | None:
    present = x.notna().to_numpy() & y.notna().to_numpy()
    if present.sum() < 3 or x[present].nunique() < 2 or y[present].nunique() < 2:
        return None
    return round(float(x[present].corr(y[present], method="spearman")), 3)


def separating_terms(texts: pd.Series, y: pd.Series, top: int = SEPARATING_SHOWN) -> list[dict]:
    """Per class (at most ``LEVELS_SHOWN``; both for a binary target): the word 1-2-grams most
    typical of it against the other rows, ranked by the z-score of the smoothed log odds ratio of
    the rows that hold them (:func:`_log_odds`), with those counts.

    A term in at least ``SEPARATING_MIN_ROWS`` rows only, so a name seen twice does not lead.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    present = texts.notna() & y.notna()
    texts, y = texts[present].astype(str), y[present]
    vectorizer = CountVectorizer(
        ngram_range=(1, 2), binary=True, min_df=SEPARATING_MIN_ROWS, stop_words=sorted(STOP_WORDS)
    )
    try:
        counts = vectorizer.fit_transform(texts).tocsc()
    except ValueError:  # no term in enough rows
        return []
    terms = vectorizer.get_feature_names_out()
    labels = y.value_counts().index[:LEVELS_SHOWN]
    found = []
    for label in sorted(labels, key=str):
        inside = (y == label).to_numpy()
        n_in = np.asarray(counts[inside].sum(axis=0)).ravel()
        n_out = np.asarray(counts[~inside].sum(axis=0)).ravel()
        rows_in, rows_out = inside.sum(), (~inside).sum()
        odds, z = _log_odds(n_in, rows_in - n_in, n_out, rows_out - n_out)
        for i in [i for i in np.argsort(-z)[:top] if odds[i] > 0]:
            found.append(
                {
                    "class": label.item() if hasattr(label, "item") else label,
                    "term": str(terms[i]),
                    "rows_in_class": int(n_in[i]),
                    "rows_other": int(n_out[i]),
                    "log_odds": round(float(odds[i]), 3),
                }
            )
    return found


def _log_odds(a, b, c, d) -> tuple[np.ndarray, np.ndarray]:
    """The smoothed log odds ratio of holding a term in the class (a of a + b rows) against the
    other rows (c of c + d), and its z-score: ranking by z puts a term in many rows of the
    class ahead of one seen in a handful only."""
    a, b, c, d = (np.asarray(v, dtype=float) + 0.5 for v in (a, b, c, d))
    odds = np.log(a / b) - np.log(c / d)
    return odds, odds / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)


def conflicting_duplicates(texts: pd.Series, y: pd.Series) -> dict:
    """Texts that appear more than once (ignoring case and surrounding spaces), and those among
    them labelled differently: no model can get every copy of those right."""
    keys = texts.dropna().astype(str).str.strip().str.lower()
    frame = pd.DataFrame({"text": keys, "y": y[keys.index]})
    repeated = frame[frame["text"].duplicated(keep=False)]
    labels = repeated.groupby("text")["y"].nunique()
    conflicting = labels[labels > 1].index
    return {
        "repeated_texts": int(len(labels)),
        "repeated_rows": int(len(repeated)),
        "conflicting_texts": int(len(conflicting)),
        "conflicting_rows": int(repeated["text"].isin(conflicting).sum()),
    }


def date_summary(train: pd.DataFrame, test: pd.DataFrame | None, column: str) -> dict:
    """First and last date in train and test, and whether test lies after train."""

    def span(values: pd.Series) -> list[str] | None:
        values = values.dropna()
        return [str(values.min().date()), str(values.max().date())] if len(values) else None

    summary = {"train": span(train[column]), "test": None, "test_after": False}
    if test is not None and column in test:
        summary["test"] = span(test[column])
        if summary["train"] and summary["test"]:
            summary["test_after"] = bool(test[column].min() >= train[column].max())
    return summary


def quick_score(frame: pd.DataFrame, y: pd.Series, task: str, seed: int = 0) -> float:
    """A fast 3-fold score of gradient boosting on these columns: accuracy, or R² for regression.

    For trying a feature in the notebook, not for the leaderboard: numbers stay numbers, dates
    become day counts, anything else becomes category codes, on at most ASSOCIATION_ROWS rows
    (fewer on a wide table, see :func:`model_rows`).
    """
    from sklearn.ensemble import HistGradientBoostingRegressor
    from sklearn.model_selection import KFold

    wanted = model_rows(frame.shape[1], ASSOCIATION_ROWS)
    rows = sample(frame.assign(__target__=y.to_numpy()), wanted, seed)
    target = rows.pop("__target__")
    columns = {}
    for name in rows.columns:
        values = rows[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = (values - pd.Timestamp("1970-01-01")).dt.days
        elif not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values)):
            values = pd.Series(pd.factorize(values)[0], index=rows.index).replace(-1, np.nan)
        columns[str(name)] = pd.to_numeric(values, errors="coerce").astype(float)
    X = pd.DataFrame(columns, index=rows.index)
    # Multiclass boosting grows one tree per class and round: the same number of trees in all.
    trees = y.nunique() if task == "multiclass" else 1
    rounds = max(QUICK_MIN_ROUNDS, QUICK_TREES // trees)
    if task == "regression":
        model = HistGradientBoostingRegressor(max_iter=rounds, random_state=seed)
        folds = KFold(3, shuffle=True, random_state=seed)
    else:
        model = HistGradientBoostingClassifier(max_iter=rounds, random_state=seed)
        folds = StratifiedKFold(3, shuffle=True, random_state=seed)
        target = pd.Series(pd.factorize(target)[0], index=target.index)
    return float(cross_val_score(model, X, target, cv=folds).mean())


def save_figure(fig, cfg: Config, name: str) -> Path:
    """Save a notebook figure as ``reports/figures/eda-<name>.png`` for the README to reuse."""
    cfg.layout.figures.mkdir(parents=True, exist_ok=True)
    path = cfg.layout.figures / f"eda-{name}.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path
