"""Score functions scikit-learn lacks, for the metrics Kaggle uses that it does not define.

Named and shaped by scikit-learn's conventions (the suffix gives the direction, a ``y_score`` or
``y_proba`` parameter means probabilities), so each could equally be named in config.yaml as
``kaggle_starter.metrics:<function>``, a metric of the user's own (see :mod:`.custom`).

scikit-learn is imported inside the functions: config loading imports this package for every
command, and importing scikit-learn costs seconds on a cold interpreter.
"""


def gini_score(y_true, y_score) -> float:
    """Normalized Gini, Kaggle's name for 2·AUC − 1 on a binary target (0 = random, 1 = perfect)."""
    from sklearn.metrics import roc_auc_score

    return 2.0 * roc_auc_score(y_true, y_score) - 1.0


def balanced_log_loss(y_true, y_proba) -> float:
    """Kaggle's balanced log loss: the log loss of each class's rows, averaged over classes.

    Weighting every row by 1 / (rows of its class) makes each class count equally however rare
    it is, which is exactly the mean of the per-class log losses.
    """
    from sklearn.metrics import log_loss
    from sklearn.utils.class_weight import compute_sample_weight

    return log_loss(y_true, y_proba, sample_weight=compute_sample_weight("balanced", y_true))


def quadratic_weighted_kappa_score(y_true, y_pred) -> float:
    """Cohen's kappa with quadratic weights on ordered labels (Kaggle's "QWK").

    Weights grow with the squared distance between ratings. When the labels are integers the
    distance is taken on the full scale from the lowest to the highest rating seen, so a rating
    missing from a fold does not bring its neighbours closer; other labels are ranked sorted.
    """
    import numpy as np
    from sklearn.metrics import cohen_kappa_score

    values = np.concatenate([np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()])
    labels = None
    if np.issubdtype(values.dtype, np.number) and np.all(np.mod(values, 1) == 0):
        labels = np.arange(values.min(), values.max() + 1)
    return float(cohen_kappa_score(y_true, y_pred, labels=labels, weights="quadratic"))


def symmetric_mean_absolute_percentage_error(y_true, y_pred) -> float:
    """SMAPE as Kaggle defines it: 100/n · Σ 2|F − A| / (|A| + |F|), a 0/0 term counting 0.

    Written here because scikit-learn has no SMAPE; in percent, 0 (perfect) to 200.
    """
    import numpy as np

    actual, forecast = np.asarray(y_true, float), np.asarray(y_pred, float)
    scale = np.abs(actual) + np.abs(forecast)
    terms = np.divide(
        2.0 * np.abs(forecast - actual), scale, out=np.zeros_like(scale), where=scale != 0
    )
    return float(100.0 * terms.mean())
