"""The audit's checks: one small function per problem, all listed once in ``CHECKS``.

Each check takes the ``AuditTable`` and returns its findings (usually none or one: a problem
found in several columns reads better as one finding naming them all). Adding a check is one
function and one entry in ``CHECKS``; its name is the finding's ``check`` key.

The rules are the ones a reviewer applies to any table, with thresholds chosen to stay quiet on
clean data: a placeholder must repeat, a sentinel must sit farther from the other values than
they spread, an outlier must be beyond three interquartile ranges on the scale the column is
naturally read on (log for a skewed quantity), a leak must score 0.99 on its own.
"""

import re

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import r2_score

from .findings import SEVERITIES, Finding, count, names, number, percent, plural
from .table import AuditTable, is_quantity

PLACEHOLDERS = frozenset({"?", "", "na", "n/a", "null", "none", "unknown", "-"})
# Values people type for "no value" in a numeric field; only flagged when far from the rest.
SENTINELS = (-1, -9, -99, -999, -9999, -99999, 99, 999, 9999, 99999, 999999)
MIN_ROWS = 5  # fewer rows than this is an anecdote, not a pattern
NONE_OVERLAP = 0.95  # missing-here vs zero-there agreement (Jaccard) that reads as "none"
MOSTLY_MISSING = 0.5
QUASI_CONSTANT = 0.99
ONE_TO_ONE_MAX_LEVELS = 1_000
PERFECT_CORRELATION = 0.999
SAME_SIGN = 0.995  # non-negative in this share of rows: the few negatives look impossible
IQR_FENCE = 3.0
MIN_DISTINCT = 20  # a quantity with fewer distinct values is a code or a count, not a spread
SKEWED = 1.0  # |skewness| read as "skewed"
VERY_SKEWED = 2.0
ZERO_INFLATED = 0.5
LEAK_SCORE = 0.99
LEAK_BINS = 100  # quantile bins that turn a numeric column into a mapping to the target
FOLDS = 5
ORDER_BLOCKS = 10
ORDER_P = 1e-3
ORDER_EFFECT = 0.1  # Cramér's V (classes) or epsilon² x 10 (quantities) worth a sentence
RANGE_MARGIN = 0.1  # beyond train's range by this share of it is "far outside"
MISSING_SHIFT = 0.10
RARE_SHARE, RARE_ROWS = 0.01, 10
IMBALANCED = 0.10
TEXT_LEVELS = 10_000  # most frequent levels parsed per text column; the rest are too rare to matter
NUMBER_TEXT = re.compile(r"[,$€£%\s]")


def _levels_text(levels: pd.Series) -> pd.Series:
    """The string levels of a text column (counts indexed by level), others left out."""
    levels = levels.head(TEXT_LEVELS)
    is_str = np.fromiter((isinstance(v, str) for v in levels.index), bool, len(levels))
    return levels[is_str]


def _code_lines(lines: list[str]) -> str | None:
    return "\n".join(lines) if lines else None


# 1. Disguised missing values ---------------------------------------------------------------


def placeholder_values(table: AuditTable) -> list[Finding]:
    """Strings that mean "no value" ("?", "N/A", blank) hide missing data from every imputer."""
    found: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    for column in table.text:
        levels = _levels_text(table.levels(column))
        keys = levels.index.str.strip().str.lower()
        hit = levels[keys.isin(PLACEHOLDERS)]
        hit = hit.drop(_none_levels(table, column, hit.index))
        if hit.sum() >= 2:  # a real placeholder repeats; one odd value is a typo
            found[column] = list(hit.index)
            # a key-like column's levels come from the sample: count the rows exactly
            exact = table.is_id_like(column)
            rows[column] = int(
                table.train[column].isin(found[column]).sum() if exact else hit.sum()
            )
    if not found:
        return []
    detail = "; ".join(
        f"{c} {', '.join(repr(v) for v in found[c])} in {percent(rows[c] / table.n_rows)}"
        for c in found
    )
    fix = [f"frame[{c!r}] = frame[{c!r}].mask(frame[{c!r}].isin({found[c]!r}))" for c in found]
    return [
        Finding(
            check="placeholder_values",
            title="Placeholder strings hide missing values",
            columns=list(found),
            counts=rows,
            message=f"Text that means 'no value' is stored as a category: {detail}. "
            "Models treat it as a real level; mark it missing so imputers and trees see a gap.",
            fix=_code_lines(fix),
            severity="high",
        )
    ]


def _none_levels(table: AuditTable, column: str, levels: pd.Index) -> list[str]:
    """Levels spelled "none" that sit exactly where a related amount is 0: a real category
    (no pool, so pool quality "None"), as the fix for missing-means-none writes it."""
    nones = [v for v in levels if v.strip().lower() == "none"]
    if not nones:
        return []
    rows = table.train[column].isin(nones).to_numpy()
    return nones if _zero_partner(table, rows, column) is not None else []


def _sentinels(table: AuditTable, column: str) -> dict[float, int]:
    """Sentinel values of a numeric column, with their row counts, by the "far outside" rule."""
    key = ("sentinels", column)
    if key not in table.memo:
        table.memo[key] = _find_sentinels(table.values(column))
    return table.memo[key]


def _find_sentinels(values: np.ndarray) -> dict[float, int]:
    present = values[~np.isnan(values)]
    if present.size < 3:
        return {}
    low, high = present.min(), present.max()
    found = {}
    for value in (v for v in SENTINELS if low <= v <= high):
        n = int((present == value).sum())
        if n < 2:
            continue
        rest = present[present != value]
        if rest.size == 0 or np.unique(rest[:1000]).size < 3:
            continue
        rest_low, rest_high = rest.min(), rest.max()
        below = value < 0 <= rest_low
        above = value > rest_high and value - rest_high > rest_high - rest_low
        if below or above:
            found[float(value)] = n
    return found


