"""The suite's small wrapper estimators, on synthetic data whose answer is known."""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.linear_model import LinearRegression

from {{ cookiecutter.package_name }}.modeling.estimators import TrimmedRegressor


def _line_with_far_rows(rows: int = 300, far: int = 6):
    """y = 2x + 1 with small noise, and ``far`` rows of large x sold at a fifth of the trend."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, rows)
    y = 2 * x + 1 + rng.normal(0, 0.3, rows)
    planted = np.argsort(x)[-far:]
    y[planted] = y[planted] / 5
    return x.reshape(-1, 1), y, planted


def test_rows_far_off_the_trend_are_left_out_of_the_refit():
    X, y, planted = _line_with_far_rows()
    plain = LinearRegression().fit(X, y)
    trimmed = TrimmedRegressor(LinearRegression()).fit(X, y)
    assert trimmed.n_trimmed_ >= len(planted)
    assert trimmed.n_trimmed_ <= len(planted) + 3  # the three-sigma rule trims few ordinary rows
    assert abs(trimmed.coef_[0] - 2) < 0.05 < abs(plain.coef_[0] - 2)  # the far rows bent it
    assert abs(trimmed.intercept_ - 1) < 0.1
    assert trimmed.predict(X).shape == (len(y),)  # every row is still predicted


def test_a_clean_line_keeps_its_rows_and_a_frame_is_indexed_by_position():
    X, y, _ = _line_with_far_rows(far=0)
    frame = pd.DataFrame(X, columns=["x"], index=np.arange(len(y)) + 1000)
    trimmed = clone(TrimmedRegressor(LinearRegression())).fit(frame, y)
    assert trimmed.n_trimmed_ <= 2
    exact = TrimmedRegressor(LinearRegression()).fit(X, 2 * X[:, 0])  # no residual at all
    assert exact.n_trimmed_ == 0
