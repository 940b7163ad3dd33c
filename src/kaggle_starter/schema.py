"""What data/processed/schema.json says about the columns: pure functions of the schema dict.

`make data` decides each column's role once (numeric, categorical, text, datetime, id, constant,
target); everything downstream asks these functions which columns are features, so the rule
"ids and constants are never features" lives in one place.
"""

import pandas as pd

FEATURE_ROLES = ("numeric", "categorical", "text", "datetime")


def feature_columns(schema: dict) -> dict[str, list[str]]:
    """Model inputs by role; id, constant and target columns are left out."""
    grouped: dict[str, list[str]] = {role: [] for role in FEATURE_ROLES}
    for column in schema["columns"]:
        if column["role"] in grouped:
            grouped[column["role"]].append(column["name"])
    return grouped


def model_features(schema: dict) -> set[str]:
    """The feature columns a model may read: with a test file, those it has too."""
    has_test = bool(schema.get("files", {}).get("test"))
    return {
        c["name"]
        for c in schema["columns"]
        if c["role"] in FEATURE_ROLES and (c.get("in_test") or not has_test)
    }


def split_target(frame: pd.DataFrame, schema: dict) -> tuple[pd.DataFrame, pd.Series]:
    """Features (in schema order) and the target of a processed table.

    With a test file, a column only train has is left out: no row to predict has it, so no
    model may read it (the EDA and the data-quality audit still see it in the table).
    """
    features = [c["name"] for c in schema["columns"] if c["name"] in model_features(schema)]
    return frame[features], frame[schema["target"]]


def day_first_columns(schema: dict) -> set[str]:
    """The date columns written day first (31/12/2020), as `make data` found them."""
    return {c["name"] for c in schema["columns"] if c.get("dayfirst")}
