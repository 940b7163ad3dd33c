"""Repeated rows, and repeated rows that disagree on the target (section 3)."""

import numpy as np
import pandas as pd

from ..findings import Finding, percent, plural
from ..table import AuditTable


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
