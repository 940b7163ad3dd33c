"""Relations between columns: a total that is the sum of its parts, and a category that forces an
amount to 0 (asleep the whole trip, so no spending; no garage, so no garage area).

Both are found on the sample (a least-squares fit, a few matrix products) and then counted on
every row of train and test: a relation that holds is a free imputation and a free feature, and
the rows that break it are worth a look. The relation must hold almost everywhere
(``RELATION_SHARE``, ``RULE_SHARE``), so a coincidence in a few rows is not reported.
"""

import numpy as np
import pandas as pd
from scipy import stats

from ..findings import Finding, names, plural
from ..table import AuditTable
from .common import MIN_DISTINCT, MIN_ROWS, amounts, code_lines, sampled
from .missing import none_pairs

RELATION_SHARE = 0.95  # a total equals the sum of its parts in this share of rows with a total
PART_BELOW = 0.99  # a part is at most the total in this share of rows
MAX_PARTS = 6
MAX_SUM_COLUMNS = 100  # amounts searched for totals; the search grows with their square
SUM_ROWS = 2_000  # sampled rows the search reads
RULE_SHARE = 0.95  # the amount is 0 in this share of the rows of the level
ZERO_ELSEWHERE = 0.5  # ... and in at most this share of the other rows
RULE_CHANCE = 1e-6  # ... so many zeros among the level's rows by chance: this unlikely at most
MAX_LEVELS = 30  # levels per column tried as a condition
SAME_ROWS = 0.95  # conditions whose rows overlap this much (Jaccard) are one rule


def _close(total: np.ndarray, parts: np.ndarray) -> np.ndarray:
    """Where the total equals the sum of the parts, up to float rounding."""
    return np.isclose(total, parts.sum(axis=1), rtol=1e-6, atol=1e-6)


def _parts_of(values: np.ndarray, total: int) -> list[int]:
    """Positions of the columns of ``values`` whose sum is column ``total`` in most rows, or [].

    Candidates are the columns at most the total in PART_BELOW of the rows. A least-squares fit
    on the rows with a non-zero total, refitted on the better half of them (so the few
    exceptions do not pull the weights), gives weight 1 to the parts and 0 to the rest; only an
    exact match in RELATION_SHARE of the rows counts.
    """
    t = values[:, total]
    rows = ~np.isnan(t) & (t != 0)
    with np.errstate(invalid="ignore"):
        below = np.where(np.isnan(values), np.nan, values <= t[:, None])
    parts = [j for j in np.flatnonzero(np.nanmean(below, axis=0) >= PART_BELOW) if j != total]
    if len(parts) < 2 or rows.sum() < MIN_DISTINCT:
        return []
    matrix, target = np.nan_to_num(values[rows][:, parts]), t[rows]
    keep = np.ones(len(target), dtype=bool)
    for _ in range(2):
        weights = np.linalg.lstsq(matrix[keep], target[keep], rcond=None)[0]
        error = np.abs(target - matrix @ weights)
        keep = error <= np.quantile(error, 0.5)
    chosen = [i for i, w in enumerate(weights) if abs(w - 1) < 0.05]
    if not 2 <= len(chosen) <= MAX_PARTS:
        return []
    if _close(target, matrix[:, chosen]).mean() < RELATION_SHARE:
        return []
    return [parts[i] for i in chosen]


def _breaks(frame: pd.DataFrame | None, total: str, parts: list[str]) -> tuple[int, int]:
    """(rows breaking the sum, rows whose missing total the parts fill) in one table."""
    if frame is None or not {total, *parts} <= set(frame.columns):
        return 0, 0
    t = frame[total].to_numpy(dtype="float64", na_value=np.nan)
    p = frame[parts].to_numpy(dtype="float64", na_value=np.nan)
    complete = ~np.isnan(p).any(axis=1)
    broken = complete & ~np.isnan(t) & ~_close(np.nan_to_num(t), np.nan_to_num(p))
    return int(broken.sum()), int((complete & np.isnan(t)).sum())


