"""The EDA stage: the numbers behind the notebook, and the stage that writes it.

Every number the notebook shows or states in its markdown comes from a plain function here, so
``reports/eda.json``, the notebook's prose and its outputs agree, and the functions can be tested
on small frames. Figures and statistics work on capped, seeded samples where a person would
sample: a histogram of a million rows looks like one of twenty thousand.
"""

import re
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression
from sklearn.model_selection import StratifiedKFold, cross_val_score

from .config import Config
from .dataset import feature_columns
from .files import write_json
from .formatting import amount
from .metrics import METRICS

PLOT_ROWS = 20_000  # figures draw at most this many rows
ASSOCIATION_ROWS = 10_000  # mutual information is estimated on at most this many rows
ADVERSARIAL_ROWS = 10_000  # rows drawn from each of train and test for adversarial validation
ADVERSARIAL_FOLDS = 5
MAX_PLOTS = {"numeric": 6, "categorical": 4, "text": 2, "datetime": 2}  # per figure
MAX_LEVELS = 12  # categorical levels shown before the rest are pooled as "(other)"
RARE_LEVEL_ROWS = 10  # categorical levels seen fewer times are pooled for statistics
HIGH_CARDINALITY = 50  # categoricals with more levels are not plotted level by level
MANY_MISSING = 0.3  # columns missing at least this share get a next step of their own
IMBALANCED = 0.2  # minority-class share below which the classes count as imbalanced
SHIFTED_AUC = 0.6  # adversarial AUC from which train and test visibly differ
MISSING = "(missing)"
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


def percent(share: float) -> str:
    """A share as the notebook writes it: ``0.199 -> '19.9 %'``."""
    return f"{100 * share:.1f} %"


def row_count(count: int) -> str:
    """A row count with the right noun: ``1 -> '1 row'``, ``1200 -> '1,200 rows'``."""
    return f"{count:,} row{'' if count == 1 else 's'}"


def names(items: list[str]) -> str:
    """Column names as a sentence lists them: ``a``, ``a and b``, ``a, b and 3 more``."""
    shown = [str(item) for item in items[:5]]
    if len(items) > 5:
        return ", ".join(shown) + f" and {len(items) - 5} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


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