def sentinel_numbers(table: AuditTable) -> list[Finding]:
    """Codes like -1 or 999 typed for "unknown" look like real, extreme measurements."""
    found = {c: s for c in table.numeric if (s := _sentinels(table, c))}
    if not found:
        return []
    detail = "; ".join(
        f"{c} = {', '.join(number(v) for v in s)} ({plural(sum(s.values()), 'row')})"
        for c, s in found.items()
    )
    fix = [
        f"frame[{c!r}] = frame[{c!r}].mask(frame[{c!r}].isin({[_plain_number(v) for v in s]!r}))"
        for c, s in found.items()
    ]
    return [
        Finding(
            check="sentinel_numbers",
            title="Sentinel numbers stand for missing values",
            columns=list(found),
            counts={c: sum(s.values()) for c, s in found.items()},
            message=f"Repeated values far outside the rest of their column: {detail}. "
            "They read as codes for 'unknown'; left in, they bend every fit on these columns.",
            fix=_code_lines(fix),
            severity="high",
        )
    ]


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


# 2. Missing that means "none" ----------------------------------------------------------------


def _none_pairs(table: AuditTable) -> dict[str, tuple[str, int]]:
    """Column -> (numeric partner, rows) where the column is missing almost exactly where the
    partner is 0: the data's way of saying "there is none" (no garage, so no garage quality)."""
    if "none_pairs" not in table.memo:
        table.memo["none_pairs"] = _find_none_pairs(table)
    return table.memo["none_pairs"]


def _zero_columns(table: AuditTable) -> dict[str, np.ndarray]:
    """Numeric column -> where it is 0, for the columns with enough zeros to explain gaps."""
    if "zero_columns" not in table.memo:
        zeros = {}
        for column in table.numeric:
            is_zero = table.values(column) == 0
            if is_zero.sum() >= MIN_ROWS:
                zeros[column] = is_zero
        table.memo["zero_columns"] = zeros
    return table.memo["zero_columns"]


def _zero_partner(table: AuditTable, rows: np.ndarray, column: str) -> str | None:
    """The numeric column that is 0 almost exactly on ``rows`` (Jaccard >= NONE_OVERLAP)."""
    count_rows = int(rows.sum())
    best = (NONE_OVERLAP, None)
    for partner, is_zero in _zero_columns(table).items():
        size = int(is_zero.sum())
        if partner == column or min(size, count_rows) < NONE_OVERLAP * max(size, count_rows):
            continue
        overlap = (rows & is_zero).sum() / (rows | is_zero).sum()
        if overlap >= best[0]:
            best = (overlap, partner)
    return best[1]


def _find_none_pairs(table: AuditTable) -> dict[str, tuple[str, int]]:
    pairs = {}
    for column in table.features:
        missing_count = table.n_missing[column]
        if missing_count < MIN_ROWS or missing_count == table.n_rows:
            continue
        partner = _zero_partner(table, table.train[column].isna().to_numpy(), column)
        if partner is not None:
            pairs[column] = (partner, missing_count)
    return pairs


def _fill_level(table: AuditTable, column: str, level: str, where: str | None = None) -> str:
    """Code that puts a new level into the gaps of a column (only ``where`` holds, if given).

    A pandas category column refuses values outside its categories, so the level is added
    first there.
    """
    series = f"frame[{column!r}]"
    if isinstance(table.train[column].dtype, pd.CategoricalDtype):
        series += f".cat.add_categories([{level!r}])"
    if where is None:
        return f"frame[{column!r}] = {series}.fillna({level!r})"
    return f"frame[{column!r}] = {series}.mask({where}, {level!r})"


def missing_means_none(table: AuditTable) -> list[Finding]:
    """A category missing exactly where a related amount is 0 means "none", not "unknown"."""
    pairs = _none_pairs(table)
    if not pairs:
        return []
    by_partner: dict[str, list[str]] = {}
    for column, (partner, _) in pairs.items():
        by_partner.setdefault(partner, []).append(column)
    detail = "; ".join(
        f"{names(cols)} where {partner} is 0 ({plural(table.n_missing[cols[0]], 'row')})"
        for partner, cols in by_partner.items()
    )
    categorical = [c for c in pairs if c in table.text]
    numeric = [c for c in pairs if c not in table.text]
    message = (
        f"Missing exactly where a related amount is 0: {detail}. "
        "Missing here means 'none': a 'None' level keeps that, imputing a common value invents "
        "it. The few gaps where the amount is not 0 are truly unknown and stay missing."
    )
    if numeric:
        verb = "is a number" if len(numeric) == 1 else "are numbers"
        message += f" {names(numeric)} {verb}, not a category: leave the gaps to the model."
    fix = [
        _fill_level(table, c, "None", where=f"frame[{c!r}].isna() & frame[{pairs[c][0]!r}].eq(0)")
        for c in categorical
    ]
    return [
        Finding(
            check="missing_means_none",
            title="Missing means 'none'",
            columns=list(pairs),
            counts={c: rows for c, (_, rows) in pairs.items()},
            message=message,
            fix=_code_lines(fix),
            severity="medium",
        )
    ]


def mostly_missing(table: AuditTable) -> list[Finding]:
    """A category missing in most rows usually records an absence; a level keeps it."""
    paired = _none_pairs(table)
    shares = {
        c: table.n_missing[c] / table.n_rows
        for c in table.text
        if c not in paired and table.n_missing[c] >= MOSTLY_MISSING * table.n_rows
    }
    shares = {c: s for c, s in shares.items() if s < 1}
    if not shares:
        return []
    detail = ", ".join(f"{c} ({percent(s)})" for c, s in shares.items())
    return [
        Finding(
            check="mostly_missing",
            title="Categories missing in most rows",
            columns=list(shares),
            counts={c: table.n_missing[c] for c in shares},
            message=f"Missing in most rows: {detail}. If missing means 'none' or 'not recorded', "
            "a 'Missing' level keeps that signal; imputing the most common level would erase it.",
            fix=_code_lines([_fill_level(table, c, "Missing") for c in shares]),
            severity="low",
        )
    ]


