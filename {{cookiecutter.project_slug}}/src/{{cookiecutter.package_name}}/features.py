"""Your cleaning and feature engineering: the one module of this package that is yours.

`make train` runs these functions inside the saved pipeline, on the raw columns, for the training
rows, the test rows and every request `make serve` answers, so a feature written here exists
everywhere the model is used. `make` notices when this file changes and redoes training and what
follows it; the run history then shows whether the change helped:

    NOTE="family size" make all
    make runs

What goes where
- ``clean(frame)``: fixes row by row: a placeholder that means "missing", a unit to convert, a
  category spelled two ways, a column to drop. The data-quality audit (`make data`) proposes
  such fixes as code you can paste here (the EDA notebook's Data quality section).
- ``add_features(frame)``: new columns computed from each row alone (a sum, a ratio, a part of
  a string). New columns get a role (numeric, categorical, text, date) like any other column.
- ``learned_steps()``: statistics that must be learned from training rows, such as the target's
  mean per group or a count per level. They are fitted inside each cross-validation fold only,
  so a fold's validation rows never see their own target. Return them as a list of
  scikit-learn transformers that take and return the table (``GroupStatistic``, imported below,
  covers the common cases); the numeric columns they add reach every model, and `make train`
  names them.

Rules
- The target column is not in ``frame`` (test rows and served requests do not have it): using it
  here is refused with a sentence naming the line.
- Return the frame; keep the row order and count (drop rows in the data, not here).
"""

import numpy as np  # noqa: F401  (for your code)
import pandas as pd
from kaggle_starter.modeling.learned import GroupStatistic  # noqa: F401  (for learned_steps)


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Row-wise fixes, applied to train and test alike. Example:

    frame["colour"] = frame["colour"].replace({"?": np.nan, "Red ": "red"})
    """
    return frame


def add_features(frame: pd.DataFrame) -> pd.DataFrame:
    """New columns computed from each row alone. Example:

    frame["rooms_per_person"] = frame["rooms"] / frame["people"]
    """
    return frame


def learned_steps() -> list:
    """Transformers fitted on each fold's training rows only. Example:

    return [GroupStatistic(by="city")]  # the target's mean per city, cross-fitted in each fold
    """
    return []
