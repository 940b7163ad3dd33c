"""Tests of your own functions in features.py: `make test` runs them in seconds.

They run on a small table you write by hand, so they show what each function is meant to do.
Add a test beside each fix or feature you write (a placeholder replaced, a ratio computed).
"""

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import features


def small_table() -> pd.DataFrame:
    return pd.DataFrame({"number": [1.0, np.nan, 3.0], "level": ["a", "b", None]})


def test_clean_keeps_every_row_in_order():
    table = small_table()
    cleaned = features.clean(table.copy())
    assert isinstance(cleaned, pd.DataFrame)
    assert list(cleaned.index) == list(table.index)


def test_add_features_keeps_every_row_and_adds_columns_only():
    cleaned = features.clean(small_table())
    added = features.add_features(cleaned.copy())
    assert len(added) == len(cleaned)
    assert set(cleaned.columns) <= set(added.columns)


def test_learned_steps_are_scikit_learn_transformers():
    for step in features.learned_steps():
        assert hasattr(step, "fit") and hasattr(step, "transform")
