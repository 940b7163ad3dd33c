"""The ensemble of out-of-fold predictions: honest scores, weights, and the refittable model."""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import get_scorer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from kaggle_starter.modeling.ensemble_selection import (
    blend,
    evaluate,
    greedy_weights,
    oof_predictions,
    score_function,
    weighted_ensemble,
)

ROUNDS = 10  # enough to show the behaviour; the sklearn scorers cost ~1 ms a call


def _oof(models, X, y, splits, method):
    return {
        name: np.asarray(cross_val_predict(model, X, y, cv=splits, method=method), dtype=float)
        for name, model in models.items()
    }


def _noise_models():
    return {
        "logistic": LogisticRegression(),
        "tree": DecisionTreeClassifier(max_depth=8, random_state=0),
        "knn": KNeighborsClassifier(5),
        "naive_bayes": GaussianNB(),
    }


def test_on_pure_noise_the_honest_score_stays_at_chance_and_the_in_sample_one_does_not():
    accuracy = score_function(get_scorer("accuracy"), [0, 1])
    honest, in_sample = [], []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        X, y = rng.normal(size=(400, 8)), rng.integers(0, 2, 400)
        splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        result = evaluate(
            _oof(_noise_models(), X, y, splits, "predict_proba"), y, splits, accuracy, rounds=ROUNDS
        )
        majority = max(np.mean(y), 1 - np.mean(y))
        assert abs(result.mean - majority) <= 0.06, (seed, result)
        assert result.in_sample > result.mean, (seed, result)
        honest.append(result.mean - majority)
        in_sample.append(result.in_sample - majority)
    # Choosing the weights on the rows it is scored on finds "signal" in noise; nesting does not.
    assert abs(np.mean(honest)) <= 0.03
    assert np.mean(in_sample) >= np.mean(honest) + 0.02


def test_the_rows_scored_in_a_fold_never_chose_that_folds_weights():
    # Regression targets that name their row: the score function sees which rows it is given.
    rng = np.random.default_rng(0)
    y = np.arange(100, dtype=float)
    preds = {name: y + rng.normal(0, 5, 100) for name in ("a", "b", "c")}
    splits = list(KFold(5, shuffle=True, random_state=0).split(y))
    calls = []

    def spy(y_true, pred):
        value = -float(np.sqrt(np.mean((y_true - pred) ** 2)))
        calls.append((frozenset(y_true.tolist()), value))
        return value

    result = evaluate(preds, y, splits, spy, rounds=3)
    for k, (_, valid) in enumerate(splits):
        fold = frozenset(y[valid].tolist())
        scored = next(i for i, call in enumerate(calls) if call == (fold, result.folds[k]))
        # The weights it was scored with were chosen by the calls just before, on other rows.
        chooser = next(rows for rows, _ in reversed(calls[:scored]) if rows != fold)
        assert not chooser & fold
        assert len(chooser | fold) == len(y)


def test_score_function_agrees_with_the_scorer_on_a_fitted_model():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    labels = np.where(y == 1, "benign", "malignant")
    model = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X[:400], labels[:400])
    proba = model.predict_proba(X[400:])
    for name in ("accuracy", "roc_auc", "neg_log_loss"):
        scorer = get_scorer(name)
        score = score_function(scorer, model.classes_)
        assert score(labels[400:], proba) == pytest.approx(scorer(model, X[400:], labels[400:]))


def _cancer():
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    labels = pd.Series(np.where(y == 1, "benign", "malignant"), index=X.index)
    members = {
        "linear": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
        "boosting": HistGradientBoostingClassifier(max_iter=50, random_state=0),
        "knn": make_pipeline(StandardScaler(), KNeighborsClassifier(15)),
    }
    return X, labels, members