def _sums(table: AuditTable) -> dict[str, tuple[list[str], int, int, int]]:
    """Total -> (parts, rows breaking the sum in train, in test, missing totals the parts fill),
    found once: the rule check leaves totals out of the sums it proposes."""
    if "sums" not in table.memo:
        columns = [c for c in amounts(table) if table.sample_unique[c] >= MIN_DISTINCT]
        if len(columns) > MAX_SUM_COLUMNS:
            columns = []  # a wide table of pixels or counts: every pair is a candidate
        # An exact sum shows in a few thousand rows as well as in all of them.
        values = np.column_stack([sampled(table, c)[:SUM_ROWS] for c in columns] or [[]])
        found = {}
        for i, total in enumerate(columns):
            if chosen := _parts_of(values, i):
                parts = [columns[j] for j in chosen]
                train, test = _breaks(table.train, total, parts), _breaks(table.test, total, parts)
                found[total] = (parts, train[0], test[0], train[1] + test[1])
        table.memo["sums"] = found
    return table.memo["sums"]


def sum_relations(table: AuditTable) -> list[Finding]:
    """A total that equals the sum of its parts: a free imputation, a feature, and exceptions."""
    found = _sums(table)
    if not found:
        return []
    detail = "; ".join(
        f"{t} = {' + '.join(p)} ("
        + (
            f"broken in {plural(tr, 'training row')} and {plural(te, 'test row')}"
            if tr + te
            else "in every row"
        )
        + ")"
        for t, (p, tr, te, _) in found.items()
    )
    fix = [
        f"frame[{t!r}] = frame[{t!r}].fillna(frame[{p!r}].sum(axis=1, min_count={len(p)}))"
        for t, (p, *_, gaps) in found.items()
        if gaps
    ]
    feature = [
        f"frame[{part + '_share'!r}] = frame[{part!r}] / frame[{t!r}].where(frame[{t!r}] > 0)"
        for t, (p, *_) in found.items()
        for part in p
    ]
    return [
        Finding(
            check="sum_relations",
            title="A total that is the sum of its parts",
            columns=[c for t, (p, *_) in found.items() for c in (t, *p)],
            counts={f"{t} exceptions": tr + te for t, (_, tr, te, _) in found.items()},
            message=f"Totals equal to the sum of other columns in at least "
            f"{RELATION_SHARE:.0%} of rows: {detail}. A linear model cannot use the total and "
            "all its parts (one is the others' sum); the parts' shares of the total are "
            "features the sum alone hides, and a missing total is the sum of its parts. "
            "Rows that break the sum hold a typo in one of the columns: look them up.",
            fix=code_lines(fix),
            severity="medium" if fix else "low",
            feature=code_lines(feature),
        )
    ]


def _conditions(table: AuditTable) -> list[tuple[str, object, np.ndarray]]:
    """(column, level, sampled rows) for each level of a column of at most MAX_LEVELS levels
    with MIN_ROWS sampled rows; a missing value is a level too (None)."""
    out = []
    columns = [c for c in table.features if c not in table.numeric and not table.is_id_like(c)]
    for column in columns:
        codes, uniques = table.codes(column)
        if len(uniques) > MAX_LEVELS:
            continue
        sample = codes[table.positions]
        levels = [(level, k) for k, level in enumerate(uniques)] + [(None, -1)]
        for level, code in levels:
            level = level.item() if isinstance(level, np.generic) else level
            rows = sample == code
            if rows.sum() >= MIN_ROWS:
                out.append((column, level, rows))
    return out


def _rules(table: AuditTable) -> list[tuple[list, list[str]]]:
    """(conditions as (column, level), amounts they force to 0), one entry per set of rows:
    conditions that select (nearly) the same rows (no garage type, finish or quality) are one
    rule."""
    columns = amounts(table)
    if not columns:
        return []
    values = np.column_stack([sampled(table, c) for c in columns])
    present, zero = (~np.isnan(values)).astype(float), (values == 0).astype(float)
    explained = none_pairs(table)
    rules: list[tuple[np.ndarray, list, list[str]]] = []
    for column, level, rows in _conditions(table):
        inside, outside = rows @ present, ~rows @ present  # rows per amount: a bool @ a float
        zero_in, zero_out = rows @ zero, ~rows @ zero
        chance = stats.binom.sf(zero_in - 1, inside, zero_out / np.maximum(outside, 1))
        holds = (inside >= MIN_ROWS) & (zero_in >= RULE_SHARE * inside) & (chance <= RULE_CHANCE)
        holds &= (zero_out <= ZERO_ELSEWHERE * outside) & (outside - zero_out >= MIN_ROWS)
        forced = [
            c
            for c, h in zip(columns, holds, strict=True)
            if h and not (level is None and explained.get(column, ("",))[0] == c)
        ]
        same = next((r for r in rules if _jaccard(r[0], rows) >= SAME_ROWS), None)
        if forced and same is not None:
            same[1].append((column, level))
        elif forced:
            rules.append((rows, [(column, level)], forced))
    return [(conditions, forced) for _, conditions, forced in rules]


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def _where(column: str, level) -> str:
    series = f"frame[{column!r}]"
    return f"{series}.isna()" if level is None else f"{series}.eq({level!r})"


