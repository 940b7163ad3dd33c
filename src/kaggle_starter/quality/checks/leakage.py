"""Leakage suspects: a column that alone maps to the target, a target that follows row order, and
columns test lacks (section 7)."""

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import r2_score

from ..findings import Finding, names, number, percent
from ..table import AuditTable, is_quantity

LEAK_SCORE = 0.99
LEAK_BINS = 100  # quantile bins that turn a numeric column into a mapping to the target
FOLDS = 5
ORDER_BLOCKS = 10
ORDER_P = 1e-3
ORDER_EFFECT = 0.1  # Cramér's V (classes) or epsilon² x 10 (quantities) worth a sentence


def _mapping_codes(values: pd.Series, distinct: int) -> np.ndarray:
    """A column as integer codes: its levels, or quantile bins of a continuous quantity."""
    if not is_quantity(values) or distinct <= LEAK_BINS:
        return pd.factorize(values, use_na_sentinel=True)[0] + 1
    numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    edges = np.unique(np.nanquantile(numbers, np.linspace(0, 1, LEAK_BINS + 1)))
    codes = np.searchsorted(edges[1:-1], numbers, side="right") + 1
    return np.where(np.isnan(numbers), 0, codes)


def _target_matrix(y: pd.Series, task: str) -> np.ndarray:
    if task == "regression":
        return y.to_numpy(dtype="float64")[:, None]
    codes = pd.factorize(y)[0]
    return np.eye(codes.max() + 1)[codes]


def _mapping_score(codes: np.ndarray, target: np.ndarray, folds: np.ndarray, task: str) -> float:
    """Cross-validated score of predicting the target by the mean target of the column's value.

    This is the best any model can do from one column alone when each value is its own group,
    computed with bincounts in linear time rather than by fitting a model per column.
    """
    size = int(codes.max()) + 1
    predicted = np.empty_like(target)
    for fold in range(FOLDS):
        held = folds == fold
        fit_codes, fit_target = codes[~held], target[~held]
        seen = np.bincount(fit_codes, minlength=size)
        prior = fit_target.mean(axis=0)
        for j in range(target.shape[1]):
            sums = np.bincount(fit_codes, weights=fit_target[:, j], minlength=size)
            means = np.where(seen > 0, sums / np.maximum(seen, 1), prior[j])
            predicted[held, j] = means[codes[held]]
    return _score(target, predicted, task)


def _score(target: np.ndarray, predicted: np.ndarray, task: str) -> float:
    """R² for quantities, ROC AUC (one-vs-rest, averaged over classes) for classes."""
    if task == "regression":
        return float(r2_score(target[:, 0], predicted[:, 0]))
    labels = target.argmax(axis=1)
    if np.unique(labels).size < 2:
        return 0.0
    if target.shape[1] == 2:
        return _auc(target[:, 1:], predicted[:, 1:])
    return _auc(target, predicted)


def _auc(positive: np.ndarray, predicted: np.ndarray) -> float:
    """Mean over columns of the ROC AUC of ``predicted[:, j]`` for ``positive[:, j]``.

    The Mann-Whitney form (mean rank of the positives), ties at average rank, equals
    scikit-learn's roc_auc_score. It is written out because this check scores every column
    against every class: roc_auc_score's input checks then cost 30 s on a 784-column, ten-class
    table, while one rankdata call over the whole matrix takes milliseconds. Columns whose class
    is absent from the sample are skipped.
    """
    ranks = stats.rankdata(predicted, axis=0)
    n_pos = positive.sum(axis=0)
    n_neg = len(positive) - n_pos
    seen = (n_pos > 0) & (n_neg > 0)
    rank_sums = (ranks * positive).sum(axis=0)
    auc = (rank_sums - n_pos * (n_pos + 1) / 2) / np.maximum(n_pos * n_neg, 1)
    return float(auc[seen].mean()) if seen.any() else 0.0


