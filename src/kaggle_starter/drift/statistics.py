"""Has the data the model serves moved away from the data it learnt from? Pure functions of frames.

The measures are :mod:`..shift`'s, the ones the EDA and the data-quality audit report for train
against test: PSI with a KS or chi-square test per feature (Bonferroni across features), the
missing-share change, unseen categories, and an adversarial AUC over all features at once. This
module applies them to served rows (and the predictions to the out-of-fold ones) and writes the
result in ``monitoring.json``'s shape, where the second table is called "served" and a shifted
feature "drifted".
"""

import pandas as pd

from .. import shift
from ..schema import model_features
from ..shift import (
    ADVERSARIAL_AUC,
    ALPHA,
    MISSING_SHIFT,
    PSI_SHIFT,
    UNSEEN_SHARE,
    Adversarial,
    FeatureShift,
)
from .text import OOV_SHIFT, reason, text_drift


def _served(sides: dict) -> dict:
    """A two-sided dict of :mod:`..shift` with the second side named as the monitor names it."""
    return {("served" if side == "test" else side): value for side, value in sides.items()}


def _entry(measured: FeatureShift) -> dict:
    """One feature as ``monitoring.json`` records it (and the report page reads it)."""
    entry = {
        "name": measured.name,
        "role": measured.role,
        "psi": measured.psi,
        "test": measured.test,
        "p_value": measured.p_value,
        "missing": _served(measured.missing),
        "missing_p_value": measured.missing_p_value,
        "distribution": {"bins": measured.bins, **_served(measured.shares)},
    }
    if measured.unseen is not None:
        entry["unseen"] = measured.unseen
    reasons = list(measured.reasons.values())
    entry.update(drifted=bool(reasons), reasons=reasons)
    return entry


def _adversarial(measured: Adversarial) -> dict:
    if measured.auc is None:
        return {"auc": None, "reason": measured.reason}
    return {"auc": measured.auc, "rows": _served(measured.rows), "drifted": measured.shifted}


def _prediction_drift(oof: pd.DataFrame | None, served: pd.DataFrame | None, task: str):
    if oof is None or served is None or "y_pred" not in served or served["y_pred"].empty:
        return None
    role = "numeric" if task == "regression" else "categorical"
    return _entry(shift.feature_shift("prediction", role, oof["y_pred"], served["y_pred"]))


def compare(
    train: pd.DataFrame,
    served: pd.DataFrame,
    schema: dict,
    *,
    oof_predictions: pd.DataFrame | None = None,
    served_predictions: pd.DataFrame | None = None,
    served_lengths: pd.DataFrame | None = None,
    seed: int = 0,
) -> dict:
    """Drift of ``served`` rows against ``train``, per feature and as a whole (JSON-safe dict).

    ``served`` may come from the prediction log or a CSV: values are coerced to each column's
    role, and a feature the batch lacks counts as entirely missing. The prediction entries take
    frames with a ``y_pred`` column (the out-of-fold table ``make train`` writes, and the logged
    answers). ``served_lengths`` holds the full lengths of served texts the log stored cut.
    """
    usable = model_features(schema)  # a column only train has is never served
    roles = {
        c["name"]: c["role"]
        for c in schema["columns"]
        if c["name"] in usable and c["name"] in train.columns
    }
    served = served.reindex(columns=list(roles))  # a feature the batch lacks is all missing
    features = [_entry(f) for f in shift.compare_features(train, served, roles, seed=seed)]
    _text_measures(features, train, served, served_lengths, seed)
    predictions = _prediction_drift(oof_predictions, served_predictions, schema.get("task", ""))
    adversarial = _adversarial(shift.adversarial(train, served, roles, seed=seed))
    result = {
        "rows": {"train": len(train), "served": len(served)},
        "thresholds": {
            "psi": PSI_SHIFT,
            "alpha": ALPHA,
            "alpha_per_feature": shift.alpha_per_feature(len(roles)),
            "missing_change": MISSING_SHIFT,
            "unseen_share": UNSEEN_SHARE,
            "unseen_words": OOV_SHIFT,
            "adversarial_auc": ADVERSARIAL_AUC,
        },
        "features": features,
        "predictions": predictions,
        "adversarial": adversarial,
        "drifted": [f["name"] for f in features if f["drifted"]],
    }
    result["alarm"] = bool(
        result["drifted"] or (predictions or {}).get("drifted") or adversarial.get("drifted")
    )
    result["summary"] = summary(result)
    return result


def _text_measures(
    features: list[dict],
    train: pd.DataFrame,
    served: pd.DataFrame,
    lengths: pd.DataFrame | None,
    seed: int,
) -> None:
    """Each text feature's lengths and new words (``text``; see :mod:`.text`), and "unseen
    words" among its reasons when served texts hold more new words than chance gives."""
    alpha = shift.alpha_per_feature(len(features))
    for entry in features:
        if entry["role"] != "text":
            continue
        name = entry["name"]
        known = lengths[name] if lengths is not None and name in lengths else None
        measured = text_drift(
            name, train[name], served[name], alpha=alpha, seed=seed, served_lengths=known
        )
        entry["text"] = measured
        if measured["oov"]["drifted"]:
            entry["reasons"].append(reason(measured))
            entry["drifted"] = True


def summary(result: dict) -> str:
    """One sentence: whether anything drifted, and what."""
    features, drifted = result["features"], result["drifted"]
    auc = result["adversarial"].get("auc")
    rows = result["rows"]
    adversarial = f"adversarial AUC {auc:.2f}" if auc is not None else "no adversarial AUC"
    moved = (result["predictions"] or {}).get("drifted")
    flagged = result["adversarial"].get("drifted")
    if not result["alarm"]:
        largest = max(features, key=lambda f: f["psi"] or 0, default=None)
        top = f"largest PSI {largest['psi']:.2f} ({largest['name']}), " if largest else ""
        return (
            f"No drift: {rows['served']:,} served rows match the {rows['train']:,} training rows "
            f"on all {len(features)} features ({top}{adversarial})."
        )
    named = "; ".join(f"{f['name']} ({', '.join(f['reasons'])})" for f in features if f["drifted"])
    parts = [f"Drift in {len(drifted)} of {len(features)} features: {named}"] if drifted else []
    if moved:
        parts.append(f"the predictions moved (PSI {result['predictions']['psi']:.2f})")
    if flagged:
        parts.append(f"served rows are easy to tell from training rows ({adversarial})")
    elif auc is not None:
        parts.append(adversarial)
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + f", on {rows['served']:,} served rows."