def _said(column: str, level) -> str:
    return f"{column} missing" if level is None else f"{column} = {level}"


def _rule_counts(table: AuditTable, condition, forced: list[str]) -> tuple[int, int, int]:
    """(rows of the condition, rows breaking the rule, gaps it fills) over train and test."""
    column, level = condition
    rows = breaks = gaps = 0
    for frame in (table.train, table.test):
        if frame is None or not {column, *forced} <= set(frame.columns):
            continue
        where = frame[column].isna() if level is None else frame[column].eq(level)
        values = frame.loc[where.fillna(False).to_numpy(), forced]
        rows += len(values)
        breaks += int((values.fillna(0) != 0).any(axis=1).sum())
        gaps += int(values.isna().to_numpy().sum())
    return rows, breaks, gaps


def forced_amounts(table: AuditTable) -> list[Finding]:
    """A level that forces amounts to 0: the rows breaking it, the imputation and the feature."""
    rules = _rules(table)
    if not rules:
        return []
    counted = [(conds, forced, _rule_counts(table, conds[0], forced)) for conds, forced in rules]
    detail = "; ".join(
        f"{' or '.join(_said(*c) for c in conds)} ({plural(n, 'row')}) => {names(forced)} "
        f"{'is' if len(forced) == 1 else 'are'} 0, broken in {plural(b, 'row')}"
        for conds, forced, (n, b, _) in counted
    )
    fix, feature = [], []
    for conds, forced, (_, _, gaps) in counted:
        column, level = conds[0]
        if gaps:
            where = _where(column, level)
            fix += [
                f"frame[{a!r}] = frame[{a!r}].mask({where} & frame[{a!r}].isna(), 0)"
                for a in forced
            ]
        fix += _reverse(table, column, level, forced)
        feature += _total_of(table, forced)
    return [
        Finding(
            check="forced_amounts",
            title="A category that forces an amount to 0",
            columns=list(
                dict.fromkeys(
                    c for conds, forced, _ in counted for c in (*[x for x, _ in conds], *forced)
                )
            ),
            counts={
                "rules": len(counted),
                "rows breaking them": sum(b for *_, (_, b, _) in counted),
                "gaps filled": sum(g for *_, (_, _, g) in counted),
            },
            message=f"Rules that hold in at least {RULE_SHARE:.0%} of rows (train and test "
            f"counted): {detail}. A missing "
            "amount under such a level is 0, not unknown, and an amount above 0 rules the level "
            "out; the rows breaking a rule are worth a look (a typo or a special case). Trees "
            "find such rules only with enough rows of the level; linear models not at all.",
            fix=code_lines(fix),
            severity="medium" if fix else "low",
            feature=code_lines(list(dict.fromkeys(feature))),
        )
    ]


def _total_of(table: AuditTable, forced: list[str]) -> list[str]:
    """Three or more amounts a level zeroes together (the spending of one passenger) add up to a
    feature of their own; a total already in the data is not added again."""
    parts = [c for c in forced if c not in _sums(table)]
    if len(parts) < 3:
        return []
    return [f"frame[{parts[0] + '_to_' + parts[-1] + '_sum'!r}] = frame[{parts!r}].sum(axis=1)"]


def _reverse(table: AuditTable, column: str, level, forced: list[str]) -> list[str]:
    """For a two-level column, an amount above 0 names the other level: fill its gaps with it."""
    levels = table.levels(column)
    test = table.test
    missing = table.n_missing[column] or (
        test is not None and column in test.columns and test[column].isna().any()
    )
    if level is None or len(levels) != 2 or not missing:
        return []
    other = next(v for v in levels.index if v != level)
    other = other.item() if isinstance(other, np.generic) else other
    spent = f"frame[{forced!r}].gt(0).any(axis=1)"
    return [
        f"frame[{column!r}] = frame[{column!r}].mask(frame[{column!r}].isna() & {spent}, {other!r})"
    ]
