"""Train against test: features that shifted, and test values beyond train's range (section 8).

Shift is measured by :mod:`kaggle_starter.shift`, as the EDA and the monitor measure it, so
data_quality.json, the notebook and monitoring.json agree on which features moved and by how
much: each column is compared by its role in schema.json when `make data` passes it, else by
the role its type suggests.
"""

import numpy as np
import pandas as pd

from ...shift import MISSING_SHIFT, FeatureShift, compare_features
from ..findings import Finding, number, percent, plural
from ..table import AuditTable, is_quantity
from .common import MIN_DISTINCT, MIN_ROWS

RANGE_MARGIN = 0.1  # beyond train's range by this share of it is "far outside"
MISSING_FLOOR = 0.10  # a change of missing share the audit names even without significance


def _shared(table: AuditTable, columns: list[str]) -> list[str]:
    return [c for c in columns if table.test is not None and c in table.test.columns]


COMPARED_ROLES = ("numeric", "categorical", "text", "datetime")  # id, constant: nothing to compare


def _role(table: AuditTable, column: str) -> str | None:
    """The column's role as :mod:`..shift` compares it: the schema's when `make data` passed it
    (as the EDA and the monitor read it), else from its type: a free text (a key, a name) by
    length, other labels as categories."""
    if table.roles is not None:
        role = table.roles.get(column)
        return role if role in COMPARED_ROLES else None
    if column in table.numeric:
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(table.train[column]):
        return "datetime"
    return "text" if column in table.text and table.is_id_like(column) else "categorical"


def _measured(table: AuditTable) -> list[FeatureShift]:
    """Every shared feature's shift measures, computed once for the checks below."""
    if table.test is None or table.test.empty:
        return []
    if "shift" not in table.memo:
        roles = {c: _role(table, c) for c in _shared(table, table.features)}
        roles = {c: role for c, role in roles.items() if role is not None}
        table.memo["shift"] = compare_features(table.train, table.test, roles, seed=table.seed)
    return table.memo["shift"]


def _shifts(table: AuditTable, kind: str) -> list[FeatureShift]:
    """The shared features showing ``kind`` of shift by :mod:`..shift`'s verdict (the monitor's
    alarm); the checks below add the audit's own bar where a smaller change is worth a fix."""
    return [f for f in _measured(table) if kind in f.reasons]


def _finding(check: str, title: str, found: list[FeatureShift], counts, message: str) -> list:
    """The one finding of a shift check, naming the features it found (none when none)."""
    if not found:
        return []
    return [
        Finding(
            check=check,
            title=title,
            columns=[f.name for f in found],
            counts={f.name: counts(f) for f in found},
            message=message,
            fix=None,
            severity="medium",
        )
    ]


def distribution_shift(table: AuditTable) -> list[Finding]:
    """A feature distributed differently in test: the model learnt its effect on other values."""
    found = _shifts(table, "distribution")
    detail = "; ".join(f"{f.name} ({f.reasons['distribution']})" for f in found)
    message = (
        f"Test's values differ from train's beyond chance: {detail}. Validate on the training "
        "rows most like test, and check whether the feature means the same in both files."
    )
    title = "Distributed differently in test"
    return _finding("distribution_shift", title, found, lambda f: f.psi, message)


def unseen_categories(table: AuditTable) -> list[Finding]:
    """Test levels train never saw get no learnt effect: the encoders treat them as unknown."""
    # Any unseen level, not only the monitor's alarm share: a misspelt level is worth mapping in
    # clean() however few rows carry it.
    found = [f for f in _measured(table) if f.unseen and f.unseen["rows"]]
    detail = "; ".join(
        f"{f.name}: {', '.join(repr(v) for v in f.unseen['levels'][:3])}"
        + (f" and {f.unseen['distinct'] - 3} more" if f.unseen["distinct"] > 3 else "")
        + f" ({plural(f.unseen['rows'], 'test row')}, {percent(f.unseen['share'])})"
        for f in found
    )
    message = (
        f"Levels in test that train lacks: {detail}. Models treat them as unknown; if one is a "
        "spelling of a train level, map it in clean()."
    )
    title = "Categories seen only in test"
    return _finding("unseen_categories", title, found, lambda f: f.unseen["rows"], message)


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
    # The monitor's verdict (a 5-point change beyond chance), or a 10-point change on any size of
    # test: on a small test file a large jump may not reach significance and still matters.
    found = [
        f
        for f in _measured(table)
        if "missing" in f.reasons or abs(f.missing["change"]) >= MISSING_FLOOR
    ]
    detail = ", ".join(
        f"{f.name} ({percent(f.missing['train'])} in train, {percent(f.missing['test'])} in test)"
        for f in found
    )
    message = (
        f"Missing rates differ by {100 * MISSING_SHIFT:.0f} points or more beyond chance, or by "
        f"{100 * MISSING_FLOOR:.0f} or more: {detail}. The model learnt missingness at train's "
        "rate; check why test differs."
    )
    title = "Missing more often in one file"
    return _finding("missing_rate_shift", title, found, lambda f: f.missing["change"], message)
