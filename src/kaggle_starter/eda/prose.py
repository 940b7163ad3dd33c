"""The EDA's sentences: what the numbers of :mod:`.analysis` mean, written for a reader.

Findings state facts; next steps are ideas drawn from this data, each a small rule in
:data:`NEXT_STEP_RULES` that returns a sentence or nothing, so adding an idea is adding a rule.
"""

import pandas as pd

from .. import owner
from ..metrics import get_metric, metric_label
from ..modeling.preprocessing import HIGH_CARDINALITY, SENTENCE_WORDS
from ..shift import ADVERSARIAL_AUC, Adversarial
from ..text import amount, count, names, percent, row_count

HIDDEN_GAPS = ("placeholder_values", "sentinel_numbers")  # audit checks of values meaning "none"
FIXES_NAMED = 3  # audit findings a next step names
MANY_MISSING = 0.3  # columns missing at least this share get a next step of their own
IMBALANCED = 0.2  # minority-class share below which the classes count as imbalanced
TEST_GAP_MARGIN = 0.2  # share points more missing in test than in train that earn a sentence
# Below this adversarial AUC test looks like train; from it up to the monitor's alarm
# (shift.ADVERSARIAL_AUC) it differs somewhat, which is worth a word on validation.
SOMEWHAT_DIFFERENT = 0.6


def target_sentences(summary: dict, target: str, task: str, metric: str) -> list[str]:
    """What the target looks like and what that means for the metric, in plain sentences."""
    label = metric_label(metric, task)
    spec = get_metric(metric, task)
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
        elif spec.needs_proba:
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
                f"{label} scores on that log scale, so model log1p of the target."
                if spec.log_scale
                else f"modelling log1p of the target can help even though {label} is "
                "computed on the original scale."
            )
        )
    elif spec.log_scale:
        sentences.append(
            f"{label} scores errors on the log scale: relative errors count, not size."
        )
    elif metric == "rmse":
        sentences.append("RMSE squares errors, so the largest targets weigh most.")
    return sentences


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


def adversarial_sentence(adversarial: Adversarial | None, shifted: list[str]) -> str:
    """What the adversarial AUC implies for validation, or why there is none.

    ``adversarial`` is None without a test table; its AUC is None for a tiny table, and the
    reader should learn which. The line between "alike" and "different" is
    :data:`..shift.ADVERSARIAL_AUC`, where the monitor raises its alarm too.
    """
    if adversarial is None:
        return "There is no test table, so train-versus-test shift could not be checked."
    auc = adversarial.auc
    if auc is None:
        return f"Train-versus-test shift could not be checked: {adversarial.reason}."
    if auc < SOMEWHAT_DIFFERENT:
        return (
            f"A classifier tells test rows from train rows with AUC {auc:.2f}, below "
            f"{SOMEWHAT_DIFFERENT}: test looks like train, so shuffled cross-validation should "
            "estimate the leaderboard well."
        )
    worst = ", ".join(shifted[:3])
    if auc < ADVERSARIAL_AUC:
        shown = f" (most shifted: {worst})" if worst else ""
        return (
            f"A classifier tells test rows from train rows with AUC {auc:.2f}: test differs "
            f"somewhat from train{shown}, below the monitor's alarm at {ADVERSARIAL_AUC}. "
            "Shuffled cross-validation may run a little optimistic; compare it with the "
            "leaderboard before trusting small gains."
        )
    return (
        f"A classifier tells test rows from train rows with AUC {auc:.2f}: test differs from "
        f"train (most shifted: {worst}). Validate on the rows most like test (e.g. by time or "
        "group) and treat features that shift with care."
    )


def missing_sentence(missing: dict[str, float], rows_name: str = "rows") -> str:
    """The columns with gaps, largest first, as one sentence."""
    if not missing:
        return (
            "No feature has missing values"
            + ("" if rows_name == "rows" else f" in the {rows_name}")
            + "."
        )
    parts = [
        f"{c} is missing for {percent(v)} of {rows_name}" for c, v in list(missing.items())[:4]
    ]
    more = len(missing) - len(parts)
    tail = f"; {more} more column{'s have' if more > 1 else ' has'} gaps" if more > 0 else ""
    return "; ".join(parts) + tail + "."


