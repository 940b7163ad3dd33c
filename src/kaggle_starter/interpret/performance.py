"""The headline numbers of the out-of-fold predictions that the performance figures show."""

import numpy as np
import pandas as pd
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)

from .dependence import plain


def oof_summary(oof: pd.DataFrame, task: str) -> dict:
    """Headline out-of-fold numbers that the figures show."""
    y_true, y_pred = oof["y_true"], oof["y_pred"]
    if task == "regression":
        residual = y_true - y_pred
        return {
            "r2": float(r2_score(y_true, y_pred)),
            "mae": float(mean_absolute_error(y_true, y_pred)),
            "residual_mean": float(residual.mean()),
            "residual_std": float(residual.std()),
        }
    labels = sorted(y_true.unique())
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    proba = oof[[f"proba_{c}" for c in labels]].to_numpy()
    summary = {
        "labels": [plain(c) for c in labels],
        "confusion_matrix": matrix.tolist(),
        "accuracy": float(np.trace(matrix) / matrix.sum()),
    }
    if task == "binary":
        positive = (y_true == labels[1]).to_numpy()
        summary["roc_auc"] = float(roc_auc_score(positive, proba[:, 1]))
        summary["average_precision"] = float(average_precision_score(positive, proba[:, 1]))
        summary["positive_share"] = float(positive.mean())
    else:
        summary["roc_auc_ovr"] = float(roc_auc_score(y_true, proba, multi_class="ovr"))
    return summary
