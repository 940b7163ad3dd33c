"""Values in an impossible order: a year or date before one that must precede it (remodelled
before built, a garage built after the sale), or a year in the future.

Which column comes first is read from the data, not from names: an order that holds in nearly
every row (``ORDER_SHARE``) is a rule, and the few rows against it are the errors. Train and test
are both checked, since a typo in a test row (a year 2207) costs predictions just the same.
"""

import datetime as dt

import numpy as np
import pandas as pd

from ..findings import Finding, plural
from ..table import AuditTable
from .common import MIN_DISTINCT, code_lines, year_columns

ORDER_SHARE = 0.98  # a before b in this share of the rows with both: a rule
STRICT_YEARS = 0.1  # ... and strictly before in this share (not just the same column twice)


MAX_COLUMNS = 60  # a group this wide is a block of measurements, not a few dates to order


def _frames(table: AuditTable) -> list[pd.DataFrame]:
    return [f for f in (table.train, table.test) if f is not None]


def _matrix(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The columns as one float matrix (dates as seconds since 1970, zoned ones in UTC),
    missing values as NaN."""
    parts = []
    for column in columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            if values.dt.tz is not None:
                values = values.dt.tz_convert("UTC").dt.tz_localize(None)
            values = (values - pd.Timestamp(0)).dt.total_seconds()
        parts.append(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    return np.column_stack(parts) if parts else np.empty((len(frame), 0))


def _against(table: AuditTable, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """For each pair (a, b): rows of train and test where ``a`` is after ``b``."""
    counts = dict.fromkeys(pairs, 0)
    for frame in _frames(table):
        columns = [c for c in dict.fromkeys(c for pair in pairs for c in pair) if c in frame]
        matrix, where = _matrix(frame, columns), {c: i for i, c in enumerate(columns)}
        for a, b in pairs:
            if a in where and b in where:
                counts[(a, b)] += int((matrix[:, where[a]] > matrix[:, where[b]]).sum())
    return counts


def _ordered(table: AuditTable, columns: list[str]) -> list[tuple]:
    """Pairs (a, b) with a <= b in ORDER_SHARE of the sampled rows, a < b in STRICT_YEARS.

    One column against all the others at a time (numpy, NaN compares false), so a group costs
    its width in vectorised passes over the sample instead of a pandas comparison per pair.
    """
    columns = columns[:MAX_COLUMNS]
    matrix = _matrix(table.sample, columns)
    present = ~np.isnan(matrix)
    pairs = []
    for i, a in enumerate(columns):
        first = matrix[:, [i]]
        both = (present[:, [i]] & present).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            before = (first <= matrix).sum(axis=0) / both
            strictly = (first < matrix).sum(axis=0) / both
        for j in np.flatnonzero((both >= MIN_DISTINCT) & (before >= ORDER_SHARE)):
            if j != i and strictly[j] >= STRICT_YEARS:
                pairs.append((a, columns[j]))
    return pairs


def _future(table: AuditTable, column: str) -> int:
    """Rows of train and test dated after today (a year after this year)."""
    total = 0
    for frame in _frames(table):
        if column in frame.columns:
            values = frame[column]
            if column in table.numeric:
                total += int((values > dt.date.today().year).sum())
            else:  # a zoned column compares with now in its zone
                total += int((values > pd.Timestamp.now(tz=values.dt.tz)).sum())
    return total


def impossible_order(table: AuditTable) -> list[Finding]:
    """Years or dates against the order the other rows keep, or in the future."""
    dates = [c for c in table.features if pd.api.types.is_datetime64_any_dtype(table.train[c])]
    found, future = {}, {}
    for group in (year_columns(table), dates):
        found.update({pair: n for pair, n in _against(table, _ordered(table, group)).items() if n})
        future.update({c: n for c in group if (n := _future(table, c))})
    if not found and not future:
        return []
    detail = "; ".join(f"{b} before {a} in {plural(n, 'row')}" for (a, b), n in found.items())
    year = dt.date.today().year
    later = "; ".join(f"{c} in the future in {plural(n, 'row')}" for c, n in future.items())
    fix = [
        f"frame[{c!r}] = frame[{c!r}].mask(frame[{c!r}] > "
        + (f"{year})" if c in table.numeric else f"pd.Timestamp.now(tz=frame[{c!r}].dt.tz))")
        for c in future
    ]
    gaps = [
        f"frame[{b + '_minus_' + a!r}] = (frame[{b!r}] - frame[{a!r}])"
        + ("" if a in table.numeric else ".dt.days")
        + ".clip(lower=0)"
        for a, b in found
    ]
    return [
        Finding(
            check="impossible_order",
            title="Dates or years in an impossible order",
            columns=list(dict.fromkeys([c for pair in found for c in pair] + list(future))),
            counts={**{f"{b} < {a}": n for (a, b), n in found.items()}, **future},
            message="Against the order every other row keeps (train and test counted): "
            + "; ".join(x for x in (detail, later) if x)
            + ". Each such row holds a typo or an unusual case worth looking up. The time between "
            "two such columns (an age, the years since an event) is a strong feature, and "
            "negative it misleads every model: clip it at 0. A date in the future is a typo; "
            "mark it missing.",
            fix=code_lines(fix),
            severity="medium",
            feature=code_lines(gaps),
        )
    ]