def leaky_features(table: AuditTable) -> list[Finding]:
    """One column that predicts the target almost perfectly is usually recorded after it."""
    if table.y is None:
        return []
    sample = table.sample[table.sample[table.target].notna()]
    if len(sample) < 2 * FOLDS:
        return []
    target = _target_matrix(sample[table.target], table.task)
    folds = np.random.default_rng(table.seed).permutation(len(sample)) % FOLDS
    scores = {}
    for column in table.features:
        codes = _mapping_codes(sample[column], table.sample_unique[column])
        score = _mapping_score(codes, target, folds, table.task)
        if score >= LEAK_SCORE:
            scores[column] = score
    if not scores:
        return []
    metric = "R²" if table.task == "regression" else "ROC AUC"
    detail = ", ".join(f"{c} ({metric} {s:.3f})" for c, s in scores.items())
    return [
        Finding(
            check="leaky_features",
            title="Columns that give the target away",
            columns=list(scores),
            counts=scores,
            message=f"Alone, each predicts {table.target} almost perfectly in cross-validation: "
            f"{detail}. A column known only after the outcome is a leak; drop it unless it is "
            "truly available at prediction time.",
            fix=f"frame = frame.drop(columns={list(scores)!r})",
            severity="high",
        )
    ]


def _orders(table: AuditTable) -> dict[str, np.ndarray]:
    """Sampled rows' ranks in each order that could carry the target: the file's, and the id's.

    The sample keeps file order, so a drift along a million rows shows in its 20,000.
    """
    orders = {"row order": np.arange(len(table.sample))}
    if table.id_column is not None:
        ids = table.train[table.id_column]
        if ids.is_monotonic_increasing or ids.is_monotonic_decreasing:
            orders = {f"row order (and {table.id_column})": orders["row order"]}
        else:
            sampled = table.sample[table.id_column].to_numpy()
            orders[table.id_column] = np.argsort(np.argsort(sampled, kind="stable"))
    return orders


def _order_effect(blocks: np.ndarray, target: pd.Series, task: str) -> tuple[float, float]:
    """(effect, p-value) of the target differing between consecutive blocks of rows.

    Cramér's V for classes; for quantities the Kruskal-Wallis epsilon² (times ten, to share
    one threshold), which ranks values so that a few huge targets cannot fake an effect.
    """
    if task == "regression":
        groups = [target[blocks == b] for b in np.unique(blocks)]
        statistic, p_value = stats.kruskal(*groups)
        return 10 * statistic / (len(target) - 1), float(p_value)
    table = pd.crosstab(blocks, target.to_numpy())
    if min(table.shape) < 2:
        return 0.0, 1.0
    chi2, p_value, *_ = stats.chi2_contingency(table)
    return float(np.sqrt(chi2 / (len(target) * (min(table.shape) - 1)))), float(p_value)


def order_carries_target(table: AuditTable) -> list[Finding]:
    """A target that drifts with row order or id: sorted data, or an id that leaks."""
    if table.y is None:
        return []
    y = table.sample[table.target]
    present = y.notna().to_numpy()
    found = {}
    for name, position in _orders(table).items():
        target = y[present]
        blocks = position[present] * ORDER_BLOCKS // max(len(y), 1)
        effect, p_value = _order_effect(blocks, target, table.task)
        if effect >= ORDER_EFFECT and p_value < ORDER_P:
            found[name] = (effect, _ends(blocks, target, table.task))
    if not found:
        return []
    detail = "; ".join(f"along the {name}, {ends}" for name, (_, ends) in found.items())
    return [
        Finding(
            check="order_carries_target",
            title="Row order or id carries the target",
            columns=[table.id_column] if set(found) - {"row order"} else [],
            counts={name: round(effect, 4) for name, (effect, _) in found.items()},
            message=f"{table.target} changes with position: {detail}. Shuffle before splitting "
            "into folds; if test rows continue the order, the id or position is a leak.",
            fix=None,
            severity="high",
        )
    ]


def _ends(blocks: np.ndarray, target: pd.Series, task: str) -> str:
    """How the target differs between the first and the last tenth of the order."""
    first, last = target[blocks == blocks.min()], target[blocks == blocks.max()]
    if task == "regression":
        medians = number(first.median()), number(last.median())
        return f"median {medians[0]} in the first tenth, {medians[1]} in the last"
    top = target.value_counts().index[-1 if task == "binary" else 0]
    share = (first == top).mean(), (last == top).mean()
    return f"{top!r} is {percent(share[0])} of the first tenth and {percent(share[1])} of the last"


def train_only_columns(table: AuditTable) -> list[Finding]:
    """Columns test lacks cannot be used to predict, and may be recorded after the outcome."""
    if table.test is None:
        return []
    only = [c for c in table.features if c not in table.test.columns]
    if not only:
        return []
    return [
        Finding(
            check="train_only_columns",
            title="Columns only in train",
            columns=only,
            counts={"columns": len(only)},
            message=f"{names(only)} {'is' if len(only) == 1 else 'are'} in train but not in test. "
            "Models cannot use them; do not build features from them either.",
            fix=None,
            severity="medium",
        )
    ]
