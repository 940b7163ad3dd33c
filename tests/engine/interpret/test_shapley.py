"""Sampled Shapley values add up, as SHAP values must: contributions = prediction - background."""

import os

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from kaggle_starter.interpret.shapley import SHAPLEY_BATCH_ROWS, sampled_shapley

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _fitted(rows=300, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "size": rng.normal(10, 3, rows),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], rows)),
            "noise": rng.normal(0, 1, rows),
        }
    )
    y = 2 * X["size"] + (X["colour"] == "red") * 5 + rng.normal(0, 0.1, rows)
    model = HistGradientBoostingRegressor(max_iter=50, categorical_features="from_dtype")
    return model.fit(X, y), X


def _backgrounds(n: int, p: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The (explained row, background row) pairs sampled_shapley draws with this seed."""
    rng = np.random.default_rng(seed)
    draws = max(1, SHAPLEY_BATCH_ROWS // (2 * n * (p + 1)))
    for _ in range(n * draws):
        rng.permutation(p)
    rows = np.tile(np.repeat(np.arange(n), draws), 2)
    return rows, rng.integers(0, n, size=len(rows))


def test_each_row_s_contributions_sum_to_its_prediction_minus_the_background():
    model, X = _fitted()
    rows = X.iloc[:20]
    values = sampled_shapley(model.predict, rows, seed=0)
    assert values.shape == (20, 3, 1)
    predicted = model.predict(rows)
    explained, background = _backgrounds(len(rows), rows.shape[1], seed=0)
    expected = np.zeros(len(rows))
    np.add.at(expected, explained, predicted[explained] - predicted[background])
    expected /= np.bincount(explained)
    np.testing.assert_allclose(values.sum(axis=(1, 2)), expected, atol=1e-9)


def test_the_strong_column_gets_the_large_values_and_noise_the_small_ones():
    model, X = _fitted()
    strength = np.abs(sampled_shapley(model.predict, X.iloc[:40], seed=1)).mean(axis=(0, 2))
    assert strength[0] > strength[1] > strength[2]


def test_a_smaller_batch_predicts_fewer_composite_rows_and_still_adds_up():
    model, X = _fitted()
    rows, predicted = X.iloc[:20], []

    def answer(frame):
        predicted.append(len(frame))
        return model.predict(frame)

    full = sampled_shapley(answer, rows, seed=0)
    half = sampled_shapley(answer, rows, seed=0, batch_rows=SHAPLEY_BATCH_ROWS // 2)
    assert predicted[1] <= predicted[0] // 2 + 2 * len(rows) * (rows.shape[1] + 1)
    assert predicted[1] < predicted[0]
    np.testing.assert_allclose(half.sum(axis=(1, 2)).mean(), full.sum(axis=(1, 2)).mean(), atol=1)
