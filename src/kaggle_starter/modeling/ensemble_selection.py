"""An ensemble of the suite's models, weighted on their out-of-fold predictions.

Cross-validation already leaves every model's out-of-fold (OOF) predictions on the same rows, so
blending them costs no further fit. The weights come from greedy ensemble selection with
replacement (Caruana et al., 2004, "Ensemble selection from libraries of models"): start from
the best single model, then repeatedly add, with replacement, the model whose inclusion most
improves the metric of the averaged predictions, and keep the best prefix. Weights are the
selection counts over their total, so the blend stays a convex average: probabilities remain
probabilities and the ensemble is explained like any model.

Chosen by measurement over a non-negative linear stack (scipy's ``nnls`` on the members'
predictions; for classes, on the one-hot target, weights then normalised), both scored by the
honest nested procedure below on the suite's own 5-fold splits, members linear +
HistGradientBoosting + LightGBM at their defaults:

==============================  ===========  ===========  ================
data (metric)                   greedy       nnls stack   best single model
==============================  ===========  ===========  ================
Titanic (accuracy)              0.8428       0.8440       0.8428
House Prices (RMSLE)            0.1331       0.1352       0.1266
Spaceship Titanic (accuracy)    0.8031       0.8051       0.8042
California housing (RMSE)       48,157       48,155       48,392
==============================  ===========  ===========  ================

Every difference between the two is at most a fifth of a fold's standard deviation (0.010 to
0.027 here), so neither is better on these tables; greedy selection is kept because it
optimises the competition's own metric through its scorer (AUC, RMSLE, a user's scorer) where
the stack minimises squared error on the raw scale, and its weights (counts over at most 25
rounds) read plainly in a report. 10 or 50 rounds, and running all rounds instead of ending
after ``PATIENCE`` rounds without gain, changed no score by more than 0.0004; ending early cut
the cost on a 42,000 x 10-class table from 31 s to 5 s. On House Prices the honest score is
worse than the best single model: the linear model earns a third of the weight on four folds
and fails on the fifth, which holds the outliers; the nested score is meant to show exactly
that. With both boosters tuned for 60 s each, Titanic gave 0.8440 for either alone and 0.8395
honest (0.8473 in-sample) for the ensemble: with three members, two of them alike, the
ensemble rarely gains; more varied members (CatBoost, earlier runs) are where it can.

The score reported for the ensemble is honest: for each outer fold of the same CV splits the
weights are chosen on the OOF rows of the other folds and scored on this fold's rows, so no
row's label helps choose the weights it is scored with (:func:`evaluate`). The in-sample score
(weights chosen on all rows) is reported beside it; on pure noise it is visibly above chance
while the honest one is not. The members' OOF predictions of the other folds come from models
that saw this fold's labels in training, the usual approximation of nested stacking, whose
exact form would re-run the whole CV once per outer fold.

Everything here is deterministic: a tie between candidate models goes to the first in the
order given, and a tie between ensemble sizes to the smallest.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, is_classifier
from sklearn.ensemble import VotingClassifier, VotingRegressor

ROUNDS = 25  # 4 % weight resolution; more rounds only fit the OOF rows' noise closer
# Rounds without a better ensemble after which the search ends: by then it only re-adds the
# same members, and each round costs a scorer call per model (40 ms on 34,000 rows x 10 classes).
PATIENCE = 5

ScoreFunction = Callable[[np.ndarray, np.ndarray], float]


class _FixedClassifier(ClassifierMixin, BaseEstimator):
    """Answers with probabilities computed elsewhere, so a scorer can judge them.

    A scikit-learn scorer takes (estimator, X, y) and decides itself which response it needs
    (labels, the positive class's column, the whole matrix) and with which ``pos_label``.
    Handing it this stand-in keeps that logic in one place: the ensemble is scored exactly as
    each model was during cross-validation, user-written scorers included.
    """

    def __init__(self, proba=None, classes=None):
        self.proba = proba
        self.classes = classes

    def __sklearn_is_fitted__(self):
        return True

    @property
    def classes_(self):
        return self.classes

    def predict_proba(self, X):
        return self.proba

    def predict(self, X):
        return self.classes[np.argmax(self.proba, axis=1)]


class _FixedRegressor(RegressorMixin, BaseEstimator):
    """Answers with predictions computed elsewhere (see :class:`_FixedClassifier`)."""

    def __init__(self, values=None):
        self.values = values

    def __sklearn_is_fitted__(self):
        return True

    def predict(self, X):
        return self.values


def score_function(scorer, classes: Sequence | None = None) -> ScoreFunction:
    """``score(y_true, pred) -> float`` from a scikit-learn scorer; higher is better.

    ``pred`` holds probabilities with one column per class of ``classes`` (sorted, as the
    suite's ``proba_<class>`` columns are) for a classifier, predicted values for a regressor.
    Labels, where the metric wants them, are the most probable class. The value is in the
    scorer's units (error metrics negated), like every score of the train stage.
    """
    labels = None if classes is None else np.asarray(classes)

    def score(y_true: np.ndarray, pred: np.ndarray) -> float:
        # The stand-in ignores X; the scorer only passes it through.
        rows = np.zeros((len(pred), 1))
        if labels is None:
            return float(scorer(_FixedRegressor(pred), rows, y_true))
        return float(scorer(_FixedClassifier(pred, labels), rows, y_true))

    return score


def oof_predictions(oof: Mapping[str, np.ndarray], classes: Sequence | None) -> np.ndarray:
    """One model's OOF predictions as the array :func:`evaluate` takes.

    ``oof`` has the train stage's columns: ``proba_<class>`` for a classifier, which become an
    (n, k) matrix in the order of ``classes``, or ``y_pred`` for a regressor, which becomes a
    float vector. Rows that no fold validated stay NaN.
    """
    if classes is None:
        return np.asarray(oof["y_pred"], dtype=float)
    return np.column_stack([np.asarray(oof[f"proba_{c}"], dtype=float) for c in classes])


def blend(preds: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted average over the first axis (models) of stacked predictions."""
    return np.tensordot(weights, preds, axes=1)


def greedy_weights(
    preds: np.ndarray, y: np.ndarray, score: ScoreFunction, rounds: int = ROUNDS
) -> np.ndarray:
    """Caruana's ensemble selection with replacement; returns one weight per model (sum 1).

        ``preds`` stacks the models' predictions on the first axis: (models, rows) or
        (models, rows, classes). The ensemble starts as the best single model; each round adds
        the model that scores best in the running average, and the best of the ``rounds`` prefixes
        is kept, so a model can only enter where it helps the metric on these rows. The search ends
    early once ``PATIENCE`` rounds in a row found nothing better.
    """
    singles = np.array([score(y, p) for p in preds])
    first = _first_best(singles)
    counts = np.zeros(len(preds), dtype=int)
    counts[first] = 1
    total = preds[first].copy()
    best_score, best_counts = singles[first], counts.copy()
    best_size = 1
    for size in range(2, rounds + 1):
        if size - best_size > PATIENCE:
            break
        candidates = np.array([score(y, (total + p) / size) for p in preds])
        chosen = _first_best(candidates)
        counts[chosen] += 1
        total += preds[chosen]
        if candidates[chosen] > best_score:  # strictly: a tie keeps the smaller ensemble
            best_score, best_counts, best_size = candidates[chosen], counts.copy(), size
    return best_counts / best_counts.sum()


def _first_best(scores: np.ndarray) -> int:
    # A metric undefined on these rows (NaN) must never win; argmax takes the first of ties.
    return int(np.argmax(np.where(np.isnan(scores), -np.inf, scores)))


@dataclass
class EnsembleResult:
    """Weights and scores of the ensemble, scores in the scorer's units (higher is better).

    ``folds``, ``mean`` and ``std`` are the honest nested scores (weights chosen without the
    fold's rows), comparable with any single model's CV scores on the same splits;
    ``in_sample`` and ``in_sample_folds`` score the final weights, chosen on all rows, on the
    same folds: the optimistic number, reported beside the honest one. ``weights`` holds the
    members with a weight above zero, in the order the models were given. ``oof`` holds the
    honest out-of-fold predictions (each fold blended with the weights chosen without it),
    shaped like a member's, for the OOF file and the performance plots.
    """

    weights: dict[str, float]
    folds: list[float]
    mean: float
    std: float
    in_sample: float
    in_sample_folds: list[float]
    fold_weights: list[dict[str, float]] = field(default_factory=list)
    oof: np.ndarray | None = field(default=None, compare=False, repr=False)


def _named(names: Sequence[str], weights: np.ndarray) -> dict[str, float]:
    return {name: float(w) for name, w in zip(names, weights, strict=True) if w > 0}


def evaluate(
    predictions: Mapping[str, np.ndarray],
    y,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    score: ScoreFunction,
    rounds: int = ROUNDS,
) -> EnsembleResult:
    """Choose the ensemble's weights and score them honestly on the CV folds.

    ``predictions`` maps each model's name to its OOF predictions (see :func:`oof_predictions`),
    all from the same ``splits``. For every outer fold, weights are chosen on the other
    validated rows and scored on this fold's rows; the final weights, for the refit, are
    chosen on every validated row. Rows some model has no prediction for (never validated, as
    the first block of a time split) take no part.
    """
    names = list(predictions)
    preds = np.stack([np.asarray(predictions[name], dtype=float) for name in names])
    y = np.asarray(y)
    usable = np.isfinite(preds.reshape(len(names), len(y), -1)).all(axis=(0, 2))
    weights = greedy_weights(preds[:, usable], y[usable], score, rounds)
    folds, in_sample_folds, fold_weights = [], [], []
    oof = np.full(preds.shape[1:], np.nan)
    for _, valid_rows in splits:
        valid = valid_rows[usable[valid_rows]]
        choose = usable.copy()
        choose[valid] = False
        chosen = greedy_weights(preds[:, choose], y[choose], score, rounds)
        oof[valid] = blend(preds[:, valid], chosen)
        folds.append(score(y[valid], oof[valid]))
        in_sample_folds.append(score(y[valid], blend(preds[:, valid], weights)))
        fold_weights.append(_named(names, chosen))
    return EnsembleResult(
        weights=_named(names, weights),
        folds=folds,
        mean=float(np.mean(folds)),
        std=float(np.std(folds)),
        in_sample=float(np.mean(in_sample_folds)),
        in_sample_folds=in_sample_folds,
        fold_weights=fold_weights,
        oof=oof,
    )


def weighted_ensemble(members: Mapping[str, BaseEstimator], weights: Mapping[str, float]):
    """An unfitted estimator averaging the members with these weights; ``fit`` refits them.

    scikit-learn's soft ``VotingClassifier`` and ``VotingRegressor`` are exactly a weighted
    average of ``predict_proba`` (labels by argmax, spelled as ``classes_``) or of ``predict``:
    they fit clones of the members, so ``clone(ensemble).fit`` works wherever a model is
    refitted (permutation importance on folds), they are classifiers or regressors to the
    scorers, and they pickle with joblib. Members whose weight is zero are left out, so they
    cost nothing at fit or predict time.
    """
    kept = [(name, members[name]) for name in members if weights.get(name, 0) > 0]
    if not kept:
        raise ValueError("weighted_ensemble needs at least one member with a positive weight")
    shares = [float(weights[name]) for name, _ in kept]
    if is_classifier(kept[0][1]):
        return VotingClassifier(kept, voting="soft", weights=shares)
    return VotingRegressor(kept, weights=shares)
