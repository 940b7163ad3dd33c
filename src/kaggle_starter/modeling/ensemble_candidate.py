"""The suite's ensemble as train records and saves it, built on :mod:`.ensemble_selection`.

After cross-validation every model has out-of-fold predictions on the same folds; here they
become one more candidate named ``ensemble``: greedy weights, their honest nested score (the
weights for each fold chosen without that fold's rows) as its ``mean``/``std``/``folds``, the
in-sample score beside it, and the honest blended OOF predictions. Only the honest score
competes for ``best_model``: the in-sample one saw the labels it is scored on.

The saved ensemble is one pipeline, ``Pipeline([("user", UserFeatures()), ("model",
VotingX(cores, weights))])``: every member is a suite pipeline whose first step is the same
user step, so the step is taken off each member and put once in front, and the user's
``clean``/``add_features`` run once per prediction instead of once per member.
"""

import time

import numpy as np

from ..metrics import Metric, to_metric_units
from .ensemble_selection import evaluate, oof_predictions, score_function, weighted_ensemble
from .pipeline import split_user, with_user_features
from .threshold import decision_threshold

NAME = "ensemble"


def candidates(listed: dict[str, dict]) -> list[str]:
    """The models that may enter the ensemble: every listed model but the dummy."""
    return [name for name in listed if name not in ("dummy", NAME)]


def ensemble_entry(listed: dict[str, dict], y, splits, scorer, metric: Metric, classes):
    """The ensemble as one more result of the suite, or None with fewer than two models.

    ``listed`` maps model names to :func:`.validation.cross_validate` results (their ``oof``
    columns and their unfitted ``estimator``); ``classes`` are the sorted classes, None for a
    regression. The result has the keys a cross-validated model has (scores in the metric's
    units), plus ``in_sample``, ``in_sample_folds`` and ``weights``.
    """
    names = candidates(listed)
    if len(names) < 2:
        return None
    started = time.perf_counter()
    predictions = {name: oof_predictions(listed[name]["oof"], classes) for name in names}
    result = evaluate(predictions, np.asarray(y), splits, score_function(scorer, classes))
    units = [to_metric_units(metric, s) for s in result.folds]
    in_sample = [to_metric_units(metric, s) for s in result.in_sample_folds]
    members = {name: listed[name]["estimator"] for name in result.weights}
    oof = _oof_columns(result.oof, classes)
    threshold = decision_threshold(metric.name, oof, y, splits) if classes else None
    return {
        **({"threshold": threshold} if threshold else {}),
        "mean": float(np.mean(units)),
        "std": float(np.std(units)),
        "folds": units,
        "in_sample": float(np.mean(in_sample)),
        "in_sample_folds": in_sample,
        "weights": {name: round(w, 4) for name, w in result.weights.items()},
        # Fitting the members was paid for above; this is the cost of choosing the weights.
        "fit_seconds": round(time.perf_counter() - started, 3),
        "oof": oof,
        "estimator": ensemble_model(members, result.weights),
        "log_target": any(listed[name].get("log_target") for name in result.weights),
    }


def _oof_columns(oof: np.ndarray, classes) -> dict[str, np.ndarray]:
    """The blended OOF array in cross_validate's columns (``y_pred``, ``proba_<class>``)."""
    if classes is None:
        return {"y_pred": oof.astype(object)}
    labels = np.asarray(classes, dtype=object)
    validated = np.isfinite(oof).all(axis=1)
    predicted = np.full(len(oof), np.nan, dtype=object)
    predicted[validated] = labels[np.argmax(oof[validated], axis=1)]
    columns = {"y_pred": predicted}
    columns.update({f"proba_{c}": oof[:, i] for i, c in enumerate(classes)})
    return columns


def ensemble_model(members: dict, weights: dict[str, float]):
    """One unfitted pipeline: the user step once, then the members' cores averaged by weight."""
    user, cores = None, {}
    for name, member in members.items():
        user, cores[name] = split_user(member)
    voting = weighted_ensemble(cores, weights)
    return with_user_features(voting) if user is not None else voting


def describe(weights: dict[str, float], label=str) -> str:
    """``lightgbm 0.52, linear 0.28, ...``: the members by weight, for tables and cards."""
    ranked = sorted(weights.items(), key=lambda item: -item[1])
    return ", ".join(f"{label(name)} {weight:.2f}" for name, weight in ranked)