def target_sentences(summary: dict, target: str, task: str, metric: str) -> list[str]:
    """What the target looks like and what that means for the metric, in plain sentences."""
    label = METRICS[metric].label if metric in METRICS else metric
    if task != "regression":
        shares = ", ".join(f"{k}: {percent(v)}" for k, v in summary["shares"].items())
        sentences = [f"{target} has {len(summary['counts'])} classes ({shares})."]
        floor = summary["majority_share"]
        if metric == "accuracy":
            sentences.append(
                f"Always predicting {summary['majority']} already scores {percent(floor)} "
                "accuracy: that is the floor a model must beat."
            )
        if summary["minority_share"] < IMBALANCED:
            sentences.append(
                f"The classes are imbalanced (the rarest, {summary['minority']}, is "
                f"{percent(summary['minority_share'])}): use stratified folds, and read "
                f"{label} next to a per-class view such as the confusion matrix."
            )
        elif metric in ("roc_auc", "log_loss", "average_precision"):
            sentences.append(
                f"{label} scores predicted probabilities, so calibration and ranking matter "
                "more than the decision threshold."
            )
        return sentences
    skew = summary["skew"]
    shape = "right-skewed" if skew > 1 else "left-skewed" if skew < -1 else "roughly symmetric"
    sentences = [
        f"{target} ranges from {amount(summary['min'])} to {amount(summary['max'])} "
        f"(median {amount(summary['median'])}) and is {shape} (skew {skew:.2f})."
    ]
    if summary["log_skew"] is not None and abs(skew) > 1:
        sentences.append(
            f"Its log1p has skew {summary['log_skew']:.2f}; "
            + (
                "RMSLE scores on that log scale, so model log1p of the target."
                if metric == "rmsle"
                else f"modelling log1p of the target can help even though {label} is "
                "computed on the original scale."
            )
        )
    elif metric == "rmsle":
        sentences.append("RMSLE scores errors on the log scale: relative errors count, not size.")
    elif metric == "rmse":
        sentences.append("RMSE squares errors, so the largest targets weigh most.")
    return sentences


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
    :data:`RARE_LEVEL_ROWS` times share one), text its length in characters,
    dates days since 1970; numeric columns keep their values and gaps.
    """
    parts, discrete = {}, []
    for column in groups["numeric"]:
        parts[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
        discrete.append(False)
    for column in groups["categorical"]:
        # Rare levels share one code: near-unique levels (tickets, cabins) would otherwise look
        # informative to mutual information and tell test rows apart by identity alone.
        values = frame[column].astype("string")
        counts = values.value_counts()
        common = values.map(counts).fillna(0) >= RARE_LEVEL_ROWS
        values = values.where(common | values.isna(), "(rare)")
        parts[column] = pd.Series(pd.factorize(values)[0], index=frame.index)
        discrete.append(True)
    for column in groups["text"]:
        parts[column] = frame[column].str.len().astype(float)
        discrete.append(False)
    for column in groups["datetime"]:
        values = pd.to_datetime(frame[column], errors="coerce")
        if values.dt.tz is not None:
            values = values.dt.tz_convert(None)
        parts[column] = (values - pd.Timestamp("1970-01-01")).dt.days.astype(float)
        discrete.append(False)
    return pd.DataFrame(parts, index=frame.index), discrete


def associations(
    train: pd.DataFrame, groups: dict[str, list[str]], target: str, task: str, seed: int = 0
) -> pd.DataFrame:
    """Features ranked by mutual information with the target (nats; 0 = independent)."""
    frame = sample(train, ASSOCIATION_ROWS, seed)
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
    top = levels.value_counts().index[:MAX_LEVELS]
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


def level_sentence(table: pd.DataFrame, column: str, task: str) -> str:
    """The levels with the highest and lowest target rate (or mean), as one sentence."""
    frame = table[table["rows"] >= 10] if (table["rows"] >= 10).sum() >= 2 else table
    if task == "multiclass":
        dominant = frame.drop(columns="rows").idxmax(axis=1)
        share = frame.drop(columns="rows").max(axis=1)
        best = share.idxmax()
        return (
            f"{column} = {best} is {percent(share[best])} {dominant[best]} "
            f"({row_count(int(frame.loc[best, 'rows']))})."
        )
    value = frame.columns[-1]
    high, low = frame[value].idxmax(), frame[value].idxmin()
    fmt = percent if task == "binary" else amount
    return (
        f"{column} = {high}: {value} {fmt(frame.loc[high, value])} "
        f"({row_count(int(frame.loc[high, 'rows']))}) against {fmt(frame.loc[low, value])} for "
        f"{low} ({row_count(int(frame.loc[low, 'rows']))})."
    )


def numeric_sentences(table: pd.DataFrame, target: str, task: str) -> list[str]:
    """One sentence per feature of :func:`numeric_by_target`'s table."""
    if task == "regression":
        return [
            f"{column}: Spearman correlation {row['spearman']:.2f} with {target}."
            for column, row in table.iterrows()
        ]
    return [
        f"{column}: median "
        + ", ".join(f"{amount(value)} for {target} = {label}" for label, value in row.items())
        + "."
        for column, row in table.iterrows()
    ]


def drift(train: pd.DataFrame, test: pd.DataFrame, groups: dict[str, list[str]]) -> pd.DataFrame:
    """Per feature, how far test's distribution is from train's (0 = same, 1 = disjoint).

    Numeric, text length and dates: the Kolmogorov-Smirnov statistic. Categoricals: the total
    variation distance between the level shares.
    """
    from scipy.stats import ks_2samp

    a, b = sample(train, ADVERSARIAL_ROWS), sample(test, ADVERSARIAL_ROWS)
    rows = []
    for column in groups["categorical"]:
        pa = a[column].astype("string").fillna(MISSING).value_counts(normalize=True)
        pb = b[column].astype("string").fillna(MISSING).value_counts(normalize=True)
        tvd = 0.5 * pa.subtract(pb, fill_value=0).abs().sum()
        rows.append((column, round(float(tvd), 4), "total variation distance"))
    continuous = {**{c: "numeric" for c in groups["numeric"]}}
    continuous.update({c: "text" for c in groups["text"]})
    continuous.update({c: "datetime" for c in groups["datetime"]})
    xa, _ = encode(a, groups)
    xb, _ = encode(b, groups)
    for column in continuous:
        va, vb = xa[column].dropna(), xb[column].dropna()
        if len(va) and len(vb):
            rows.append((column, round(float(ks_2samp(va, vb).statistic), 4), "Kolmogorov-Smirnov"))
    table = pd.DataFrame(rows, columns=["feature", "statistic", "measure"])
    return table.sort_values("statistic", ascending=False, kind="stable").reset_index(drop=True)


