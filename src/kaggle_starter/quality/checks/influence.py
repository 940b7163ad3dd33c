"""Influential rows in a regression, before any model is trained: a very large value of a driver
of the target with a target far against the trend (a huge house sold cheaply).

Each driver (a continuous feature whose rank correlation with the target is at least
``DRIVER``) gets a straight-line fit of the target (log1p of a skewed positive one, the scale
the target is best modelled on), and each row its Cook's distance: how far the line moves
without it. A row at or above ``INFLUENTIAL`` bends the fit on its own. The after-training twin
is :mod:`..residuals`, which needs out-of-fold predictions; this check needs none.
"""

import numpy as np
from scipy import stats

from ..findings import Finding, names, number, plural
from ..table import AuditTable
from .common import MIN_DISTINCT, SKEWED, row_labels, sample_note, sampled

DRIVER = 0.5  # |Spearman| with the target that makes a feature a driver
DRIVER_ROWS = 5_000
INFLUENTIAL = 0.2  # Cook's distance of one row on the line of the target on one driver
ROWS_SHOWN = 5


def _target(table: AuditTable) -> np.ndarray:
    y = table.sample[table.target].to_numpy(dtype="float64", na_value=np.nan)
    present = y[~np.isnan(y)]
    if present.size > 2 and present.min() >= 0 and stats.skew(present) > SKEWED:
        return np.log1p(y)
    return y


def _cooks_distance(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cook's distance and residual of each point on the least-squares line of y on x."""
    centred = x - x.mean()
    slope = (centred * (y - y.mean())).sum() / (centred**2).sum()
    residual = y - y.mean() - slope * centred
    leverage = 1 / len(x) + centred**2 / (centred**2).sum()
    mse = (residual**2).sum() / (len(x) - 2)
    return residual**2 / (2 * mse) * leverage / (1 - leverage) ** 2, residual


def _drivers(table: AuditTable, y: np.ndarray) -> dict[str, float]:
    """Continuous features whose rank correlation with the target is at least DRIVER, with it
    (DRIVER_ROWS of the sample ranked once for all columns, missing values left out pair by
    pair: the correlation is known to +-0.03 there, plenty to tell 0.5)."""
    columns = [c for c in table.numeric if table.sample_unique[c] >= MIN_DISTINCT]
    if not columns:
        return {}
    values = table.sample[columns].to_numpy(dtype="float64", na_value=np.nan)[:DRIVER_ROWS]
    ranks = stats.rankdata(values, axis=0, nan_policy="omit")
    target = stats.rankdata(y[:DRIVER_ROWS], nan_policy="omit")[:, None]
    present = ~np.isnan(ranks) & ~np.isnan(target)
    ranks, target = np.where(present, ranks, np.nan), np.where(present, target, np.nan)
    ranks, target = ranks - np.nanmean(ranks, axis=0), target - np.nanmean(target, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.nansum(ranks * target, axis=0) / np.sqrt(
            np.nansum(ranks**2, axis=0) * np.nansum(target**2, axis=0)
        )
    return {c: float(r) for c, r in zip(columns, rho, strict=True) if abs(r) >= DRIVER}


def _influential(table: AuditTable, y: np.ndarray) -> dict[int, dict[str, float]]:
    """Sample position -> {driver: Cook's distance} for the rows that bend a driver's line
    from above the driver's median, with a target against its trend."""
    rows: dict[int, dict[str, float]] = {}
    for column, rho in _drivers(table, y).items():
        x = sampled(table, column)
        both = np.flatnonzero(~np.isnan(x) & ~np.isnan(y))
        if both.size < MIN_DISTINCT or np.ptp(x[both]) == 0:
            continue
        distance, residual = _cooks_distance(x[both], y[both])
        against = np.sign(rho) * residual < 0
        hit = (distance >= INFLUENTIAL) & (x[both] > np.median(x[both])) & against
        for position, d in zip(both[hit], distance[hit], strict=True):
            rows.setdefault(int(position), {})[column] = float(d)
    return rows


def influential_rows(table: AuditTable) -> list[Finding]:
    """Rows with a very large driver and a target against the trend bend every fit."""
    if table.y is None or table.task != "regression":
        return []
    rows = _influential(table, _target(table))
    if not rows:
        return []
    order = sorted(rows, key=lambda p: -max(rows[p].values()))
    labels = row_labels(table, table.positions[order])
    detail = "; ".join(
        _describe(table, label, table.positions[p], rows[p])
        for label, p in zip(labels[:ROWS_SHOWN], order, strict=False)
    )
    drivers = list(dict.fromkeys(c for p in order for c in rows[p]))
    return [
        Finding(
            check="influential_rows",
            title="Influential rows before training",
            columns=drivers,
            counts={
                "rows": len(order),
                **{
                    label: round(max(rows[p].values()), 3)
                    for label, p in zip(labels, order, strict=True)
                },
            },
            message=f"{plural(len(order), 'row')}{sample_note(table, 'found')} with a large "
            f"{names(drivers)} and a {table.target} far against the trend move a fit on their "
            f"own: {detail}. "
            "A squared loss bends toward them, and every other large row is predicted worse. "
            "clean() also runs on test rows, so it cannot drop them: check them against the "
            "data's documentation (a partial sale, a unit mix-up) and leave them out of "
            "training only if they are errors or unlike the rows to predict.",
            fix=None,
            severity="high",
        )
    ]


def _describe(table: AuditTable, label: str, position: int, drivers: dict[str, float]) -> str:
    """'id 17 (price 160,000 at area 5,642, rooms 12; Cook's distance up to 4.54)': the row, its
    target and the values of the columns that drive its influence."""
    target = number(table.train[table.target].to_numpy(dtype="float64")[position])
    values = ", ".join(f"{c} {number(table.values(c)[position])}" for c in drivers)
    return (
        f"{label} ({table.target} {target} at {values}; Cook's distance up to "
        f"{max(drivers.values()):.2f})"
    )
