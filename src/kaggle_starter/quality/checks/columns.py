"""Redundant and useless columns: constant, one-to-one with another, or perfectly correlated
(section 4)."""

import numpy as np
import pandas as pd

from ..findings import Finding, percent
from ..table import AuditTable
from .common import MIN_DISTINCT, MIN_ROWS

QUASI_CONSTANT = 0.99
ONE_TO_ONE_MAX_LEVELS = 1_000
PERFECT_CORRELATION = 0.999


def _top_share(table: AuditTable, column: str) -> tuple[float, object]:
    """Share of the most common value (missing counts as a value) and that value."""
    missing = table.n_missing[column]
    if column in table.numeric:
        values = table.values(column)
        present = values[~np.isnan(values)]
        top_value = float(np.median(present)) if present.size else np.nan
        top = int((present == top_value).sum())
    else:
        levels = table.levels(column)
        top, top_value = (int(levels.iloc[0]), levels.index[0]) if len(levels) else (0, np.nan)
    if missing >= top:
        return missing / table.n_rows, "missing"
    return top / table.n_rows, top_value


def constant_columns(table: AuditTable) -> list[Finding]:
    """One value in (nearly) every row: nothing for a model to learn from."""
    shares = {}
    for column in table.features:
        if table.sample_unique[column] > 2 * MIN_ROWS:
            continue  # many distinct values in the sample: cannot be 99% one value
        share, value = _top_share(table, column)
        if share >= QUASI_CONSTANT:
            shares[column] = (share, value)
    if not shares:
        return []
    detail = ", ".join(
        f"{c} ({percent(s)} {v if v == 'missing' else repr(v)})" for c, (s, v) in shares.items()
    )
    return [
        Finding(
            check="constant_columns",
            title="Constant or almost constant columns",
            columns=list(shares),
            counts={c: round(s, 4) for c, (s, _) in shares.items()},
            message=f"One value fills at least {percent(QUASI_CONSTANT)} of rows: {detail}. "
            "They separate too few rows to learn from; drop them unless the rare value matters.",
            fix=f"frame = frame.drop(columns={list(shares)!r})",
            severity="low",
        )
    ]


def _codes(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Integer codes of a column's values, missing as a value of its own."""
    return pd.factorize(frame[column], use_na_sentinel=True)[0].astype(np.int64) + 1


def _one_to_one(a: np.ndarray, b: np.ndarray) -> bool:
    """Each value of a goes with exactly one value of b, and back."""
    pairs = pd.unique(a * (b.max() + 1) + b).size
    return pairs == pd.unique(a).size == pd.unique(b).size


def _one_to_one_pairs(table: AuditTable) -> list[tuple[str, str]]:
    """Column pairs that are the same information twice (a code and its label, say)."""
    candidates = [
        c
        for c in table.features
        if 2 <= table.sample_unique[c] <= ONE_TO_ONE_MAX_LEVELS and not table.is_id_like(c)
    ]
    sample = {c: _codes(table.sample, c) for c in candidates}
    pairs, seen = [], set()
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            if b in seen or table.sample_unique[a] != table.sample_unique[b]:
                continue
            if _one_to_one(sample[a], sample[b]) and _one_to_one(
                table.codes(a)[0] + 1, table.codes(b)[0] + 1
            ):
                pairs.append((a, b))
                seen.add(b)
    return pairs


def one_to_one_columns(table: AuditTable) -> list[Finding]:
    """Two columns that map one-to-one carry the same information twice."""
    pairs = _one_to_one_pairs(table)
    if not pairs:
        return []
    detail = ", ".join(f"{a} ↔ {b}" for a, b in pairs)
    return [
        Finding(
            check="one_to_one_columns",
            title="Columns that say the same thing",
            columns=[c for pair in pairs for c in pair],
            counts={b: table.sample_unique[b] for _, b in pairs},
            message=f"Each value of one column goes with exactly one value of the other: "
            f"{detail}. Keep one of each pair (a number keeps the order, a label reads better).",
            fix=f"frame = frame.drop(columns={[b for _, b in pairs]!r})",
            severity="low",
        )
    ]


def correlated_columns(table: AuditTable) -> list[Finding]:
    """Numeric columns correlated at |r| >= 0.999 are one measurement twice."""
    columns = [c for c in table.numeric if table.sample_unique[c] >= MIN_DISTINCT]
    if len(columns) < 2:
        return []
    matrix = table.sample[columns].astype("float64").corr().abs().to_numpy()
    pairs, dropped = [], set()
    for i, j in zip(*np.nonzero(np.triu(matrix >= PERFECT_CORRELATION, k=1)), strict=True):
        a, b = columns[i], columns[j]
        if b not in dropped:
            pairs.append((a, b, matrix[i, j]))
            dropped.add(b)
    if not pairs:
        return []
    detail = ", ".join(f"{a} ~ {b} (|r| = {r:.4f})" for a, b, r in pairs)
    return [
        Finding(
            check="correlated_columns",
            title="Perfectly correlated numbers",
            columns=[c for a, b, _ in pairs for c in (a, b)],
            counts={f"{a} ~ {b}": r for a, b, r in pairs},
            message=f"Numeric columns that are one measurement twice: {detail}. Linear models "
            "split the weight between them unstably; keep one of each pair.",
            fix=f"frame = frame.drop(columns={[b for _, b, _ in pairs]!r})",
            severity="low",
        )
    ]
