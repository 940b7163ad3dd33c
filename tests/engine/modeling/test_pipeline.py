"""The feature pipelines and the model suite on a tiny in-memory table: fast and offline."""

import os

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.config import load_config
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles, preprocessor
from kaggle_starter.modeling.splits import cv_splitter
from kaggle_starter.modeling.suite import (
    MODEL_NAMES,
    available,
    booster_defaults,
    large_table_choice,
    size_tier,
)

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROWS = 120


def _frame(rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    title = rng.choice(["Mr", "Mrs", "Miss"], rows)
    colour = pd.Series(rng.choice(["red", "green", "blue"], rows), dtype=object)
    colour[rng.random(rows) < 0.2] = None
    return pd.DataFrame(
        {
            "size (cm)": rng.normal(10, 3, rows).round(1),
            "colour": colour,
            "name": [f"Smith, {t}. Person {i}" for i, t in enumerate(title)],
            "seen": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), "D"),
            "label": np.where(title == "Mr", "no", "yes"),
        }
    )


SCHEMA = {
    "files": {"train": "train.csv", "test": "test.csv"},
    "columns": [
        {"name": "size (cm)", "role": "numeric", "n_unique": ROWS, "in_test": True},
        {"name": "colour", "role": "categorical", "n_unique": 3, "in_test": True},
        {"name": "name", "role": "text", "n_unique": ROWS, "in_test": True},
        {"name": "seen", "role": "datetime", "n_unique": ROWS, "in_test": True},
        {"name": "leak", "role": "numeric", "n_unique": 2, "in_test": False},
        {"name": "label", "role": "target", "n_unique": 2, "in_test": False},
    ],
}
ROLES = model_roles(SCHEMA)


def test_roles_leave_out_columns_the_test_file_lacks():
    assert ROLES == {
        "numeric": ["size (cm)"],
        "categorical": ["colour"],
        "text": ["name"],
        "datetime": ["seen"],
    }


def test_tree_features_keep_categories_and_find_frequent_tokens():
    frame = _frame()
    features = preprocessor(ROLES, SCHEMA, linear=False).fit(frame)
    out = features.transform(frame)
    assert isinstance(out["colour"].dtype, pd.CategoricalDtype)
    assert out["colour"].isna().sum() == frame["colour"].isna().sum()
    assert {"name_token_mr", "name_token_mrs", "name_token_miss"} <= set(out.columns)
    assert {"seen_year", "seen_month", "seen_dayofweek", "seen_days"} <= set(out.columns)
    unseen = features.transform(frame.assign(colour="purple").head(3))
    assert unseen["colour"].isna().all()


def test_linear_features_are_complete_numbers():
    frame = _frame()
    out = preprocessor(ROLES, SCHEMA, linear=True).fit_transform(frame)
    dense = out.toarray() if hasattr(out, "toarray") else out
    assert np.isfinite(dense).all()
    assert dense.shape[0] == ROWS


def test_a_shared_value_is_counted_from_the_training_rows_only():
    frame = _frame().assign(name=lambda f: np.where(np.arange(len(f)) < 30, "Group A", f["name"]))
    features = preprocessor(ROLES, SCHEMA, linear=False).fit(frame)
    out = features.transform(frame.head(40))
    assert (out["name_count"].iloc[:30] == 30).all()  # 30 training rows share that value
    assert (out["name_count"].iloc[30:] == 1).all()
    new = features.transform(frame.head(1).assign(name="never seen"))
    assert new["name_count"].iloc[0] == 1


def test_the_linear_model_reads_numbers_as_splines_unless_the_table_is_wide():
    from sklearn.preprocessing import SplineTransformer, StandardScaler

    def numbers_step(roles):
        columns = preprocessor(roles, SCHEMA, linear=True).named_steps["columns"]
        block = dict((name, step) for name, step, _ in columns.transformers)["numeric"]
        return block.steps[-1][1]

    assert isinstance(numbers_step(ROLES), SplineTransformer)
    wide = {**ROLES, "numeric": [f"x{i}" for i in range(101)]}
    assert isinstance(numbers_step(wide), StandardScaler)


SMALL_LIGHTGBM = booster_defaults("lightgbm", 891, 10)


def test_booster_settings_follow_the_size_of_the_table():
    assert size_tier(891, 10) == "small"
    assert size_tier(20_640, 8) == "medium"
    assert size_tier(42_000, 784) == "large"
    assert booster_defaults("lightgbm", 891, 10)["num_leaves"] == 15
    assert booster_defaults("lightgbm", 20_640, 8)["n_estimators"] == 1000
    assert booster_defaults("hist_gradient_boosting", 20_640, 8)["early_stopping"] is False
    assert booster_defaults("lightgbm", 1_300_000, 15) == {}
    assert booster_defaults("lightgbm", 9_000, 784) == {**SMALL_LIGHTGBM, "colsample_bytree": 0.3}
    wide = booster_defaults("lightgbm", 42_000, 784)
    assert wide["colsample_bytree"] == 0.3 and wide["subsample"] == 0.5
    model = build_model("lightgbm", "binary", ROLES, SCHEMA, seed=0, rows=20_640)
    assert model.steps[-1][1].steps[-1][1].get_params()["n_estimators"] == 1000
    tuned = build_model("lightgbm", "binary", ROLES, SCHEMA, seed=0, rows=20_640,
                        params={"n_estimators": 77})  # fmt: skip
    assert tuned.steps[-1][1].steps[-1][1].get_params()["n_estimators"] == 77