def adversarial_auc(
    train: pd.DataFrame,
    test: pd.DataFrame,
    groups: dict[str, list[str]],
    seed: int = 0,
    folds: int = ADVERSARIAL_FOLDS,
) -> float | None:
    """Cross-validated ROC AUC of a model telling test rows from train rows (0.5 = alike)."""
    a, b = sample(train, ADVERSARIAL_ROWS, seed), sample(test, ADVERSARIAL_ROWS, seed)
    both = pd.concat([a, b], ignore_index=True)
    x, _ = encode(both, groups)
    if x.empty or min(len(a), len(b)) < folds:
        return None
    y = np.r_[np.zeros(len(a)), np.ones(len(b))]
    model = HistGradientBoostingClassifier(max_iter=100, random_state=seed)
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return round(float(cross_val_score(model, x, y, cv=splits, scoring="roc_auc").mean()), 4)


def adversarial_sentence(auc: float | None, shifted: list[str], has_test: bool = True) -> str:
    """What the adversarial AUC implies for validation, or why there is none.

    :func:`adversarial_auc` gives None for a tiny table as well as for a missing one, and the
    reader should learn which.
    """
    if not has_test:
        return "There is no test table, so train-versus-test shift could not be checked."
    if auc is None:
        return (
            f"Train-versus-test shift could not be checked: it needs at least {ADVERSARIAL_FOLDS} "
            "rows in each of train and test, and a feature to compare."
        )
    if auc < SHIFTED_AUC:
        return (
            f"A classifier tells test rows from train rows with AUC {auc:.2f}, close to chance: "
            "test looks like train, so shuffled cross-validation should estimate the "
            "leaderboard well."
        )
    worst = ", ".join(shifted[:3])
    strength = "clearly" if auc >= 0.75 else "somewhat"
    return (
        f"A classifier tells test rows from train rows with AUC {auc:.2f}: test differs "
        f"{strength} from train (most shifted: {worst}). Validate on the rows most like test "
        "(e.g. by time or group) and treat features that drift with care."
    )


def tokens(texts: pd.Series, top: int = 15) -> list[tuple[str, int]]:
    """The most frequent words (lowercased, without common stop words) in a text column."""
    counts: Counter[str] = Counter()
    for text in texts.dropna().astype(str):
        counts.update(t for t in TOKEN.findall(text.lower()) if t not in STOP_WORDS)
    return counts.most_common(top)


