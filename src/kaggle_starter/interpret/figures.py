"""The interpretation figures, drawn to be read on GitHub: 8 x 5 inches, titled, labelled axes.

Each function returns ``(file stem, figure)``; :func:`..plots.save` writes a PNG and closes it.
"""

import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    PrecisionRecallDisplay,
    RocCurveDisplay,
)

from ..plots import plt

SIZE = (8, 5)


def _short(name: str, width: int = 32) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def permutation(table: list[dict], metric):
    """Horizontal bars: how much worse the metric gets when each column is shuffled."""
    rows = table[::-1]
    fig, ax = plt.subplots(figsize=SIZE)
    ax.barh(
        [_short(r["feature"]) for r in rows],
        [r["importance"] for r in rows],
        xerr=[r["std"] for r in rows],
        color="#4C72B0",
        ecolor="#555555",
        capsize=3,
    )
    ax.axvline(0, color="black", linewidth=0.8)
    change = "drop" if metric.greater_is_better else "rise"
    ax.set_xlabel(f"{change} in {metric.label} when the column is shuffled (held-out folds)")
    ax.set_ylabel("feature")
    ax.set_title("Permutation importance")
    return "permutation_importance", fig


def shap_summary(explanation: dict, top: int):
    """Beeswarm of SHAP values per original column (one output), or mean |SHAP| per class."""
    values, outputs = explanation["values"], explanation["outputs"]
    names = [_short(n) for n in explanation["features"].columns]
    scale = explanation["output"]["scale"]
    if values.shape[2] == 1:
        import shap  # here, not at the top: importing it costs about a second

        plt.figure()  # summary_plot draws on the current figure
        with warnings.catch_warnings():  # non-numeric columns are all NaN: grey, on purpose
            warnings.simplefilter("ignore", RuntimeWarning)
            shap.summary_plot(
                values[:, :, 0],
                features=explanation["features"].to_numpy(),
                feature_names=names,
                max_display=top,
                show=False,
                plot_size=SIZE,
            )
        fig = plt.gcf()
        fig.axes[0].set_xlabel(f"SHAP value: effect on {scale} for {outputs[0]}")
        fig.axes[0].set_ylabel("feature (colour: its value; grey: not numeric)")
    else:
        strength = np.abs(values).mean(axis=0)  # columns, classes
        order = np.argsort(strength.sum(axis=1))[-top:]
        fig, ax = plt.subplots(figsize=SIZE)
        left = np.zeros(len(order))
        for k, output in enumerate(outputs):
            ax.barh([names[i] for i in order], strength[order, k], left=left, label=output)
            left += strength[order, k]
        ax.legend(title="class")
        ax.set_xlabel(f"mean |SHAP value| ({scale}), stacked by class")
        ax.set_ylabel("feature")
    fig.axes[0].set_title(f"SHAP summary ({explanation['output']['explainer']} explainer)")
    return "shap_summary", fig


def partial_dependence(results: list[dict], target: str):
    """One panel per feature: the average prediction as that feature alone varies."""
    fig, axes = plt.subplots(1, len(results), figsize=SIZE, sharey=True, squeeze=False)
    for ax, result in zip(axes[0], results, strict=True):
        grid = result["grid"]
        for output, curve in result["curves"].items():
            if result["kind"] == "numeric":
                ax.plot(grid, curve, marker=".", label=output)
            else:
                ax.plot([str(g) for g in grid], curve, marker="o", linestyle="none", label=output)
        ax.set_xlabel(_short(result["feature"], 24))
        ax.tick_params(axis="x", labelrotation=30)
    first = results[0]
    regression = list(first["curves"]) == ["prediction"]
    axes[0][0].set_ylabel(f"predicted {target}" if regression else f"predicted P({target})")
    if not regression:
        axes[0][-1].legend(title=target, fontsize="small")
    fig.suptitle("Partial dependence of the most important features")
    fig.tight_layout()
    return "partial_dependence", fig


def performance(oof: pd.DataFrame, task: str, target: str) -> list:
    """Figures of the out-of-fold predictions: what the model gets right and wrong."""
    if task == "regression":
        return [_predicted_vs_actual(oof, target), _residuals(oof, target)]
    return [_confusion(oof, target), *_curves(oof, task, target)]


def _confusion(oof: pd.DataFrame, target: str):
    labels = sorted(oof["y_true"].unique())
    fig, ax = plt.subplots(figsize=SIZE)
    ConfusionMatrixDisplay.from_predictions(
        oof["y_true"], oof["y_pred"], labels=labels, ax=ax, colorbar=False, cmap="Blues"
    )
    ax.set_title(f"Confusion matrix of out-of-fold predictions ({target})")
    ax.set_xlabel(f"predicted {target}")
    ax.set_ylabel(f"true {target}")
    return "confusion_matrix", fig


def _curves(oof: pd.DataFrame, task: str, target: str) -> list:
    labels = sorted(oof["y_true"].unique())
    shown = labels[1:] if task == "binary" else labels
    roc, ax_roc = plt.subplots(figsize=SIZE)
    pr, ax_pr = plt.subplots(figsize=SIZE)
    for label in shown:
        truth, score = oof["y_true"] == label, oof[f"proba_{label}"]
        name = f"{target} = {label}"
        RocCurveDisplay.from_predictions(truth, score, ax=ax_roc, name=name)
        PrecisionRecallDisplay.from_predictions(truth, score, ax=ax_pr, name=name)
    ax_roc.plot([0, 1], [0, 1], linestyle="--", color="grey", label="chance")
    ax_roc.legend(loc="lower right")
    scope = "" if task == "binary" else " (one class vs the rest)"
    ax_roc.set_title(f"ROC curve of out-of-fold predictions{scope}")
    ax_pr.set_title(f"Precision-recall curve of out-of-fold predictions{scope}")
    ax_roc.set_xlabel("false positive rate")
    ax_roc.set_ylabel("true positive rate")
    ax_pr.set_xlabel("recall")
    ax_pr.set_ylabel("precision")
    return [("roc_curve", roc), ("precision_recall", pr)]


def _predicted_vs_actual(oof: pd.DataFrame, target: str):
    fig, ax = plt.subplots(figsize=SIZE)
    ax.scatter(oof["y_true"], oof["y_pred"], s=10, alpha=0.5)
    low = min(oof["y_true"].min(), oof["y_pred"].min())
    high = max(oof["y_true"].max(), oof["y_pred"].max())
    ax.plot([low, high], [low, high], linestyle="--", color="grey", label="perfect prediction")
    ax.legend()
    ax.set_xlabel(f"actual {target}")
    ax.set_ylabel(f"predicted {target} (out of fold)")
    ax.set_title("Predicted vs actual, out of fold")
    return "predicted_vs_actual", fig


def _residuals(oof: pd.DataFrame, target: str):
    residual = oof["y_true"] - oof["y_pred"]
    fig, ax = plt.subplots(figsize=SIZE)
    ax.scatter(oof["y_pred"], residual, s=10, alpha=0.5)
    ax.axhline(0, color="grey", linestyle="--")
    ax.set_xlabel(f"predicted {target} (out of fold)")
    ax.set_ylabel("residual (actual − predicted)")
    ax.set_title("Residuals of out-of-fold predictions")
    return "residuals", fig
