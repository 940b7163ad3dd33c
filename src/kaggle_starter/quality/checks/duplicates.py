"""Repeated rows, repeated rows that disagree on the target (section 3), and rows repeated up to a
tiny numeric difference or spacing."""

import numpy as np
import pandas as pd

from ..findings import Finding, percent, plural
from ..table import AuditTable
from .common import MIN_DISTINCT, is_whole, sampled

NEAR_STEP = 1e-4  # numbers closer than this many interquartile ranges are "the same"
NEAR_KEYS = 3  # columns that pick the rows worth comparing in full


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
    return _copies(table, "duplicate_rows", "Repeated rows", repeats, "in every column")


def _copies(table: AuditTable, check: str, title: str, rows: int, how: str) -> list[Finding]:
    """The finding of rows that copy earlier ones: no clean() can fix it, the folds can."""
    return [
        Finding(
            check=check,
            title=title,
            columns=[],
            counts={"rows": rows},
            message=f"{plural(rows, 'row')} ({percent(rows / table.n_rows)}) repeat an "
            f"earlier row {how} (id ignored). A copy in both a training and a "
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


def _grid_step(table: AuditTable, column: str) -> float:
    """NEAR_STEP x a number's interquartile range; 0 when that cannot merge two values (no
    spread, or whole numbers with a step below 1), so the column is compared exactly."""
    values = sampled(table, column)
    q1, q3 = np.nanquantile(values, [0.25, 0.75])
    step = NEAR_STEP * (q3 - q1)
    return 0.0 if not step > 0 or (step < 1 and is_whole(values)) else float(step)


def _hash(table: AuditTable, column: str, rows: np.ndarray, step: float, offset: float):
    """A column's hash in ``rows``: text up to case and runs of spaces ("Red " is "red"),
    numbers on a grid of ``step`` shifted by ``offset`` steps (as they are when ``step`` is 0),
    so values closer than a step mostly share a cell."""
    if column in table.text:
        codes, uniques = table.codes(column)
        merged = pd.factorize(pd.Index(uniques.map(_normal_text)))[0]
        return pd.util.hash_array(np.where(codes[rows] >= 0, merged[codes[rows]], -1))
    if column in table.numeric:
        values = table.values(column)[rows]
        return pd.util.hash_array(np.floor(values / step + offset) if step else values)
    return pd.util.hash_pandas_object(table.train[column].iloc[rows], index=False).to_numpy()


def _normal_text(value) -> object:
    return " ".join(value.lower().split()) if isinstance(value, str) else value


def _mix(parts) -> np.ndarray:
    combined = None
    for part in parts:
        combined = part if combined is None else (combined * np.uint64(1_000_003)) ^ part
    return combined


def _candidates(table: AuditTable, exact: list[str]) -> np.ndarray:
    """Rows alike in the NEAR_KEYS most varied of the columns compared exactly: only they can
    be near copies, and on most tables they are few, so the full comparison reads few rows."""
    everything = np.arange(table.n_rows)
    keys = sorted(exact, key=lambda c: -table.sample_unique[c])[:NEAR_KEYS]
    if not keys:
        return everything
    key = _mix(_hash(table, c, everything, 0.0, 0.0) for c in keys)
    return np.flatnonzero(pd.Series(key).duplicated(keep=False).to_numpy())


def near_duplicates(table: AuditTable) -> list[Finding]:
    """Rows equal to another but for a tiny numeric difference or spacing: copies in disguise."""
    continuous = [c for c in table.numeric if table.sample_unique[c] >= MIN_DISTINCT]
    if not table.features or _coarse(table) or (len(continuous) < 2 and not table.text):
        return []
    steps = {c: step for c in continuous if (step := _grid_step(table, c))}
    rows = _candidates(table, [c for c in table.features if c not in steps])
    near = 0
    for offset in (0.0, 0.5):  # a value just across a grid line is caught by the shifted grid
        combined = _mix(_hash(table, c, rows, steps.get(c, 0.0), offset) for c in table.features)
        near = max(near, int(pd.Series(combined).duplicated().sum()))
        if not steps:
            break  # nothing on a grid: the shifted grid is the same
    near -= table.n_rows - table.distinct_rows  # exact copies are the other check's
    if near < 1:
        return []
    how = f"but for numbers within {NEAR_STEP:g} interquartile ranges, case or spacing"
    return _copies(table, "near_duplicates", "Rows repeated up to a tiny difference", near, how)