def gaps_in_test_sentence(summary: dict) -> str | None:
    """Columns far more often missing in the test rows than in train, as one sentence.

    The model learned from rows that mostly had them, so on test it leans on the other columns;
    the training rows' missing counts cannot show this.
    """
    train, test = summary["missing"], summary.get("missing_test") or {}
    gaps = {c: v for c, v in test.items() if v - train.get(c, 0.0) >= TEST_GAP_MARGIN}
    if not gaps:
        return None
    worst = sorted(gaps, key=lambda c: -gaps[c])[:3]
    parts = [f"{c} for {percent(gaps[c])} ({percent(train.get(c, 0.0))} in train)" for c in worst]
    return (
        f"In the test rows, far more is missing: {'; '.join(parts)}. The model learned from rows "
        "that had these columns, so on test it leans on the others."
    )


def disguised_sentence(summary: dict) -> str | None:
    """Missing values stored as data ("?", -999), which the missing counts cannot see."""
    hidden = [f for f in summary.get("quality") or [] if f["check"] in HIDDEN_GAPS]
    columns = list(dict.fromkeys(c for f in hidden for c in f["columns"]))
    if not columns:
        return None
    rows = sum(n for f in hidden for n in f["counts"].values())
    return (
        f"Values that mean 'missing' are stored as data in {names(columns)} "
        f"({count(rows, 'value')}), hidden from the missing counts: see Data quality."
    )


