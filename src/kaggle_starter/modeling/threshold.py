"""The decision threshold for binary label metrics that reward balancing the two errors (F1).

A classifier's ``predict`` says "positive" when the positive class's probability passes 0.5,
which maximises accuracy for calibrated probabilities but not F1: when positives are rare, or
the model is unsure, F1 usually peaks lower. The threshold is chosen on the out-of-fold
probabilities of the saved model (every training row scored by a model that did not see it),
and judged honestly as the ensemble is: for each fold, the threshold chosen on the other folds'
rows is scored on that fold. Predict applies it (:func:`apply_threshold`); serving must too.
"""

import numpy as np
import pandas as pd

CANDIDATES = np.round(np.linspace(0.05, 0.95, 91), 3)


def _f1(tp, fp, fn):
    return np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros_like(tp), where=(2 * tp + fp + fn) > 0)


def _mcc(tp, fp, fn, tn):
    scale = np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return np.divide(tp * tn - fp * fn, scale, out=np.zeros_like(tp), where=scale > 0)


def _balanced(tp, fp, fn, tn):
    def rate(hit, miss):
        return np.divide(hit, hit + miss, out=np.zeros_like(hit), where=(hit + miss) > 0)

    return (rate(tp, fn) + rate(tn, fp)) / 2


# Label metrics whose best threshold is not 0.5 in general (accuracy's is, for calibrated
# probabilities, so it keeps predict's own answer), from the confusion counts, as scikit-learn
# defines them for two classes (the positive class is the second in sorted order).
THRESHOLD_METRICS = {
    "f1": lambda tp, fp, fn, tn: _f1(tp, fp, fn),
    "f1_macro": lambda tp, fp, fn, tn: (_f1(tp, fp, fn) + _f1(tn, fn, fp)) / 2,
    "f1_weighted": lambda tp, fp, fn, tn: (
        (_f1(tp, fp, fn) * (tp + fn) + _f1(tn, fn, fp) * (tn + fp)) / (tp + fp + fn + tn)
    ),
    "mcc": _mcc,
    "balanced_accuracy": _balanced,
}


def apply_threshold(proba: np.ndarray, classes, threshold: dict) -> np.ndarray:
    """Labels from ``predict_proba`` output: the positive class where its probability reaches
    ``threshold["value"]``, the other class elsewhere (``classes`` as the model's ``classes_``)."""
    classes = list(classes)
    positive = next(c for c in classes if str(c) == str(threshold["positive"]))
    negative = next(c for c in classes if c is not positive)
    column = proba[:, classes.index(positive)]
    return np.where(column >= threshold["value"], positive, negative)


def _scores(metric: str, is_positive: np.ndarray, proba: np.ndarray, cuts) -> np.ndarray:
    """The metric at each threshold in ``cuts`` (labelling positive from that probability)."""
    said = proba[None, :] >= np.asarray(cuts, dtype=float)[:, None]
    truth = is_positive[None, :]
    tp = (said & truth).sum(axis=1).astype(float)
    fp = (said & ~truth).sum(axis=1).astype(float)
    fn = (~said & truth).sum(axis=1).astype(float)
    tn = (~said & ~truth).sum(axis=1).astype(float)
    return THRESHOLD_METRICS[metric](tp, fp, fn, tn)


def _best(metric: str, is_positive: np.ndarray, proba: np.ndarray) -> tuple[float, float]:
    """(threshold, score) maximising the metric over the candidates; nearest 0.5 on ties."""
    scores = _scores(metric, is_positive, proba, CANDIDATES)
    order = np.lexsort((np.abs(CANDIDATES - 0.5), -scores))
    return float(CANDIDATES[order[0]]), float(scores[order[0]])


def decision_threshold(metric_name: str, oof: dict, y: pd.Series, splits) -> dict | None:
    """The chosen threshold and what it does, or None when the metric or target needs none.

    ``oof`` is a model's out-of-fold record (``proba_<class>`` columns); the result holds the
    threshold, the positive class, the out-of-fold score at 0.5 and at the threshold (the latter
    chosen on the same rows, so optimistic), and the honest per-fold score.
    """
    y = pd.Series(np.asarray(y))
    classes = sorted(y.unique().tolist())
    if len(classes) != 2 or metric_name not in THRESHOLD_METRICS:
        return None
    negative, positive = classes
    column = oof.get(f"proba_{positive}")
    if column is None or np.isnan(np.asarray(column, dtype=float)).all():
        return None
    column = np.asarray(column, dtype=float)
    seen = np.isfinite(column)
    truth = (y == positive).to_numpy()
    value, score = _best(metric_name, truth[seen], column[seen])
    at_half = float(_scores(metric_name, truth[seen], column[seen], [0.5])[0])
    folds = []
    for train_rows, valid_rows in splits:
        train_rows = train_rows[seen[train_rows]]  # a time split never scores its first rows
        chosen, _ = _best(metric_name, truth[train_rows], column[train_rows])
        found = _scores(metric_name, truth[valid_rows], column[valid_rows], [chosen])
        folds.append(float(found[0]))
    return {
        "value": value,
        "positive": positive.item() if hasattr(positive, "item") else positive,
        "metric": metric_name,
        "at_half": at_half,
        "in_sample": score,
        "honest": float(np.mean(folds)),
        "honest_std": float(np.std(folds)),
        "honest_folds": folds,
    }


def describe_threshold(found: dict, label: str) -> str:
    """What the threshold does, for the train log (after the model's name)."""
    return (
        f"{label} {found['honest']:.4f} ± {found['honest_std']:.4f} labelling "
        f"{found['positive']!r} from probability {found['value']:.2f} (chosen on the other "
        f"folds' out-of-fold probabilities; {found['at_half']:.4f} at 0.5)"
    )
