"""Outliers that matter: impossible negatives and values beyond 3 x IQR fences (section 6).

The fences are drawn on the scale a column is naturally read on (log for a skewed positive
quantity) and on the sample, whose quartiles are plenty; the values themselves are counted on
every row.
"""

import numpy as np

from ..findings import Finding, count, number, percent, plural
from ..table import AuditTable
from .common import MIN_DISTINCT, SKEWED, code_lines, sentinel_values, skewness

SAME_SIGN = 0.995  # non-negative in this share of rows: the few negatives look impossible
IQR_FENCE = 3.0


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
        sentinels = set(sentinel_values(table, column))
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
            fix=code_lines(fix),
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


def extreme_values(table: AuditTable) -> list[Finding]:
    """Values beyond 3 x IQR fences: they pull linear fits and squared losses."""
    found = {}
    for column in table.numeric:
        if table.sample_unique[column] < MIN_DISTINCT:
            continue
        values = table.values(column)
        sampled = table.sample[column].to_numpy(dtype="float64", na_value=np.nan)
        limits = fences(sampled, skewness(table, column))  # quartiles of 20,000 rows are plenty
        if limits is None:
            continue
        low, high, zero_inflated = limits
        sentinel = np.zeros(values.shape, dtype=bool)
        for value in sentinel_values(table, column):
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
        fix=code_lines(fix),
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
