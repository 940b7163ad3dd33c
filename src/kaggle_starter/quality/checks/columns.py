"""Redundant and misread columns: constant, one-to-one with another, perfectly correlated
(section 4); numbers that are category codes, and keys that are not the id."""

import numpy as np
import pandas as pd
from scipy import stats

from ..findings import Finding, names, percent
from ..table import AuditTable
from .common import (
    MIN_DISTINCT,
    MIN_ROWS,
    code_lines,
    is_whole,
    sample_note,
    sampled,
    year_columns,
)

QUASI_CONSTANT = 0.99
ONE_TO_ONE_MAX_LEVELS = 1_000
PERFECT_CORRELATION = 0.999
MAX_CODES = 30  # a category code has at most this many distinct values
CODE_FILL = 0.6  # ... filling less than this share of the steps of its range
CODE_ORDER = 0.5  # ... and the target follows their order with |Spearman| below this
ID_UNIQUE = 0.99  # distinct in this share of rows: a key
ID_RELATED = 0.1  # a key whose rank correlation with the target is below this says nothing


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


def _gappy(values: np.ndarray) -> bool:
    """Distinct whole numbers that fill less than CODE_FILL of the steps between the smallest
    and the largest (20, 30, 45, 120, 190): labels, not points on a scale."""
    levels = np.unique(values[~np.isnan(values)])
    step = np.gcd.reduce(np.diff(levels).astype(np.int64))
    return step > 0 and len(levels) / ((levels[-1] - levels[0]) / step + 1) < CODE_FILL


def _unordered(table: AuditTable, column: str) -> bool:
    """The target's mean per value does not follow the value's order (Spearman over values
    with MIN_ROWS rows below CODE_ORDER); True without a numeric or binary target."""
    if table.y is None or table.task == "multiclass":
        return True
    target = pd.Series(pd.factorize(table.sample[table.target], sort=True)[0], dtype="float64")
    if table.task == "regression":
        target = table.sample[table.target].astype("float64").reset_index(drop=True)
    groups = target.groupby(table.sample[column].to_numpy()).agg(["mean", "size"])
    groups = groups[groups["size"] >= MIN_ROWS]
    if len(groups) < 3:
        return False
    return abs(stats.spearmanr(groups.index, groups["mean"])[0]) < CODE_ORDER


def numeric_codes(table: AuditTable) -> list[Finding]:
    """Whole numbers with few, unevenly spaced values and no order in the target: category
    codes (a building class 20, 30, 60, 120), which arithmetic and splits misread."""
    years = set(year_columns(table))
    found = {}
    for column in table.numeric:
        values = sampled(table, column)
        if column in years or not 3 <= table.sample_unique[column] <= MAX_CODES:
            continue
        if not is_whole(values) or (values == 0).mean() >= 0.25 or not _gappy(values):
            continue
        if _unordered(table, column):
            found[column] = int(
                pd.unique(table.values(column)[~np.isnan(table.values(column))]).size
            )
    if not found:
        return []
    detail = ", ".join(f"{c} ({n} values)" for c, n in found.items())
    return [
        Finding(
            check="numeric_codes",
            title="Numbers that are category codes",
            columns=list(found),
            counts=found,
            message=f"Few whole numbers, unevenly spaced, whose order the target does not "
            f"follow: {detail}. They are labels: a linear model reads 120 as six times 20 and "
            "trees split them into ranges that mean nothing. Make them categories.",
            fix=code_lines([f"frame[{c!r}] = frame[{c!r}].astype('category')" for c in found]),
            severity="medium",
        )
    ]


def _dense_unique(values: np.ndarray) -> bool:
    """Distinct whole numbers packed into a range about as long as the rows: a row number."""
    present = values[~np.isnan(values)]
    if present.size < MIN_DISTINCT or not is_whole(values):
        return False
    span = present.max() - present.min() + 1
    return pd.unique(present).size >= ID_UNIQUE * present.size and span <= 3 * present.size


def _key_text(table: AuditTable, column: str) -> bool:
    """One token per value (no spaces), distinct in the sample: a code or a key, not a name."""
    values = table.sample[column].dropna()
    if len(values) < MIN_DISTINCT or not values.map(type).eq(str).all():
        return False
    spaced = values.str.contains(r"\s", regex=True).mean()
    return spaced < 0.01 and values.nunique() >= ID_UNIQUE * len(values)


def id_like_columns(table: AuditTable) -> list[Finding]:
    """A second key beside the id: distinct per row, unrelated to the target, costs models.

    Only beside a known id: without one, the first key is the id the caller did not name.
    """
    if table.id_column is None:
        return []
    found = []
    for column in table.features:
        if column in table.numeric:
            if not table.is_id_like(column):  # the sample first: most columns stop here
                continue
            if _dense_unique(table.values(column)) and _unrelated(table, column):
                found.append(column)
        elif column in table.text and table.is_id_like(column) and _key_text(table, column):
            found.append(column)
    if not found:
        return []
    return [
        Finding(
            check="id_like_columns",
            title="Keys that are not the id",
            columns=found,
            counts={c: table.sample_unique[c] for c in found},
            message=f"{names(found)} hold a different value in (nearly) every row"
            f"{sample_note(table, 'judged')} and say nothing about the target. A key leaks "
            "nothing, but a model learns noise from it (a tree splits a number by it) and "
            "pays for it in time; drop it.",
            fix=f"frame = frame.drop(columns={found!r})",
            severity="low",
        )
    ]


def _unrelated(table: AuditTable, column: str) -> bool:
    """No rank correlation with the target beyond ID_RELATED (True without a target)."""
    if table.y is None or table.task == "multiclass":
        return True
    x = sampled(table, column)
    y = pd.factorize(table.sample[table.target], sort=True)[0].astype("float64")
    if table.task == "regression":
        y = table.sample[table.target].to_numpy(dtype="float64", na_value=np.nan)
    both = ~np.isnan(x) & ~np.isnan(y)
    return both.sum() < MIN_DISTINCT or abs(stats.spearmanr(x[both], y[both])[0]) < ID_RELATED