# 3. Duplicates -------------------------------------------------------------------------------


def _coarse(table: AuditTable) -> bool:
    """Few distinct feature rows: repeats are then expected, not a data problem."""
    return table.distinct_rows <= 0.2 * table.n_rows


def _row_and_target(table: AuditTable) -> np.ndarray:
    """One hash per row of features and target together (the features alone without one)."""
    if table.target_hash is None:
        return table.row_hash
    return table.row_hash ^ (table.target_hash * np.uint64(0x9E3779B97F4A7C15))


def duplicate_rows(table: AuditTable) -> list[Finding]:
    """Copies of a row in train and validation folds make the CV score optimistic."""
    if not table.features or _coarse(table):
        return []
    repeats = int(pd.Series(_row_and_target(table)).duplicated().sum())
    if repeats == 0:
        return []
    return [
        Finding(
            check="duplicate_rows",
            title="Repeated rows",
            columns=[],
            counts={"rows": repeats},
            message=f"{plural(repeats, 'row')} ({percent(repeats / table.n_rows)}) repeat an "
            "earlier row in every column (id ignored). A copy in both a training and a "
            "validation fold flatters the CV score. clean() also runs on test rows, so it "
            "cannot drop rows: treat the CV score with care, or group the copies in one fold.",
            fix=None,
            severity="medium",
        )
    ]


def conflicting_labels(table: AuditTable) -> list[Finding]:
    """Identical features with different targets: label noise no model can fit."""
    if table.y is None or not table.features or _coarse(table):
        return []
    if table.n_rows - table.distinct_rows == 0:
        return []  # no repeated feature rows, so no conflicts
    first = ~pd.Series(_row_and_target(table)).duplicated().to_numpy()
    distinct_pairs = pd.Series(table.row_hash[first])
    conflicted = distinct_pairs[distinct_pairs.duplicated()].unique()
    if conflicted.size == 0:
        return []
    rows = int(pd.Series(table.row_hash).isin(conflicted).sum())
    return [
        Finding(
            check="conflicting_labels",
            title="Same features, different target",
            columns=[table.target],
            counts={"groups": conflicted.size, "rows": rows},
            message=f"{plural(conflicted.size, 'group')} of identical feature rows "
            f"({plural(rows, 'row')}) have different {table.target} values. That is label "
            "noise or a missing feature: no model can score perfectly on these rows.",
            fix=None,
            severity="medium",
        )
    ]


# 4. Redundant and useless columns -----------------------------------------------------------


def _top_share(table: AuditTable, column: str) -> tuple[float, object]:
    """Share of the most common value (missing counts as a value) and that value."""
    missing = table.n_missing[column]
    if column in table.numeric:
        values = table.values(column)
        present = values[~np.isnan(values)]
        top_value = float(np.median(present)) if present.size else np.nan
        top = int((present == top_value).sum())
    else:
        levels = table.levels(column)
        top, top_value = (int(levels.iloc[0]), levels.index[0]) if len(levels) else (0, np.nan)
    if missing >= top:
        return missing / table.n_rows, "missing"
    return top / table.n_rows, top_value


def constant_columns(table: AuditTable) -> list[Finding]:
    """One value in (nearly) every row: nothing for a model to learn from."""
    shares = {}
    for column in table.features:
        if table.sample_unique[column] > 2 * MIN_ROWS:
            continue  # many distinct values in the sample: cannot be 99% one value
        share, value = _top_share(table, column)
        if share >= QUASI_CONSTANT:
            shares[column] = (share, value)
    if not shares:
        return []
    detail = ", ".join(
        f"{c} ({percent(s)} {v if v == 'missing' else repr(v)})" for c, (s, v) in shares.items()
    )
    return [
        Finding(
            check="constant_columns",
            title="Constant or almost constant columns",
            columns=list(shares),
            counts={c: round(s, 4) for c, (s, _) in shares.items()},
            message=f"One value fills at least {percent(QUASI_CONSTANT)} of rows: {detail}. "
            "They separate too few rows to learn from; drop them unless the rare value matters.",
            fix=f"frame = frame.drop(columns={list(shares)!r})",
            severity="low",
        )
    ]