def findings(summary: dict) -> list[str]:
    """The handful of facts a reader should take away, computed from the summary."""
    out = list(summary["target_sentences"])
    rows = "rows" if summary.get("missing_test") is None else "training rows"
    out.append(missing_sentence(summary["missing"], rows))
    for extra in (gaps_in_test_sentence(summary), disguised_sentence(summary)):
        if extra:
            out.append(extra)
    top = _usable_top(summary, 3)
    if top:
        ranked = ", ".join(f"{t['feature']} ({t['association']:.3f})" for t in top)
        out.append(
            f"The features most associated with {summary['target']} are {ranked} "
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


def _cleaning(summary: dict) -> str | None:
    """The audit's fixes worth applying, by name: cleaning comes before any new feature."""
    fixable = [f for f in summary.get("quality") or [] if f["fix"] and f["severity"] != "low"]
    if not fixable:
        return None
    named = "; ".join(f"{f['title']} in {names(f['columns'])}" for f in fixable[:FIXES_NAMED])
    return (
        f"Paste the audit's fixes into clean() in {owner.current().label()}: {named}. The code "
        "is in the EDA notebook's Data quality section; `make train` then shows in the run "
        "history whether they helped."
    )


def _revealed(summary: dict) -> str | None:
    """Features the audit's relations reveal: a rule's total, a part's share of its total, the
    time between two dates. They are suggestions, so the step says how to keep only what helps."""
    revealed = [f for f in summary.get("quality") or [] if f.get("feature")]
    if not revealed:
        return None
    named = "; ".join(
        f"{f['title'][0].lower()}{f['title'][1:]} ({names(f['columns'], most=3)})"
        for f in revealed[:FIXES_NAMED]
    )
    return (
        f"The audit found relations that make features: {named}. data_quality.json holds them "
        f"as an add_features() to paste into {owner.current().label()}; add them one at a time "
        'with `NOTE="..." make train` and keep those the run history shows helping.'
    )


def _explained(summary: dict) -> set[str]:
    """Columns the audit found missing where a related amount is 0: their gaps mean "none"."""
    found = summary.get("quality") or []
    return {c for f in found if f["check"] == "missing_means_none" for c in f["columns"]}


def _usable_top(summary: dict, n: int) -> list[dict]:
    """The ``n`` features most associated with the target among those a model may read (a
    column only train has, often an outcome recorded later, tops the ranking and is unusable)."""
    unused = _unused(summary)
    return [t for t in summary["top_features"] if t["feature"] not in unused][:n]


def _unused(summary: dict) -> set[str]:
    """The columns only train has: no model reads them, so no advice should name them."""
    return set(summary.get("train_only") or [])


def _gaps(summary: dict) -> str | None:
    explained, unused = _explained(summary), _unused(summary)
    gappy = [
        f"{c} ({percent(v)})"
        for c, v in summary["missing"].items()
        if v >= MANY_MISSING and c not in explained and c not in unused
    ]
    if not gappy:
        return None
    return (
        f"Many values are missing in {names(gappy)}. The baseline imputes them and flags the "
        "gaps for the linear model; try imputing from related columns (a model or group "
        "medians) and a count of missing values per row."
    )


def _imbalance(summary: dict) -> str | None:
    info = summary["target_summary"]
    if summary["task"] == "regression" or info["minority_share"] >= IMBALANCED:
        return None
    label = metric_label(summary["metric"], summary["task"])
    return (
        f"The rarest class, {info['minority']}, is {percent(info['minority_share'])} of the "
        "rows and the folds are already stratified: try class weights or a decision threshold "
        f"tuned on the out-of-fold predictions, and read average precision next to {label}."
    )


def _many_levels(summary: dict) -> str | None:
    many = summary["high_cardinality"]
    if not many:
        return None
    return (
        f"{names(many)} {'has' if len(many) == 1 else 'have'} more than {HIGH_CARDINALITY} "
        "levels. Beyond the baseline's one-hot / native categoricals (rare levels merged, "
        "frequent word tokens), try target encoding within the folds or grouping levels by "
        "domain knowledge."
    )


def _text(summary: dict) -> str | None:
    unused = _unused(summary)
    text = [c for c in summary["groups"]["text"] if c not in unused]
    if not text:
        return None
    words = {c: (summary.get("text") or {}).get(c, {}).get("mean_words", 0) for c in text}
    prose = [c for c in text if words[c] >= SENTENCE_WORDS]
    short = [c for c in text if c not in prose]
    said = []
    if prose:
        said.append(
            f"The baseline reads {names(prose)} as TF-IDF word and character n-grams in the "
            "linear model and as the stacked text model's out-of-fold score in the boosters; "
            "try tuning its penalty (`make tune`), or a pretrained sentence encoder in extend.py."
        )
    if short:
        said.append(
            f"The baseline tokenises {names(short)} (frequent-word indicators, length, word "
            "count); try domain features such as titles, prefixes and codes."
        )
    return " ".join(said)


def _train_only(summary: dict) -> str | None:
    unused = _unused(summary)
    if not unused:
        return None
    ordered = [c for cols in summary["groups"].values() for c in cols if c in unused]
    one = len(ordered) == 1
    them = "it" if one else "them"
    return (
        f"{names(ordered)} {'is' if one else 'are'} in train only, so no model uses {them}: "
        f"check whether {them} leak{'s' if one else ''} the target, and whether a proxy can be "
        "built from columns test has."
    )


def _dates(summary: dict) -> str | None:
    timed = [c for c, d in summary["dates"].items() if d["test_after"]]
    if timed:
        return (
            f"Test starts after train ends in {timed[0]}: set cv.time_column: {timed[0]} in "
            "config.yaml so every fold validates on later rows than it trains on, then add lags "
            "or rolling statistics."
        )
    if summary["groups"]["datetime"]:
        return (
            f"The baseline splits {names(summary['groups']['datetime'])} into calendar parts and "
            "a day count; try lags, rolling statistics, time since an event or holiday flags."
        )
    return None


def _shift(summary: dict) -> str | None:
    auc = summary["adversarial_auc"]
    if auc is None or auc < ADVERSARIAL_AUC:
        return None
    drifting = [d["feature"] for d in (summary.get("drift") or [])[:3]]
    worst = f" (most shifted: {names(drifting)})" if drifting else ""
    return (
        f"A classifier tells test rows from train rows with AUC {auc:.2f}: validate on the "
        "training rows most like test before trusting small CV gains, and try dropping the "
        f"features that shift most{worst}."
    )


def _strongest(summary: dict) -> str | None:
    top = [t["feature"] for t in _usable_top(summary, 2)]
    if not top:
        return None
    return (
        f"Engineer features around the strongest signals, {names(top)} (interactions, ratios, "
        f'bins), in add_features() in {owner.current().label()}, then `NOTE="..." make all` '
        "and `make runs` to see whether they helped."
    )


# Each rule reads the summary and returns one idea, or None when the data gives no reason for it.
NEXT_STEP_RULES = (
    _cleaning,
    _revealed,
    _gaps,
    _imbalance,
    _many_levels,
    _text,
    _train_only,
    _dates,
    _shift,
    _strongest,
)


def next_steps(summary: dict) -> list[str]:
    """What to try beyond the baseline, each idea once and each drawn from this data.

    The baseline already imputes gaps (flagging them for the linear model), one-hot encodes or
    passes native categoricals with rare levels merged, tokenises free text, splits dates into
    calendar parts, stratifies classification folds and tries log1p on a skewed target, so none
    of that is suggested again. This list is the only source of the README's "What to try next".
    """
    return [step for rule in NEXT_STEP_RULES if (step := rule(summary))]
