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
