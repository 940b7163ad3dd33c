"""Sentences a reader can check against the interpretation figures, written from the numbers."""

import numpy as np

from ..config import Config
from ..metrics import get_metric
from ..text import amount, names


def _named(items: list[str]) -> str:
    return names(items, quote="`")


def sentences(cfg: Config, permutation, explanation, dependence, performance) -> list[str]:
    """A few sentences a reader can check against the figures, written from the numbers."""
    metric = get_metric(cfg.metric, cfg.task)
    said = []
    useful = [row for row in permutation if row["importance"] > 0]
    if useful:
        lead = useful[0]
        said.append(
            f"On held-out folds, shuffling {_named([lead['feature']])} worsens the model's "
            f"{metric.label} by {lead['importance']:.4f} on average, more than any other column"
            + (
                f"; {_named([r['feature'] for r in useful[1:3]])} come next."
                if len(useful) > 1
                else "."
            )
        )
        idle = [row["feature"] for row in permutation if row["importance"] <= 0]
        if idle:
            verb = "does" if len(idle) == 1 else "do"
            among = " among them" if len(idle) > 3 else ""
            said.append(
                f"{len(idle)} of {len(permutation)} columns {verb} not help on unseen rows "
                f"(shuffling costs nothing): {_named(idle[:3])}{among}."
            )
    if explanation:
        said.extend(_shap_sentences(cfg, explanation))
    for curve in dependence[:2]:
        said.append(_pd_sentence(cfg, curve))
    if performance:
        said.append(_performance_sentence(cfg.task, performance))
    return said


def _effect(cfg: Config, output: str) -> str:
    if cfg.task == "regression":
        return f"the predicted `{cfg.target}`"
    return f"the predicted chance of `{cfg.target}` = {output}"


def _shap_sentences(cfg: Config, explanation: dict) -> list[str]:
    said = []
    table = explanation["table"]
    for row in [r for r in table[:3] if r["mean_abs_shap"] >= 0.01 * table[0]["mean_abs_shap"]]:
        effect = _effect(cfg, row["output"])
        if row.get("correlation") is not None and abs(row["correlation"]) >= 0.3:
            way = "raise" if row["correlation"] > 0 else "lower"
            said.append(
                f"SHAP: higher values of `{row['feature']}` {way} {effect} (correlation of the "
                f"column with its SHAP values {row['correlation']:+.2f})."
            )
        elif "raises" in row:
            said.append(
                f"SHAP: `{row['feature']}` = {row['raises']} raises {effect} the most and "
                f"{row['lowers']} lowers it the most."
            )
        elif row.get("correlation") is not None:
            said.append(
                f"SHAP: `{row['feature']}` matters (mean |SHAP| {row['mean_abs_shap']:.4f}) but "
                "not monotonically: its effect depends on the range or on other columns."
            )
    return said


def _pd_sentence(cfg: Config, curve: dict) -> str:
    effect = _effect(cfg, curve["output"])
    name = f"`{curve['feature']}`"
    if curve["flat"]:
        return (
            f"Partial dependence: on its own, {name} barely moves {effect} "
            f"(a spread of {amount(curve['range'])}); its effect, if any, works through other "
            "columns."
        )
    if "slope_correlation" in curve:
        r = curve["slope_correlation"]
        shape = "rises" if r >= 0.5 else "falls" if r <= -0.5 else "moves non-monotonically"
        return (
            f"Partial dependence: as {name} grows across its 5th–95th percentiles, {effect} "
            f"{shape}, spanning {amount(curve['range'])}."
        )
    return (
        f"Partial dependence: {effect} is highest for {name} = {curve['highest']} and lowest "
        f"for {curve['lowest']} (a spread of {amount(curve['range'])})."
    )


def _performance_sentence(task: str, p: dict) -> str:
    if task == "regression":
        return (
            f"Out of fold, the predictions explain R² = {p['r2']:.4f} of the variance with a mean "
            f"absolute error of {amount(p['mae'])}; residuals average {amount(p['residual_mean'])}."
        )
    if task == "binary":
        matrix = np.asarray(p["confusion_matrix"])
        neg, pos = p["labels"]
        return (
            f"Out of fold, ROC AUC is {p['roc_auc']:.4f} and average precision "
            f"{p['average_precision']:.4f}; the model mistakes {matrix[0, 1]} rows of class "
            f"{neg} for {pos} and {matrix[1, 0]} of class {pos} for {neg}."
        )
    matrix = np.asarray(p["confusion_matrix"], dtype=float)
    off = matrix - np.diag(np.diag(matrix))
    i, j = np.unravel_index(off.argmax(), off.shape)
    confusion = (
        f"; the most frequent confusion is {p['labels'][i]} predicted as {p['labels'][j]} "
        f"({int(off[i, j])} row{'s' if off[i, j] > 1 else ''})"
        if off[i, j] > 0
        else ""
    )
    return f"Out of fold, one-vs-rest ROC AUC is {p['roc_auc_ovr']:.4f}{confusion}."