def test_a_large_table_cross_validates_one_boosting_library():
    names = ["dummy", "linear", "hist_gradient_boosting", "lightgbm"]
    assert large_table_choice(names, 891, 10) == (names, [])
    kept, skipped = large_table_choice(names, 42_000, 784)
    assert kept == ["dummy", "linear", "lightgbm"] and skipped == ["hist_gradient_boosting"]
    alone = ["dummy", "hist_gradient_boosting"]
    assert large_table_choice(alone, 42_000, 784) == (alone, [])


@pytest.mark.parametrize("name", [m for m in MODEL_NAMES if available(m)])
def test_every_model_fits_and_answers_in_the_training_labels(name):
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["label"]
    model = build_model(name, "binary", ROLES, SCHEMA, seed=0, rows=len(X)).fit(X, y)
    new = _frame(10, seed=1).drop(columns="label").assign(colour="purple", name=None)
    assert set(model.predict(new)) <= {"no", "yes"}
    assert list(model.classes_) == ["no", "yes"]
    assert model.predict_proba(new).shape == (10, 2)
    if name != "dummy":
        assert (model.predict(X) == y).mean() > 0.9  # the title token gives the label away


def test_a_log_target_regressor_predicts_positive_values():
    frame = _frame()
    X, y = frame.drop(columns="label"), np.exp(frame["size (cm)"] / 3)
    model = build_model(
        "hist_gradient_boosting", "regression", ROLES, SCHEMA, seed=0, rows=ROWS, log_target=True
    )
    assert (model.fit(X, y).predict(X) > 0).all()


def test_classification_folds_are_stratified(tmp_path):
    (tmp_path / "config.yaml").write_text("data:\n  task: binary\ncv:\n  folds: 4\n")
    frame = _frame()
    splits = cv_splitter(load_config(tmp_path), frame, frame["label"])
    assert len(splits) == 4
    share = (frame["label"] == "yes").mean()
    for train_rows, valid_rows in splits:
        assert not set(train_rows) & set(valid_rows)
        assert abs((frame["label"].iloc[valid_rows] == "yes").mean() - share) < 0.05


def _coded(rows: int = 400, seed: int = 0) -> tuple[pd.DataFrame, dict, pd.Series]:
    """A many-level code: 'shared' levels of 4 rows that share an outcome, 'own' one per row."""
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(rows // 4), 4)
    outcome = rng.random(rows // 4) < 0.5
    frame = pd.DataFrame(
        {"shared": [f"G{g}" for g in group], "own": [f"R{i}" for i in range(rows)]}
    )
    schema = {
        "files": {"train": "train.csv"},
        "columns": [
            {"name": "shared", "role": "categorical", "n_unique": rows // 4},
            {"name": "own", "role": "categorical", "n_unique": rows},
        ],
    }
    return frame, schema, pd.Series(np.where(outcome[group], "yes", "no"))


def test_many_level_codes_get_a_target_mean_no_training_row_sees_its_own_answer():
    frame, schema, y = _coded()
    roles = model_roles(schema)
    features = preprocessor(roles, schema, linear=False, task="binary", seed=0)
    seen = features.fit_transform(frame, y)
    positive = (y == "yes").to_numpy()
    # A level's other rows give its outcome away: the shared code's mean is informative ...
    assert np.corrcoef(seen["shared_target"], positive)[0, 1] > 0.8
    # ... but a level only one row has is learned from other folds, where it never occurs: on
    # the training rows it says nothing, although fitted then applied it would be the answer.
    assert abs(np.corrcoef(seen["own_target"], positive)[0, 1]) < 0.2
    assert np.corrcoef(features.transform(frame)["own_target"], positive)[0, 1] > 0.8
    unseen = features.transform(frame.head(3).assign(own="never seen"))["own_target"]
    assert np.allclose(unseen, positive.mean(), atol=0.05)  # an unseen level gets the prior
    assert "shared_target" not in preprocessor(roles, schema, linear=False).fit(frame).transform(
        frame
    )  # without the task there is no target to encode


def test_an_integer_regression_target_is_encoded_as_one_number_not_as_classes():
    frame, schema, _ = _coded()
    price = pd.Series(np.random.default_rng(1).integers(100_000, 400_000, len(frame)))
    features = preprocessor(model_roles(schema), schema, linear=True, task="regression")
    features.fit(frame, price)
    names = [n for n in features.get_feature_names_out() if n.endswith("_target")]
    assert names == ["target_mean__shared_target", "target_mean__own_target"]