def _codes(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Integer codes of a column's values, missing as a value of its own."""
    return pd.factorize(frame[column], use_na_sentinel=True)[0].astype(np.int64) + 1


def _one_to_one(a: np.ndarray, b: np.ndarray) -> bool:
    """Each value of a goes with exactly one value of b, and back."""
    pairs = pd.unique(a * (b.max() + 1) + b).size
    return pairs == pd.unique(a).size == pd.unique(b).size


def _one_to_one_pairs(table: AuditTable) -> list[tuple[str, str]]:
    """Column pairs that are the same information twice (a code and its label, say)."""
    candidates = [
        c
        for c in table.features
        if 2 <= table.sample_unique[c] <= ONE_TO_ONE_MAX_LEVELS and not table.is_id_like(c)
    ]
    sample = {c: _codes(table.sample, c) for c in candidates}
    pairs, seen = [], set()
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            if b in seen or table.sample_unique[a] != table.sample_unique[b]:
                continue
            if _one_to_one(sample[a], sample[b]) and _one_to_one(
                table.codes(a)[0] + 1, table.codes(b)[0] + 1
            ):
                pairs.append((a, b))
                seen.add(b)
    return pairs


def one_to_one_columns(table: AuditTable) -> list[Finding]:
    """Two columns that map one-to-one carry the same information twice."""
    pairs = _one_to_one_pairs(table)
    if not pairs:
        return []
    detail = ", ".join(f"{a} ↔ {b}" for a, b in pairs)
    return [
        Finding(
            check="one_to_one_columns",
            title="Columns that say the same thing",
            columns=[c for pair in pairs for c in pair],
            counts={b: table.sample_unique[b] for _, b in pairs},
            message=f"Each value of one column goes with exactly one value of the other: "
            f"{detail}. Keep one of each pair (a number keeps the order, a label reads better).",
            fix=f"frame = frame.drop(columns={[b for _, b in pairs]!r})",
            severity="low",
        )
    ]


def correlated_columns(table: AuditTable) -> list[Finding]:
    """Numeric columns correlated at |r| >= 0.999 are one measurement twice."""
    columns = [c for c in table.numeric if table.sample_unique[c] >= MIN_DISTINCT]
    if len(columns) < 2:
        return []
    matrix = table.sample[columns].astype("float64").corr().abs().to_numpy()
    pairs, dropped = [], set()
    for i, j in zip(*np.nonzero(np.triu(matrix >= PERFECT_CORRELATION, k=1)), strict=True):
        a, b = columns[i], columns[j]
        if b not in dropped:
            pairs.append((a, b, matrix[i, j]))
            dropped.add(b)
    if not pairs:
        return []
    detail = ", ".join(f"{a} ~ {b} (|r| = {r:.4f})" for a, b, r in pairs)
    return [
        Finding(
            check="correlated_columns",
            title="Perfectly correlated numbers",
            columns=[c for a, b, _ in pairs for c in (a, b)],
            counts={f"{a} ~ {b}": r for a, b, r in pairs},
            message=f"Numeric columns that are one measurement twice: {detail}. Linear models "
            "split the weight between them unstably; keep one of each pair.",
            fix=f"frame = frame.drop(columns={[b for _, b, _ in pairs]!r})",
            severity="low",
        )
    ]


# 5. Inconsistent categories -----------------------------------------------------------------


def _spelling_groups(levels: pd.Series) -> list[list[str]]:
    """Levels equal once case, spaces and punctuation are ignored, most frequent first."""
    levels = _levels_text(levels)
    numeric = pd.to_numeric(levels.index, errors="coerce").notna()
    levels = levels[~numeric]  # "1.5" and "15" must not merge
    keys = levels.index.str.lower().str.replace(r"[\W_]+", "", regex=True)
    spellings = pd.Series(levels.index, index=keys)
    spellings = spellings[spellings.index != ""]  # all punctuation: a placeholder, not a word
    groups = spellings.groupby(level=0, sort=False)
    return [list(g) for _, g in groups if len(g) > 1]


def inconsistent_levels(table: AuditTable) -> list[Finding]:
    """ "New York", "new york" and "New-York" are one place split into three levels."""
    found: dict[str, list[list[str]]] = {}
    for column in table.text:
        if not table.is_id_like(column) and (groups := _spelling_groups(table.levels(column))):
            found[column] = groups
    if not found:
        return []
    variant_rows = {
        c: int(sum(table.levels(c)[g[1:]].sum() for g in groups)) for c, groups in found.items()
    }
    detail = "; ".join(
        f"{c}: " + ", ".join(" / ".join(repr(v) for v in g) for g in groups[:3])
        for c, groups in found.items()
    )
    fix = [
        f"frame[{c!r}] = frame[{c!r}].replace({ {v: g[0] for g in groups for v in g[1:]}!r})"
        for c, groups in found.items()
    ]
    return [
        Finding(
            check="inconsistent_levels",
            title="One category spelled several ways",
            columns=list(found),
            counts=variant_rows,
            message=f"Levels that differ only in case, spacing or punctuation: {detail}. "
            "Each spelling is learnt separately; map them to the most common one.",
            fix=_code_lines(fix),
            severity="medium",
        )
    ]


def _number_share(levels: pd.Series) -> float:
    """Share of (non-placeholder) rows whose text is a formatted number: "1,234", "$5", "12%"."""
    levels = _levels_text(levels)
    levels = levels[~levels.index.str.strip().str.lower().isin(PLACEHOLDERS)]
    if levels.empty or levels.index.str.match(r"\s*[-+]?0\d").any():
        return 0.0  # leading zeros: a code such as a zip or account number, not a quantity
    parsed = pd.to_numeric(levels.index.str.replace(NUMBER_TEXT, "", regex=True), errors="coerce")
    return float(levels[parsed.notna()].sum() / levels.sum())


def numbers_as_text(table: AuditTable) -> list[Finding]:
    """Numbers with separators, currency or percent signs are read as labels, not amounts."""
    shares = {
        c: s
        for c in table.text
        if not isinstance(table.train[c].dtype, pd.CategoricalDtype)
        and (s := _number_share(table.levels(c))) >= 0.95
    }
    if not shares:
        return []
    pattern = NUMBER_TEXT.pattern
    fix = [
        f"frame[{c!r}] = pd.to_numeric(frame[{c!r}].str.replace({pattern!r}, '', regex=True), "
        "errors='coerce')"
        for c in shares
    ]
    return [
        Finding(
            check="numbers_as_text",
            title="Numbers stored as text",
            columns=list(shares),
            counts={c: round(s, 4) for c, s in shares.items()},
            message=f"{names(list(shares))} hold numbers written as text (separators, currency "
            "or percent signs) in at least 95% of rows. As text each value is its own category; "
            "strip the symbols and convert.",
            fix=_code_lines(fix),
            severity="high",
        )
    ]


def mixed_types(table: AuditTable) -> list[Finding]:
    """Numbers and strings in one column compare and encode inconsistently."""
    found = {}
    for column in table.text:
        if not pd.api.types.is_object_dtype(table.train[column].dtype):
            continue
        values = table.levels(column).head(TEXT_LEVELS).index
        if pd.api.types.infer_dtype(values, skipna=True).startswith("mixed"):
            found[column] = sorted({type(v).__name__ for v in values})
    if not found:
        return []
    detail = "; ".join(f"{c} ({', '.join(t)})" for c, t in found.items())
    fix = [f"frame[{c!r}] = frame[{c!r}].map(str, na_action='ignore')" for c in found]
    return [
        Finding(
            check="mixed_types",
            title="Several types in one column",
            columns=list(found),
            counts={c: len(t) for c, t in found.items()},
            message=f"Values of different Python types share a column: {detail}. 1 and '1' "
            "become different levels and sorting fails; store one type.",
            fix=_code_lines(fix),
            severity="medium",
        )
    ]


# 6. Outliers that matter --------------------------------------------------------------------


def impossible_negatives(table: AuditTable) -> list[Finding]:
    """A quantity that is never negative but for a handful of rows: counts, ages, sizes."""
    found = {}
    for column in table.numeric:
        values = table.values(column)
        negative = values < 0
        n_negative = int(negative.sum())
        present = int((~np.isnan(values)).sum())
        if n_negative == 0 or n_negative > (1 - SAME_SIGN) * present:
            continue
        sentinels = set(_sentinels(table, column))
        if set(np.unique(values[negative])) <= sentinels:
            continue  # already reported as a sentinel
        found[column] = (n_negative, float(values[negative].min()))
    if not found:
        return []
    detail = "; ".join(
        f"{c} ({plural(n, 'row')}, down to {number(low)})" for c, (n, low) in found.items()
    )
    fix = [f"frame[{c!r}] = frame[{c!r}].mask(frame[{c!r}] < 0)" for c in found]
    return [
        Finding(
            check="impossible_negatives",
            title="Negative values in non-negative columns",
            columns=list(found),
            counts={c: n for c, (n, _) in found.items()},
            message=f"Columns non-negative in at least {percent(SAME_SIGN)} of rows have a few "
            f"negatives: {detail}. For a count, age or size they are errors; mark them missing.",
            fix=_code_lines(fix),
            severity="medium",
        )
    ]


def fences(values: np.ndarray, skew: float) -> tuple[float, float, bool] | None:
    """Lower and upper 3 x IQR fences, on the log scale for a skewed positive quantity.

    A zero-inflated column is judged on its non-zero values (its zeros are the inflation, not
    outliers). Returns (low, high, zero_inflated) in the column's units, or None when the
    column has too little spread to judge.
    """
    present = values[~np.isnan(values)]
    zero_inflated = (present == 0).mean() >= 0.25 if present.size else False
    if zero_inflated:
        present = present[present != 0]
    if present.size < MIN_DISTINCT:
        return None
    logged = present.min() >= 0 and skew > SKEWED
    scaled = np.log1p(present) if logged else present
    q1, q3 = np.quantile(scaled, [0.25, 0.75])
    if q3 == q1:
        return None
    low, high = q1 - IQR_FENCE * (q3 - q1), q3 + IQR_FENCE * (q3 - q1)
    if logged:
        # A right-skewed amount is suspicious only at the top: small values of a positive
        # quantity look far apart on the log scale (21 vs 69) without being odd.
        low, high = -np.inf, np.expm1(high)
    return float(low), float(high), bool(zero_inflated)


def _skew(table: AuditTable, column: str) -> float:
    values = table.sample[column].to_numpy(dtype="float64", na_value=np.nan)
    values = values[~np.isnan(values)]
    return float(stats.skew(values)) if values.size > 2 and values.std() > 0 else 0.0


def extreme_values(table: AuditTable) -> list[Finding]:
    """Values beyond 3 x IQR fences: they pull linear fits and squared losses."""
    found = {}
    for column in table.numeric:
        if table.sample_unique[column] < MIN_DISTINCT:
            continue
        values = table.values(column)
        sampled = table.sample[column].to_numpy(dtype="float64", na_value=np.nan)
        limits = fences(sampled, _skew(table, column))  # quartiles of 20,000 rows are plenty
        if limits is None:
            continue
        low, high, zero_inflated = limits
        sentinel = np.zeros(values.shape, dtype=bool)
        for value in _sentinels(table, column):
            sentinel |= values == value
        below = (values < low) & ~sentinel & ~(zero_inflated & (values == 0))
        above = (values > high) & ~sentinel
        if below.any() or above.any():
            found[column] = (int(below.sum()), int(above.sum()), low, high, zero_inflated)
    if not found:
        return []
    return [_extreme_finding(found)]


def _extreme_finding(found: dict) -> Finding:
    detail = "; ".join(
        f"{c} ({count(n_low + n_high)} "
        + (f"outside {number(low)} to {number(high)})" if n_low else f"above {number(high)})")
        for c, (n_low, n_high, low, high, _) in found.items()
    )
    fix = []
    for column, (n_low, n_high, low, high, zero_inflated) in found.items():
        bounds = []
        if n_low and not zero_inflated:
            bounds.append(f"lower={_round_inside(low, up=True)!r}")
        if n_high:
            bounds.append(f"upper={_round_inside(high, up=False)!r}")
        if bounds:
            fix.append(f"frame[{column!r}] = frame[{column!r}].clip({', '.join(bounds)})")
    return Finding(
        check="extreme_values",
        title="Extreme values",
        columns=list(found),
        counts={c: lo + hi for c, (lo, hi, *_) in found.items()},
        message=f"Beyond 3 interquartile ranges (log scale for skewed amounts): {detail}. Trees "
        "barely notice; linear models and squared losses do. Check they are real, else clip.",
        fix=_code_lines(fix),
        severity="low",
    )


def _round_inside(value: float, up: bool) -> float:
    """Four significant digits, rounded toward the inside of the fences, so that a clipped
    value never lands just outside them and the clipped column passes the check."""
    if not value or not np.isfinite(value):
        return float(value)
    digits = 3 - int(np.floor(np.log10(abs(value))))
    rounded = (np.ceil if up else np.floor)(value * 10.0**digits) / 10.0**digits
    return round(float(rounded), digits)  # round() only trims float noise such as ...0004


# 7. Leakage suspects ------------------------------------------------------------------------


def _mapping_codes(values: pd.Series, distinct: int) -> np.ndarray:
    """A column as integer codes: its levels, or quantile bins of a continuous quantity."""
    if not is_quantity(values) or distinct <= LEAK_BINS:
        return pd.factorize(values, use_na_sentinel=True)[0] + 1
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    edges = np.unique(np.nanquantile(numbers, np.linspace(0, 1, LEAK_BINS + 1)))
    codes = np.searchsorted(edges[1:-1], numbers, side="right") + 1
    return np.where(np.isnan(numbers), 0, codes)


def _target_matrix(y: pd.Series, task: str) -> np.ndarray:
    if task == "regression":
        return y.to_numpy(dtype="float64")[:, None]
    codes = pd.factorize(y)[0]
    return np.eye(codes.max() + 1)[codes]


def _mapping_score(codes: np.ndarray, target: np.ndarray, folds: np.ndarray, task: str) -> float:
    """Cross-validated score of predicting the target by the mean target of the column's value.

    This is the best any model can do from one column alone when each value is its own group,
    computed with bincounts in linear time rather than by fitting a model per column.
    """
    size = int(codes.max()) + 1
    predicted = np.empty_like(target)
    for fold in range(FOLDS):
        held = folds == fold
        fit_codes, fit_target = codes[~held], target[~held]
        seen = np.bincount(fit_codes, minlength=size)
        prior = fit_target.mean(axis=0)
        for j in range(target.shape[1]):
            sums = np.bincount(fit_codes, weights=fit_target[:, j], minlength=size)
            means = np.where(seen > 0, sums / np.maximum(seen, 1), prior[j])
            predicted[held, j] = means[codes[held]]
    return _score(target, predicted, task)


def _score(target: np.ndarray, predicted: np.ndarray, task: str) -> float:
    """R² for quantities, ROC AUC (one-vs-rest, averaged over classes) for classes."""
    if task == "regression":
        return float(r2_score(target[:, 0], predicted[:, 0]))
    labels = target.argmax(axis=1)
    if np.unique(labels).size < 2:
        return 0.0
    if target.shape[1] == 2:
        return _auc(target[:, 1:], predicted[:, 1:])
    return _auc(target, predicted)


def _auc(positive: np.ndarray, predicted: np.ndarray) -> float:
    """Mean over columns of the ROC AUC of ``predicted[:, j]`` for ``positive[:, j]``.

    The Mann-Whitney form (mean rank of the positives), ties at average rank, equals
    scikit-learn's roc_auc_score. It is written out because this check scores every column
    against every class: roc_auc_score's input checks then cost 30 s on a 784-column, ten-class
    table, while one rankdata call over the whole matrix takes milliseconds. Columns whose class
    is absent from the sample are skipped.
    """
    ranks = stats.rankdata(predicted, axis=0)
    n_pos = positive.sum(axis=0)
    n_neg = len(positive) - n_pos
    seen = (n_pos > 0) & (n_neg > 0)
    rank_sums = (ranks * positive).sum(axis=0)
    auc = (rank_sums - n_pos * (n_pos + 1) / 2) / np.maximum(n_pos * n_neg, 1)
    return float(auc[seen].mean()) if seen.any() else 0.0


def leaky_features(table: AuditTable) -> list[Finding]:
    """One column that predicts the target almost perfectly is usually recorded after it."""
    if table.y is None:
        return []
    sample = table.sample[table.sample[table.target].notna()]
    if len(sample) < 2 * FOLDS:
        return []
    target = _target_matrix(sample[table.target], table.task)
    folds = np.random.default_rng(table.seed).permutation(len(sample)) % FOLDS
    scores = {}
    for column in table.features:
        codes = _mapping_codes(sample[column], table.sample_unique[column])
        score = _mapping_score(codes, target, folds, table.task)
        if score >= LEAK_SCORE:
            scores[column] = score
    if not scores:
        return []
    metric = "R²" if table.task == "regression" else "ROC AUC"
    detail = ", ".join(f"{c} ({metric} {s:.3f})" for c, s in scores.items())
    return [
        Finding(
            check="leaky_features",
            title="Columns that give the target away",
            columns=list(scores),
            counts=scores,
            message=f"Alone, each predicts {table.target} almost perfectly in cross-validation: "
            f"{detail}. A column known only after the outcome is a leak; drop it unless it is "
            "truly available at prediction time.",
            fix=f"frame = frame.drop(columns={list(scores)!r})",
            severity="high",
        )
    ]


def _orders(table: AuditTable) -> dict[str, np.ndarray]:
    """Sampled rows' ranks in each order that could carry the target: the file's, and the id's.

    The sample keeps file order, so a drift along a million rows shows in its 20,000.
    """
    orders = {"row order": np.arange(len(table.sample))}
    if table.id_column is not None:
        ids = table.train[table.id_column]
        if ids.is_monotonic_increasing or ids.is_monotonic_decreasing:
            orders = {f"row order (and {table.id_column})": orders["row order"]}
        else:
            sampled = table.sample[table.id_column].to_numpy()
            orders[table.id_column] = np.argsort(np.argsort(sampled, kind="stable"))
    return orders


def _order_effect(blocks: np.ndarray, target: pd.Series, task: str) -> tuple[float, float]:
    """(effect, p-value) of the target differing between consecutive blocks of rows.

    Cramér's V for classes; for quantities the Kruskal-Wallis epsilon² (times ten, to share
    one threshold), which ranks values so that a few huge targets cannot fake an effect.
    """
    if task == "regression":
        groups = [target[blocks == b] for b in np.unique(blocks)]
        statistic, p_value = stats.kruskal(*groups)
        return 10 * statistic / (len(target) - 1), float(p_value)
    table = pd.crosstab(blocks, target.to_numpy())
    if min(table.shape) < 2:
        return 0.0, 1.0
    chi2, p_value, *_ = stats.chi2_contingency(table)
    return float(np.sqrt(chi2 / (len(target) * (min(table.shape) - 1)))), float(p_value)


def order_carries_target(table: AuditTable) -> list[Finding]:
    """A target that drifts with row order or id: sorted data, or an id that leaks."""
    if table.y is None:
        return []
    y = table.sample[table.target]
    present = y.notna().to_numpy()
    found = {}
    for name, position in _orders(table).items():
        target = y[present]
        blocks = position[present] * ORDER_BLOCKS // max(len(y), 1)
        effect, p_value = _order_effect(blocks, target, table.task)
        if effect >= ORDER_EFFECT and p_value < ORDER_P:
            found[name] = (effect, _ends(blocks, target, table.task))
    if not found:
        return []
    detail = "; ".join(f"along the {name}, {ends}" for name, (_, ends) in found.items())
    return [
        Finding(
            check="order_carries_target",
            title="Row order or id carries the target",
            columns=[table.id_column] if set(found) - {"row order"} else [],
            counts={name: round(effect, 4) for name, (effect, _) in found.items()},
            message=f"{table.target} changes with position: {detail}. Shuffle before splitting "
            "into folds; if test rows continue the order, the id or position is a leak.",
            fix=None,
            severity="high",
        )
    ]


def _ends(blocks: np.ndarray, target: pd.Series, task: str) -> str:
    """How the target differs between the first and the last tenth of the order."""
    first, last = target[blocks == blocks.min()], target[blocks == blocks.max()]
    if task == "regression":
        medians = number(first.median()), number(last.median())
        return f"median {medians[0]} in the first tenth, {medians[1]} in the last"
    top = target.value_counts().index[-1 if task == "binary" else 0]
    share = (first == top).mean(), (last == top).mean()
    return f"{top!r} is {percent(share[0])} of the first tenth and {percent(share[1])} of the last"


def train_only_columns(table: AuditTable) -> list[Finding]:
    """Columns test lacks cannot be used to predict, and may be recorded after the outcome."""
    if table.test is None:
        return []
    only = [c for c in table.features if c not in table.test.columns]
    if not only:
        return []
    return [
        Finding(
            check="train_only_columns",
            title="Columns only in train",
            columns=only,
            counts={"columns": len(only)},
            message=f"{names(only)} {'is' if len(only) == 1 else 'are'} in train but not in test. "
            "Models cannot use them; do not build features from them either.",
            fix=None,
            severity="medium",
        )
    ]


# 8. Train/test mismatch ---------------------------------------------------------------------


def _shared(table: AuditTable, columns: list[str]) -> list[str]:
    return [c for c in columns if table.test is not None and c in table.test.columns]


def unseen_categories(table: AuditTable) -> list[Finding]:
    """Test levels train never saw get no learnt effect: the encoders treat them as unknown."""
    found = {}
    for column in _shared(table, table.text):
        if table.is_id_like(column):
            continue
        test_levels = table.test[column].value_counts(dropna=True)
        unseen = test_levels[
            (test_levels > 0) & ~test_levels.index.isin(table.levels(column).index)
        ]
        if len(unseen):
            found[column] = unseen
    if not found:
        return []
    detail = "; ".join(
        f"{c}: {', '.join(repr(v) for v in u.index[:3])}"
        + (f" and {len(u) - 3} more" if len(u) > 3 else "")
        + f" ({plural(int(u.sum()), 'test row')})"
        for c, u in found.items()
    )
    return [
        Finding(
            check="unseen_categories",
            title="Categories seen only in test",
            columns=list(found),
            counts={c: int(u.sum()) for c, u in found.items()},
            message=f"Levels in test that train lacks: {detail}. Models treat them as unknown; "
            "if one is a spelling of a train level, map it in clean().",
            fix=None,
            severity="medium",
        )
    ]


def out_of_range(table: AuditTable) -> list[Finding]:
    """Test values beyond train's range: trees predict as at the edge, linear models extrapolate."""
    found = {}
    for column in _shared(table, table.numeric):
        if not is_quantity(table.test[column]):
            continue
        train, test = table.values(column), table.test[column].to_numpy("float64", na_value=np.nan)
        if np.isnan(train).all() or np.isnan(test).all():
            continue
        low, high = np.nanmin(train), np.nanmax(train)
        margin = RANGE_MARGIN * (high - low)
        outside = int(((test < low) | (test > high)).sum())
        far = int(((test < low - margin) | (test > high + margin)).sum())
        # A discrete count one step past train's maximum (4 bathrooms) is not "far".
        far = far if table.sample_unique[column] >= MIN_DISTINCT else 0
        if far or outside >= max(MIN_ROWS, 0.01 * len(test)):
            found[column] = (outside, np.nanmin(test), np.nanmax(test), low, high)
    if not found:
        return []
    detail = "; ".join(
        f"{c} ({plural(n, 'row')}; test {number(tlo)} to {number(thi)}, train {number(lo)} to "
        f"{number(hi)})"
        for c, (n, tlo, thi, lo, hi) in found.items()
    )
    return [
        Finding(
            check="out_of_range",
            title="Test values outside train's range",
            columns=list(found),
            counts={c: v[0] for c, v in found.items()},
            message=f"Test rows beyond what train covers: {detail}. Predictions there are "
            "extrapolation; a value far outside may be a typo worth correcting in clean().",
            fix=None,
            severity="low",
        )
    ]


def missing_rate_shift(table: AuditTable) -> list[Finding]:
    """A column missing far more often in test than in train changes what the model sees."""
    if table.test is None or table.test.empty:
        return []
    found = {}
    for column in _shared(table, table.features):
        train_rate = table.n_missing[column] / max(table.n_rows, 1)
        test_rate = float(table.test[column].isna().mean())
        if abs(test_rate - train_rate) >= MISSING_SHIFT:
            found[column] = (train_rate, test_rate)
    if not found:
        return []
    detail = ", ".join(
        f"{c} ({percent(a)} in train, {percent(b)} in test)" for c, (a, b) in found.items()
    )
    return [
        Finding(
            check="missing_rate_shift",
            title="Missing more often in one file",
            columns=list(found),
            counts={c: round(b - a, 4) for c, (a, b) in found.items()},
            message=f"Missing rates differ by at least {percent(MISSING_SHIFT)} points: {detail}. "
            "The model learnt missingness at train's rate; check why test differs.",
            fix=None,
            severity="medium",
        )
    ]


# 9. Shape of the target and skewed features ------------------------------------------------


def _quantity_shape(y: pd.Series, target: str) -> tuple[list[str], dict]:
    values = y.dropna().to_numpy(dtype="float64")
    if values.size < 3 or values.std() == 0:
        return [], {}
    zeros, skew = float((values == 0).mean()), float(stats.skew(values))
    notes, counts = [], {}
    if zeros >= 0.3:
        notes.append(
            f"{target} is 0 in {percent(zeros)} of rows: a squared loss averages the zeros with "
            "the amounts; a Tweedie or Poisson loss, or a two-part model, fits such data better."
        )
        counts["zero_share"] = zeros
    if abs(skew) >= SKEWED:
        counts["skew"] = skew
        advice = (
            f"training on log1p({target}) (then expm1 the predictions) evens the errors out"
            if values.min() >= 0
            else "a robust loss (Huber, absolute error) keeps the tail from dominating"
        )
        notes.append(
            f"{target} is skewed (skewness {skew:.2f}; median {number(np.median(values))}, "
            f"max {number(values.max())}): a few extreme targets dominate a squared loss; {advice}."
        )
    return notes, counts


def _class_shape(y: pd.Series, target: str, task: str) -> tuple[list[str], dict]:
    shares = y.value_counts(normalize=True, dropna=True)
    sizes = y.value_counts(dropna=True)
    rare = [c for c in shares.index if shares[c] < RARE_SHARE or sizes[c] < RARE_ROWS]
    notes, counts = [], {}
    if rare:
        listed = ", ".join(f"{c!r} ({plural(int(sizes[c]), 'row')})" for c in rare[:5])
        notes.append(
            f"Rare {target} classes: {listed}. Folds hold a handful of them at best, so their "
            "scores are noise; stratify the folds and consider merging rare classes."
        )
        counts.update({str(c): int(sizes[c]) for c in rare})
    elif task == "binary" and len(shares) == 2 and shares.min() < IMBALANCED:
        minority = shares.idxmin()
        notes.append(
            f"{target} is imbalanced: {minority!r} is {percent(shares.min())} of rows. Accuracy "
            f"rewards always answering {shares.idxmax()!r}; judge by ROC AUC or log loss, keep "
            "the folds stratified and consider class weights."
        )
        counts["minority_share"] = float(shares.min())
    return notes, counts


def target_shape(table: AuditTable) -> list[Finding]:
    """A skewed or zero-inflated target, or rare classes, change which loss and metric fit."""
    if table.y is None:
        return []
    if table.task == "regression":
        notes, counts = _quantity_shape(table.y, table.target)
    else:
        notes, counts = _class_shape(table.y, table.target, table.task)
    if not notes:
        return []
    return [
        Finding(
            check="target_shape",
            title="Shape of the target",
            columns=[table.target],
            counts=counts,
            message=" ".join(notes),
            fix=None,
            severity="medium",
        )
    ]


def skewed_features(table: AuditTable) -> list[Finding]:
    """Long right tails and mostly-zero amounts: linear models want them on a log scale."""
    found = {}
    for column in table.numeric:
        if table.sample_unique[column] < MIN_DISTINCT:
            continue
        values = table.sample[column].to_numpy(dtype="float64", na_value=np.nan)
        values = values[~np.isnan(values)]
        if values.size == 0 or values.min() < 0:
            continue
        skew, zeros = _skew(table, column), float((values == 0).mean())
        if skew >= VERY_SKEWED or zeros >= ZERO_INFLATED:
            found[column] = (skew, zeros)
    if not found:
        return []
    detail = ", ".join(
        f"{c} (skew {s:.1f}" + (f", {percent(z)} zeros)" if z >= ZERO_INFLATED else ")")
        for c, (s, z) in found.items()
    )
    return [
        Finding(
            check="skewed_features",
            title="Skewed amounts",
            columns=list(found),
            counts={c: round(s, 2) for c, (s, _) in found.items()},
            message=f"Right-skewed or mostly-zero amounts: {detail}. Trees are unaffected; "
            "linear models fit them better as log1p.",
            fix=_code_lines([f"frame[{c!r}] = np.log1p(frame[{c!r}])" for c in found]),
            severity="low",
        )
    ]


# The registry: every check, in report order within a severity. A check's name is its key.
CHECKS = (
    placeholder_values,
    sentinel_numbers,
    missing_means_none,
    mostly_missing,
    duplicate_rows,
    conflicting_labels,
    constant_columns,
    one_to_one_columns,
    correlated_columns,
    inconsistent_levels,
    numbers_as_text,
    mixed_types,
    impossible_negatives,
    extreme_values,
    leaky_features,
    order_carries_target,
    train_only_columns,
    unseen_categories,
    out_of_range,
    missing_rate_shift,
    target_shape,
    skewed_features,
)
CHECK_NAMES = tuple(check.__name__ for check in CHECKS)
# Checks a project adds in its extend.py (kaggle_starter.extend.check), run after the built-in ones.
EXTRA_CHECKS: list = []


def audit(
    train: pd.DataFrame,
    test: pd.DataFrame | None = None,
    *,
    target: str | None = None,
    task: str | None = None,
    id_column: str | None = None,
    seed: int = 0,
) -> list[Finding]:
    """Every registered check on train (and test), most severe first, then in registry order.

    ``train`` holds the target column when ``target`` is given; ``task`` is "binary",
    "multiclass" or "regression" (inferred from the target when None). Pure: no files, no
    config, the frames are not modified.
    """
    if id_column is not None and id_column not in train.columns:
        raise ValueError(f"id_column {id_column!r} is not a column of train")
    table = AuditTable(train, test, target=target, task=task, id_column=id_column, seed=seed)
    checks = (*CHECKS, *EXTRA_CHECKS)
    findings = [finding for check in checks for finding in check(table)]
    rank = {check.__name__: i for i, check in enumerate(checks)}
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), rank[f.check]))
