"""The shape of the target (skew, zeros, rare and imbalanced classes) and skewed features
(section 9)."""

import numpy as np
import pandas as pd
from scipy import stats

from ..findings import Finding, number, percent, plural
from ..table import AuditTable
from .common import MIN_DISTINCT, SKEWED, code_lines, skewness

IMBALANCED = 0.10
RARE_SHARE, RARE_ROWS = 0.01, 10
VERY_SKEWED = 2.0
ZERO_INFLATED = 0.5


def _quantity_shape(y: pd.Series, target: str) -> tuple[list[str], dict]:
    values = y.dropna().to_numpy(dtype="float64")
    if values.size < 3 or values.std() == 0:
        return [], {}
    zeros, skew = float((values == 0).mean()), float(stats.skew(values))
    notes, counts = [], {}
    if zeros >= 0.3:
        notes.append(
            f"{target} is 0 in {percent(zeros)} of rows: a squared loss averages the zeros with "
            "the amounts; a Tweedie or Poisson loss, or a two-part model, fits such data better."
        )
        counts["zero_share"] = zeros
    if abs(skew) >= SKEWED:
        counts["skew"] = skew
        advice = (
            f"training on log1p({target}) (then expm1 the predictions) evens the errors out"
            if values.min() >= 0
            else "a robust loss (Huber, absolute error) keeps the tail from dominating"
        )
        notes.append(
            f"{target} is skewed (skewness {skew:.2f}; median {number(np.median(values))}, "
            f"max {number(values.max())}): a few extreme targets dominate a squared loss; {advice}."
        )
    return notes, counts


def _class_shape(y: pd.Series, target: str, task: str) -> tuple[list[str], dict]:
    shares = y.value_counts(normalize=True, dropna=True)
    sizes = y.value_counts(dropna=True)
    rare = [c for c in shares.index if shares[c] < RARE_SHARE or sizes[c] < RARE_ROWS]
    notes, counts = [], {}
    if rare:
        listed = ", ".join(f"{c!r} ({plural(int(sizes[c]), 'row')})" for c in rare[:5])
        notes.append(
            f"Rare {target} classes: {listed}. Folds hold a handful of them at best, so their "
            "scores are noise; stratify the folds and consider merging rare classes."
        )
        counts.update({str(c): int(sizes[c]) for c in rare})
    elif task == "binary" and len(shares) == 2 and shares.min() < IMBALANCED:
        minority = shares.idxmin()
        notes.append(
            f"{target} is imbalanced: {minority!r} is {percent(shares.min())} of rows. Accuracy "
            f"rewards always answering {shares.idxmax()!r}; judge by ROC AUC or log loss, keep "
            "the folds stratified and consider class weights."
        )
        counts["minority_share"] = float(shares.min())
    return notes, counts


def target_shape(table: AuditTable) -> list[Finding]:
    """A skewed or zero-inflated target, or rare classes, change which loss and metric fit."""
    if table.y is None:
        return []
    if table.task == "regression":
        notes, counts = _quantity_shape(table.y, table.target)
    else:
        notes, counts = _class_shape(table.y, table.target, table.task)
    if not notes:
        return []
    return [
        Finding(
            check="target_shape",
            title="Shape of the target",
            columns=[table.target],
            counts=counts,
            message=" ".join(notes),
            fix=None,
            severity="medium",
        )
    ]


def skewed_features(table: AuditTable) -> list[Finding]:
    """Long right tails and mostly-zero amounts: linear models want them on a log scale."""
    found = {}
    for column in table.numeric:
        if table.sample_unique[column] < MIN_DISTINCT:
            continue
        values = table.sample[column].to_numpy(dtype="float64", na_value=np.nan)
        values = values[~np.isnan(values)]
        if values.size == 0 or values.min() < 0:
            continue
        skew, zeros = skewness(table, column), float((values == 0).mean())
        if skew >= VERY_SKEWED or zeros >= ZERO_INFLATED:
            found[column] = (skew, zeros)
    if not found:
        return []
    detail = ", ".join(
        f"{c} (skew {s:.1f}" + (f", {percent(z)} zeros)" if z >= ZERO_INFLATED else ")")
        for c, (s, z) in found.items()
    )
    return [
        Finding(
            check="skewed_features",
            title="Skewed amounts",
            columns=list(found),
            counts={c: round(s, 2) for c, (s, _) in found.items()},
            message=f"Right-skewed or mostly-zero amounts: {detail}. Trees are unaffected; "
            "linear models fit them better as log1p.",
            fix=code_lines([f"frame[{c!r}] = np.log1p(frame[{c!r}])" for c in found]),
            severity="low",
        )
    ]
