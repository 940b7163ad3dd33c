"""Missing values in disguise, and missing values that mean "none" (sections 1 and 2).

Both families propose the same kind of fix (a value becomes missing, or a gap becomes a level), and
a placeholder spelled "None" is only a placeholder when no related amount is zero, which is the
question the missing-means-none checks answer.
"""

import numpy as np
import pandas as pd

from ..findings import Finding, names, number, percent, plural
from ..table import AuditTable
from .common import MIN_ROWS, PLACEHOLDERS, code_lines, levels_text, mask_levels, sentinel_values

NONE_OVERLAP = 0.95  # missing-here vs zero-there agreement (Jaccard) that reads as "none"
MOSTLY_MISSING = 0.5


def placeholder_values(table: AuditTable) -> list[Finding]:
    """Strings that mean "no value" ("?", "N/A", blank) hide missing data from every imputer."""
    found: dict[str, list[str]] = {}
    rows: dict[str, int] = {}
    for column in table.text:
        levels = levels_text(table.levels(column))
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
    fix = [mask_levels(c, found[c]) for c in found]
    return [
        Finding(
            check="placeholder_values",
            title="Placeholder strings hide missing values",
            columns=list(found),
            counts=rows,
            message=f"Text that means 'no value' is stored as a category: {detail}. "
            "Models treat it as a real level; mark it missing so imputers and trees see a gap.",
            fix=code_lines(fix),
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


def sentinel_numbers(table: AuditTable) -> list[Finding]:
    """Codes like -1 or 999 typed for "unknown" look like real, extreme measurements."""
    found = {c: s for c in table.numeric if (s := sentinel_values(table, c))}
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
            fix=code_lines(fix),
            severity="high",
        )
    ]


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def none_pairs(table: AuditTable) -> dict[str, tuple[str, int]]:
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
    pairs = none_pairs(table)
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
            fix=code_lines(fix),
            severity="medium",
        )
    ]


def mostly_missing(table: AuditTable) -> list[Finding]:
    """A category missing in most rows usually records an absence; a level keeps it."""
    paired = none_pairs(table)
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
            fix=code_lines([_fill_level(table, c, "Missing") for c in shares]),
            severity="low",
        )
    ]
