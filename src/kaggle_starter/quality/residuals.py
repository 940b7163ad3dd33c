"""Outliers that matter for a regression: badly predicted rows at the edge of the feature space.

A large residual alone is often just noise in the target, and an extreme feature value alone is
often a perfectly priced large item. A row with both is the kind that bends a fit: it has
leverage (it sits where few rows are) and it disagrees with the rest. So this check needs
out-of-fold predictions, which only exist after training; the caller passes them in.
"""

import numpy as np
import pandas as pd

from .findings import Finding, count, names, number, plural
from .table import is_quantity

RESIDUAL_Z = 4.0  # robust z of the out-of-fold residual
LEVERAGE_COLUMNS = 2  # extreme in at least this many features: one odd value is too common
IQR_FENCE = 3.0
MIN_DISTINCT = 20
ROWS_SHOWN = 5


def _robust_z(values: np.ndarray) -> np.ndarray:
    """Distance from the median in units of the scaled median absolute deviation."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.zeros_like(values)
    median = np.median(finite)
    spread = 1.4826 * np.median(np.abs(finite - median))  # 1.4826: MAD to SD for normal data
    if spread == 0:
        return np.zeros_like(values)
    return np.nan_to_num((values - median) / spread)


def _extremeness(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    """Per cell, how many IQRs the value lies beyond the quartiles of its continuous column
    (0 inside); above 3 is extreme, the usual "far out" fence."""
    cells = {}
    for column in frame.columns:
        series = frame[column]
        if column == target or not is_quantity(series) or series.nunique() < MIN_DISTINCT:
            continue
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        q1, q3 = np.nanquantile(values, [0.25, 0.75])
        if q3 > q1:
            beyond = np.maximum(q1 - values, values - q3) / (q3 - q1)
            cells[column] = np.nan_to_num(np.maximum(beyond, 0.0))
    return pd.DataFrame(cells, index=frame.index)


def residual_outliers(frame: pd.DataFrame, y_true, y_pred, *, target: str) -> list[Finding]:
    """Rows with an extreme out-of-fold residual that also sit at extreme feature values.

    ``y_true`` and ``y_pred`` are aligned with ``frame``'s rows, on the scale the model was
    scored on (log for a log-scored target). Rows are named by ``frame``'s index labels.
    """
    truth = np.asarray(y_true, dtype="float64")
    predicted = np.asarray(y_pred, dtype="float64")
    if not len(truth) == len(predicted) == len(frame):
        raise ValueError("frame, y_true and y_pred must have the same number of rows")
    z = _robust_z(truth - predicted)
    distance = _extremeness(frame, target)
    extreme = distance > IQR_FENCE
    leverage = extreme.sum(axis=1).to_numpy() >= LEVERAGE_COLUMNS
    rows = np.nonzero((np.abs(z) > RESIDUAL_Z) & leverage)[0]
    if rows.size == 0:
        return []
    rows = rows[np.argsort(-np.abs(z[rows]))]
    columns = [c for c in extreme.columns if extreme[c].to_numpy()[rows].any()]
    detail = "; ".join(_describe(frame, distance, row, z[row]) for row in rows[:ROWS_SHOWN])
    if rows.size > ROWS_SHOWN:
        detail += f"; and {count(rows.size - ROWS_SHOWN)} more"
    return [
        Finding(
            check="residual_outliers",
            title="Badly predicted rows at extreme values",
            columns=columns,
            counts={"rows": rows.size, **{str(frame.index[r]): round(z[r], 2) for r in rows}},
            message=f"{plural(rows.size, 'row')} with out-of-fold {target} residuals beyond "
            f"{RESIDUAL_Z:g} robust SDs sit at extreme values of {names(columns)}: {detail}. "
            "Such rows pull the fit toward themselves. clean() also runs on test rows, so it "
            "cannot drop them: check them against the data's documentation and leave them out "
            "of training only if they are errors or unlike what is predicted.",
            fix=None,
            severity="high",
        )
    ]


def _describe(frame: pd.DataFrame, distance: pd.DataFrame, row: int, z: float) -> str:
    """Row label, direction of the miss, and its most extreme values: 'row 1299 (over-predicted;
    area 5,642, ...)'."""
    farthest = distance.iloc[row].sort_values(ascending=False)
    farthest = farthest[farthest > IQR_FENCE].index[:4]
    values = ", ".join(f"{c} {number(frame[c].iloc[row])}" for c in farthest)
    side = "over-predicted" if z < 0 else "under-predicted"
    return f"row {frame.index[row]} ({side}; {values})"
