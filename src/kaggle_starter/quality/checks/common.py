"""What several families of checks share: thresholds, the text levels, the sentinel values.

Sentinels are found once per column (memoised on the table) because three checks ask: the
sentinel check reports them, and the negative and extreme-value checks must not count them twice.
"""

import numpy as np
import pandas as pd
from scipy import stats

from ..table import AuditTable

PLACEHOLDERS = frozenset({"?", "", "na", "n/a", "null", "none", "unknown", "-"})
# Values people type for "no value" in a numeric field; only flagged when far from the rest.
SENTINELS = (-1, -9, -99, -999, -9999, -99999, 99, 999, 9999, 99999, 999999)
MIN_ROWS = 5  # fewer rows than this is an anecdote, not a pattern
MIN_DISTINCT = 20  # a quantity with fewer distinct values is a code or a count, not a spread
SKEWED = 1.0  # |skewness| read as "skewed"
YEARS = (1800, 2100)  # whole numbers in this range throughout read as calendar years
TEXT_LEVELS = 10_000  # most frequent levels parsed per text column; the rest are too rare to matter


def levels_text(levels: pd.Series) -> pd.Series:
    """The string levels of a text column (counts indexed by level), others left out."""
    levels = levels.head(TEXT_LEVELS)
    is_str = np.fromiter((isinstance(v, str) for v in levels.index), bool, len(levels))
    return levels[is_str]


def code_lines(lines: list[str]) -> str | None:
    """A finding's fix as code, or None when there is no line to write."""
    return "\n".join(lines) if lines else None


def sentinel_values(table: AuditTable, column: str) -> dict[float, int]:
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


def skewness(table: AuditTable, column: str) -> float:
    """A numeric column's skewness on the sample (0 without spread): how outliers and skewed
    features are judged alike."""
    values = table.sample[column].to_numpy(dtype="float64", na_value=np.nan)
    values = values[~np.isnan(values)]
    return float(stats.skew(values)) if values.size > 2 and values.std() > 0 else 0.0


def sampled(table: AuditTable, column: str) -> np.ndarray:
    """A numeric column's sample values as float64, NaN for missing."""
    return table.sample[column].to_numpy(dtype="float64", na_value=np.nan)


def is_whole(values: np.ndarray) -> bool:
    """Whole numbers only (missing ignored), and at least one of them."""
    present = values[~np.isnan(values)]
    return present.size > 0 and bool(np.all(present == np.round(present)))


def memoised(table: AuditTable, key: str, compute) -> list[str]:
    """``compute()`` once per table: several checks ask for the same columns."""
    if key not in table.memo:
        table.memo[key] = compute()
    return table.memo[key]


def amounts(table: AuditTable) -> list[str]:
    """Numeric features that are never negative in the sample: sizes, counts, spending."""
    return memoised(table, "amounts", lambda: [c for c in table.numeric if _amount(table, c)])


def _amount(table: AuditTable, column: str) -> bool:
    present = sampled(table, column)
    present = present[~np.isnan(present)]
    return present.size >= MIN_ROWS and present.min() >= 0


def year_columns(table: AuditTable) -> list[str]:
    """Whole numbers between YEARS (nearly all of them): calendar years, such as built or sold."""
    return memoised(table, "years", lambda: [c for c in table.numeric if _years(table, c)])


def _years(table: AuditTable, column: str) -> bool:
    values = sampled(table, column)
    present = values[~np.isnan(values)]
    inside = (present >= YEARS[0]) & (present <= YEARS[1])
    return table.sample_unique[column] >= 3 and is_whole(values) and inside.mean() >= 0.99


def mask_levels(column: str, levels: list) -> str:
    """Code that marks the given levels of a column missing."""
    return f"frame[{column!r}] = frame[{column!r}].mask(frame[{column!r}].isin({levels!r}))"


def sample_note(table: AuditTable, verb: str) -> str:
    """' (found in a seeded sample of 20,000 rows)' when a check read only the sample."""
    if table.n_rows <= table.sample_rows:
        return ""
    return f" ({verb} in a seeded sample of {table.sample_rows:,} rows)"


def row_labels(table: AuditTable, positions: np.ndarray) -> list[str]:
    """Rows as a user finds them: by the id column's value, else by position."""
    if table.id_column is None:
        return [f"row {p}" for p in positions]
    ids = table.train[table.id_column].to_numpy()[positions]
    return [f"{table.id_column} {v}" for v in ids]


def examples(labels: list[str], shown: int = 5) -> str:
    """'Id 3, Id 8 and 4 more'."""
    text = ", ".join(labels[:shown])
    return text + (f" and {len(labels) - shown} more" if len(labels) > shown else "")