def text_summary(train: pd.DataFrame, column: str) -> dict:
    """Length in characters and words, and the frequent tokens, of one text column."""
    values = sample(train, PLOT_ROWS)[column].dropna().astype(str)
    return {
        "mean_chars": float(values.str.len().mean()) if len(values) else 0.0,
        "mean_words": float(values.str.split().str.len().mean()) if len(values) else 0.0,
        "top_tokens": tokens(values),
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


def high_cardinality(schema: dict) -> list[str]:
    """Categorical columns with too many levels to read one by one."""
    return [
        c["name"]
        for c in schema["columns"]
        if c["role"] == "categorical" and c["n_unique"] > HIGH_CARDINALITY
    ]


def summarise(
    schema: dict, train: pd.DataFrame, test: pd.DataFrame | None, metric: str, seed: int = 0
) -> dict:
    """Everything the notebook states and ``reports/eda.json`` records, computed once."""
    target, task = schema["target"], schema["task"]
    groups = feature_columns(schema)
    features = [c for cols in groups.values() for c in cols]
    target_info = target_summary(train[target], task)
    missing = missing_shares(
        train[features], None if test is None else test.reindex(columns=features)
    )
    ranked = associations(train, groups, target, task, seed)
    shifted = drift(train, test, groups) if test is not None else None
    train_only = [] if test is None else [c for c in features if c not in test.columns]
    auc = adversarial_auc(train, test, groups, seed) if test is not None else None
    ranked_names = list(ranked["feature"])
    numeric = [c for c in ranked_names if c in groups["numeric"]][: MAX_PLOTS["numeric"]]
    many = set(high_cardinality(schema))
    plotted = [c for c in ranked_names if c in groups["categorical"] and c not in many]
    categorical = plotted[: MAX_PLOTS["categorical"]]
    positive = positive_class(schema["classes"]) if task == "binary" else None
    levels = [
        level_sentence(level_table(train, c, target, task, positive), c, task) for c in categorical
    ]
    by_target = numeric_by_target(train, numeric[:3], target, task) if numeric else None
    texts = {c: text_summary(train, c) for c in groups["text"]}
    dates = {c: date_summary(train, test, c) for c in groups["datetime"]}
    return {
        "target": target,
        "task": task,
        "metric": metric,
        "rows": {"train": len(train), "test": None if test is None else len(test)},
        "groups": groups,
        "target_summary": target_info,
        "target_sentences": target_sentences(target_info, target, task, metric),
        "missing": {c: round(float(v), 4) for c, v in missing["train"].items() if v > 0},
        "missing_test": (
            {c: round(float(v), 4) for c, v in missing["test"].fillna(0).items()}
            if test is not None
            else None
        ),
        "top_features": ranked.head(15).to_dict("records"),
        "numeric_plots": numeric,
        "numeric_sentences": []
        if by_target is None
        else numeric_sentences(by_target, target, task),
        "categorical_plots": categorical,
        "level_sentences": levels,
        "drift": None if shifted is None else shifted.head(15).to_dict("records"),
        "adversarial_auc": auc,
        "adversarial_sentence": adversarial_sentence(
            auc, [] if shifted is None else list(shifted["feature"]), test is not None
        ),
        "train_only": train_only,
        "text": texts,
        "dates": dates,
        "high_cardinality": sorted(many),
    }


def missing_sentence(missing: dict[str, float], rows_name: str = "rows") -> str:
    """The columns with gaps, largest first, as one sentence."""
    if not missing:
        return "No feature has missing values."
    parts = [
        f"{c} is missing for {percent(v)} of {rows_name}" for c, v in list(missing.items())[:4]
    ]
    more = len(missing) - len(parts)
    tail = f"; {more} more column{'s have' if more > 1 else ' has'} gaps" if more > 0 else ""
    return "; ".join(parts) + tail + "."


def findings(summary: dict) -> list[str]:
    """The handful of facts a reader should take away, computed from the summary."""
    out = list(summary["target_sentences"])
    out.append(missing_sentence(summary["missing"]))
    top = summary["top_features"][:3]
    if top:
        names = ", ".join(f"{t['feature']} ({t['association']:.3f})" for t in top)
        out.append(
            f"The features most associated with {summary['target']} are {names} "
            "(mutual information)."
        )
    if summary["adversarial_auc"] is not None:
        out.append(summary["adversarial_sentence"])
    for column, info in summary["dates"].items():
        if info["test_after"]:
            out.append(
                f"Test rows start after the last training date in {column}: the split is by time."
            )
    out.extend(summary["level_sentences"][:1])
    for column in summary["high_cardinality"]:
        out.append(
            f"{column} has more than {HIGH_CARDINALITY} distinct values, too many to learn one by "
            "one."
        )
    return out


def next_steps(summary: dict) -> list[str]:
    """What to try beyond the baseline, each idea once and each drawn from this data.

    The baseline already imputes gaps (flagging them for the linear model), one-hot encodes or
    passes native categoricals with rare levels merged, tokenises free text, splits dates into
    calendar parts, stratifies classification folds and tries log1p on a skewed target, so none
    of that is suggested again. This list is the only source of the README's "What to try next".
    """
    steps = []
    gappy = [f"{c} ({percent(v)})" for c, v in summary["missing"].items() if v >= MANY_MISSING]
    if gappy:
        steps.append(
            f"Many values are missing in {names(gappy)}. The baseline imputes them and flags the "
            "gaps for the linear model; try imputing from related columns (a model or group "
            "medians) and a count of missing values per row."
        )
    info, task = summary["target_summary"], summary["task"]
    if task != "regression" and info["minority_share"] < IMBALANCED:
        label = METRICS[summary["metric"]].label if summary["metric"] in METRICS else "the metric"
        steps.append(
            f"The rarest class, {info['minority']}, is {percent(info['minority_share'])} of the "
            "rows and the folds are already stratified: try class weights or a decision threshold "
            f"tuned on the out-of-fold predictions, and read average precision next to {label}."
        )
    many = summary["high_cardinality"]
    if many:
        steps.append(
            f"{names(many)} {'has' if len(many) == 1 else 'have'} more than {HIGH_CARDINALITY} "
            "levels. Beyond the baseline's one-hot / native categoricals (rare levels merged, "
            "frequent word tokens), try target encoding within the folds or grouping levels by "
            "domain knowledge."
        )
    unused = set(summary.get("train_only") or [])
    text = [c for c in summary["groups"]["text"] if c not in unused]
    if text:
        steps.append(
            f"The baseline already tokenises {names(text)} (frequent-word indicators, length, word "
            "count); try TF-IDF n-grams, or domain features such as titles, prefixes and codes."
        )
    if unused:
        ordered = [c for cols in summary["groups"].values() for c in cols if c in unused]
        one = len(ordered) == 1
        them = "it" if one else "them"
        steps.append(
            f"{names(ordered)} {'is' if one else 'are'} in train only, so no model uses {them}: "
            f"check whether {them} leak{'s' if one else ''} the target, and whether a proxy can be "
            "built from columns test has."
        )
    timed = [c for c, d in summary["dates"].items() if d["test_after"]]
    if timed:
        steps.append(
            f"Test starts after train ends in {timed[0]}: set cv.time_column: {timed[0]} in "
            "config.yaml so every fold validates on later rows than it trains on, then add lags "
            "or rolling statistics."
        )
    elif summary["groups"]["datetime"]:
        steps.append(
            f"The baseline splits {names(summary['groups']['datetime'])} into calendar parts and a "
            "day count; try lags, rolling statistics, time since an event or holiday flags."
        )
    auc = summary["adversarial_auc"]
    if auc is not None and auc >= SHIFTED_AUC:
        drifting = [d["feature"] for d in (summary.get("drift") or [])[:3]]
        worst = f" (most shifted: {names(drifting)})" if drifting else ""
        steps.append(
            f"A classifier tells test rows from train rows with AUC {auc:.2f}: validate on the "
            "training rows most like test before trusting small CV gains, and try dropping the "
            f"features that drift most{worst}."
        )
    top = [t["feature"] for t in summary["top_features"][:2]]
    if top:
        steps.append(
            f"Engineer features around the strongest signals, {names(top)} (interactions, ratios, "
            "bins), then run `make train` to compare."
        )
    return steps


def eda_json(summary: dict, figures: list[str]) -> dict:
    """The contract's ``reports/eda.json``: findings, next steps and the key numbers."""
    return {
        "findings": findings(summary),
        "next_steps": next_steps(summary),
        "adversarial_auc": summary["adversarial_auc"],
        "missing": summary["missing"],
        "top_features": summary["top_features"],
        "figures": figures,
    }


def save_figure(fig, cfg: Config, name: str) -> Path:
    """Save a notebook figure as ``reports/figures/eda-<name>.png`` for the README to reuse."""
    cfg.layout.figures.mkdir(parents=True, exist_ok=True)
    path = cfg.layout.figures / f"eda-{name}.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def run(cfg: Config, *, force: bool = False) -> None:
    """Build the notebook for this dataset, execute it, write eda.json, and export HTML last.

    ``reports/eda.html`` is make's target for this stage, so it is written after the notebook and
    eda.json: an interrupted run leaves it stale and make runs the stage again. ``force`` is
    accepted for the uniform command line; make decides when this stage is stale, so it always
    rewrites its outputs.
    """
    from .dataset import load_schema, load_test, load_train
    from .notebook import build, execute, export_html

    started = time.perf_counter()
    schema, train, test = load_schema(cfg), load_train(cfg), load_test(cfg)
    print(
        f"Summarising {len(train):,} train rows"
        + (f" and {len(test):,} test rows" if test is not None else "")
        + " ...",
        flush=True,
    )
    summary = summarise(schema, train, test, cfg.metric, cfg.cv_seed)
    notebook = build(cfg, schema, summary)
    for stale in cfg.layout.figures.glob("eda-*.png"):
        stale.unlink()
    execute(notebook, cfg)
    figures = sorted(str(p.relative_to(cfg.root)) for p in cfg.layout.figures.glob("eda-*.png"))
    write_json(cfg.layout.eda_summary, eda_json(summary, figures), default=str)
    html = export_html(notebook, cfg)
    print(
        f"Wrote {cfg.layout.eda_notebook.relative_to(cfg.root)}, {html.relative_to(cfg.root)} and "
        f"{cfg.layout.eda_summary.relative_to(cfg.root)} in {time.perf_counter() - started:.1f} s."
    )