def test_on_real_signal_the_ensemble_matches_the_best_model_and_refits_as_a_classifier(tmp_path):
    X, y, members = _cancer()
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
    classes = sorted(y.unique())
    oof = _oof(members, X, y, splits, "predict_proba")
    # The train stage's OOF columns are proba_<class>; oof_predictions reads them back.
    columns = {f"proba_{c}": oof["linear"][:, i] for i, c in enumerate(classes)}
    assert np.array_equal(oof_predictions(columns, classes), oof["linear"])
    score = score_function(get_scorer("neg_log_loss"), classes)
    result = evaluate(oof, y, splits, score, rounds=ROUNDS)
    singles = {
        name: np.mean([score(y.to_numpy()[v], p[v]) for _, v in splits]) for name, p in oof.items()
    }
    assert result.mean >= max(singles.values()) - 0.01
    assert result.in_sample >= result.mean - 1e-12
    assert sum(result.weights.values()) == pytest.approx(1.0)

    ensemble = weighted_ensemble(members, result.weights)
    assert is_classifier(ensemble)
    fitted = clone(ensemble).fit(X, y)
    assert list(fitted.classes_) == classes
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    assert np.allclose(proba.sum(axis=1), 1)
    assert set(fitted.predict(X)) <= set(classes)
    assert get_scorer("accuracy")(fitted, X, y) > 0.95
    kept = [name for name, _ in fitted.estimators]
    expected = blend(
        np.stack([fitted.named_estimators_[n].predict_proba(X) for n in kept]),
        np.array([result.weights[n] for n in kept]),
    )
    assert np.allclose(proba, expected)

    joblib.dump(fitted, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    assert np.array_equal(loaded.predict(X), fitted.predict(X))
    importance = permutation_importance(
        fitted, X.iloc[:150], y.iloc[:150], n_repeats=1, random_state=0, scoring="accuracy"
    )
    assert importance.importances_mean.shape == (X.shape[1],)


def test_members_with_zero_weight_are_left_out():
    _, _, members = _cancer()
    ensemble = weighted_ensemble(members, {"linear": 0.0, "boosting": 0.75, "knn": 0.25})
    assert [name for name, _ in ensemble.estimators] == ["boosting", "knn"]
    assert ensemble.weights == [0.75, 0.25]
    with pytest.raises(ValueError):
        weighted_ensemble(members, {"linear": 0.0})


def test_regression_ensemble_is_honest_and_refits_as_a_regressor(tmp_path):
    X, y = make_regression(n_samples=300, n_features=8, noise=20.0, random_state=0)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    y = y - y.min() + 1  # positive, so a log-target member can take part
    members = {
        "ridge": Ridge(alpha=1.0),
        "boosting": HistGradientBoostingRegressor(max_iter=60, random_state=0),
        "log_knn": TransformedTargetRegressor(
            regressor=KNeighborsRegressor(10), func=np.log1p, inverse_func=np.expm1
        ),
    }
    splits = list(KFold(5, shuffle=True, random_state=0).split(X))
    oof = _oof(members, X, y, splits, "predict")
    score = score_function(get_scorer("neg_root_mean_squared_error"))
    result = evaluate(oof, y, splits, score, rounds=ROUNDS)
    best = max(np.mean([score(y[v], p[v]) for _, v in splits]) for p in oof.values())
    assert result.mean >= best - 0.5  # RMSE units; the target spans a few hundred

    ensemble = weighted_ensemble(members, result.weights)
    assert is_regressor(ensemble)
    fitted = clone(ensemble).fit(X, y)
    kept = [name for name, _ in fitted.estimators]
    expected = blend(
        np.stack([fitted.named_estimators_[n].predict(X) for n in kept]),
        np.array([result.weights[n] for n in kept]),
    )
    assert fitted.predict(X).shape == (len(X),)
    assert np.allclose(fitted.predict(X), expected)
    joblib.dump(fitted, tmp_path / "model.joblib")
    assert np.allclose(joblib.load(tmp_path / "model.joblib").predict(X), expected)


def test_same_inputs_give_identical_weights_and_scores_and_ties_go_to_the_first_model():
    X, y, members = _cancer()
    splits = list(StratifiedKFold(5, shuffle=True, random_state=1).split(X, y))
    oof = _oof(members, X, y, splits, "predict_proba")
    score = score_function(get_scorer("accuracy"), sorted(y.unique()))
    first = evaluate(oof, y, splits, score, rounds=ROUNDS)
    again = evaluate(dict(oof), y, splits, score, rounds=ROUNDS)
    assert first == again
    assert np.array_equal(first.oof, again.oof)
    # The honest OOF predictions are what the honest fold scores were computed from.
    assert [score(y.to_numpy()[v], first.oof[v]) for _, v in splits] == first.folds

    twins = {"b": oof["boosting"], "a": oof["boosting"].copy(), "linear": oof["linear"]}
    weights = greedy_weights(np.stack(list(twins.values())), y.to_numpy(), score, ROUNDS)
    assert weights[1] == 0  # "a" predicts exactly as "b", which comes first
    reordered = {"a": twins["a"], "b": twins["b"], "linear": twins["linear"]}
    weights = greedy_weights(np.stack(list(reordered.values())), y.to_numpy(), score, ROUNDS)
    assert weights[1] == 0
