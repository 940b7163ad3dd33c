"""The user's learned steps (features.learned_steps): they reach the model, are told the task,
and a mistake in them is one sentence before any model is fitted."""

import os

import numpy as np
import pandas as pd
import pytest
from example import features
from sklearn.preprocessing import FunctionTransformer, StandardScaler, TargetEncoder

from kaggle_starter.errors import ProjectError
from kaggle_starter.modeling.engineering import check_learned_steps
from kaggle_starter.modeling.learned import GroupStatistic, told_the_task
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.modeling.suite import available

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROWS = 300
SCHEMA = {
    "files": {"train": "train.csv"},
    "columns": [
        {"name": "city", "role": "categorical", "n_unique": 6},
        {"name": "size", "role": "numeric", "n_unique": ROWS},
        {"name": "label", "role": "target", "n_unique": 2},
    ],
}
MODELS = [m for m in ("linear", "hist_gradient_boosting", "lightgbm") if available(m)]


def _table(seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    city = rng.choice(list("abcdef"), ROWS)
    X = pd.DataFrame({"city": city, "size": rng.normal(100, 20, ROWS).round(1)})
    return X, pd.Series(np.where(np.isin(city, list("abc")), "yes", "no"))


def _feature_names(model) -> list[str]:
    core = model.steps[-1][1]
    return list(core.named_steps["features"].named_steps["columns"].get_feature_names_out())


@pytest.mark.parametrize("name", MODELS)
def test_a_learned_column_reaches_the_model(monkeypatch, name):
    monkeypatch.setattr(
        features, "learned_steps", lambda: [GroupStatistic(by="city", of="size", stat="median")]
    )
    X, y = _table()
    model = build_model(name, "binary", model_roles(SCHEMA), SCHEMA, seed=0, rows=ROWS).fit(X, y)
    assert "learned__city_median_size" in _feature_names(model)
    assert set(model.predict(X)) <= {"yes", "no"}


def test_without_learned_steps_no_column_is_added(monkeypatch):
    monkeypatch.setattr(features, "learned_steps", lambda: [])
    X, y = _table()
    model = build_model("linear", "binary", model_roles(SCHEMA), SCHEMA, seed=0, rows=ROWS)
    assert not [n for n in _feature_names(model.fit(X, y)) if n.startswith("learned__")]


def test_a_column_the_schema_knows_never_slips_in_as_learned(monkeypatch):
    """A train-only column (role-less for the model) stays out although it is in the table."""
    monkeypatch.setattr(features, "learned_steps", lambda: [GroupStatistic(by="city")])
    schema = {**SCHEMA, "files": {"train": "t", "test": "s"}}
    schema["columns"] = [
        {**c, "in_test": True} for c in SCHEMA["columns"] if c["role"] != "target"
    ] + [{"name": "outcome", "role": "numeric", "n_unique": 2, "in_test": False}]
    X, y = _table()
    X["outcome"] = (y == "yes").astype(int)
    model = build_model(
        "hist_gradient_boosting", "binary", model_roles(schema), schema, seed=0, rows=ROWS
    )
    names = _feature_names(model.fit(X, y))
    assert "learned__city_mean_target" in names
    assert not [n for n in names if "outcome" in n]


def test_an_integer_regression_target_is_encoded_as_one_number(monkeypatch):
    monkeypatch.setattr(features, "learned_steps", lambda: [GroupStatistic(by="city")])
    X, _ = _table()
    price = pd.Series(np.random.default_rng(1).integers(100_000, 400_000, ROWS))
    model = build_model(
        "hist_gradient_boosting", "regression", model_roles(SCHEMA), SCHEMA, seed=0, rows=ROWS
    ).fit(X, price)
    assert [n for n in _feature_names(model) if n.startswith("learned__")] == [
        "learned__city_mean_target"
    ]
    step = model.steps[-1][1].named_steps["learned_0"]
    assert step.target_type == "continuous" and step.encoder_.target_type_ == "continuous"


def test_the_task_fills_only_target_types_left_open():
    open_ = told_the_task(TargetEncoder(), "regression")
    assert open_.target_type == "continuous"
    chosen = told_the_task(GroupStatistic(by="city", target_type="binary"), "regression")
    assert chosen.target_type == "binary"
    assert told_the_task(StandardScaler(), "binary").get_params() == StandardScaler().get_params()


def test_a_statistic_of_a_column_per_group_and_the_overall_value_for_new_groups():
    X = pd.DataFrame({"city": ["a", "a", "b", "b", "b"], "size": [1.0, 3.0, 10.0, 20.0, 60.0]})
    step = GroupStatistic(by="city", of="size", stat="median").fit(X)
    seen = step.transform(X)["city_median_size"]
    assert seen.tolist() == [2.0, 2.0, 20.0, 20.0, 20.0]
    new = step.transform(pd.DataFrame({"city": ["z"], "size": [0.0]}))["city_median_size"]
    assert new.tolist() == [10.0]


@pytest.mark.parametrize(
    ("step", "says"),
    [
        (GroupStatistic(by="town"), "GroupStatistic failed on the training rows"),
        (StandardScaler(), "StandardScaler failed on the training rows"),
        (
            FunctionTransformer(lambda frame: frame.assign(tag="x")),
            "FunctionTransformer gives 'tag' values that are not numbers",
        ),
    ],
    ids=["unknown column", "text column", "text added"],
)
def test_a_broken_learned_step_is_one_sentence_naming_it(monkeypatch, step, says):
    monkeypatch.setattr(features, "learned_steps", lambda: [step])
    X, y = _table()
    with pytest.raises(ProjectError, match=says) as error:
        check_learned_steps(X, y, "binary")
    assert "features.py" in str(error.value) and "\n" not in str(error.value)


def test_a_learned_step_must_hand_on_a_table_of_numbers(monkeypatch):
    X, y = _table()
    numbers = X[["size"]]
    monkeypatch.setattr(features, "learned_steps", lambda: [StandardScaler()])
    with pytest.raises(ProjectError, match="returned ndarray, not the table with its 300 rows"):
        check_learned_steps(numbers, y, "binary")
    monkeypatch.setattr(features, "learned_steps", lambda: [GroupStatistic(by="city")])
    assert check_learned_steps(X, y, "binary") == ["city_mean_target"]


def test_every_class_is_named_although_the_table_is_sorted_by_it(monkeypatch):
    monkeypatch.setattr(features, "learned_steps", lambda: [GroupStatistic(by="city")])
    X, _ = _table()
    y = pd.Series(np.repeat(["a", "b", "c"], ROWS // 3))
    assert check_learned_steps(X, y, "multiclass") == [
        f"city_mean_target_{c}" for c in ("a", "b", "c")
    ]


def test_a_learned_step_reading_a_column_test_lacks_is_refused_before_it_scores(monkeypatch):
    monkeypatch.setattr(
        features, "learned_steps", lambda: [GroupStatistic(by="city", of="outcome")]
    )
    X, y = _table()
    train = X.assign(outcome=(y == "yes").astype(int))
    with pytest.raises(ProjectError, match="failed on the test rows .* columns the test rows have"):
        check_learned_steps(train, y, "binary", tested=X.head(20))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda frame: frame.drop(columns="size"), "did not hand on column 'size'"),
        (
            lambda frame: frame.assign(size=frame["size"].astype(str)),
            "gives 'size' values that are not numbers",
        ),
    ],
    ids=["drops a column", "numbers to text"],
)
def test_a_learned_step_hands_on_every_column_it_was_given(monkeypatch, change, says):
    monkeypatch.setattr(features, "learned_steps", lambda: [FunctionTransformer(change)])
    X, y = _table()
    with pytest.raises(ProjectError, match=says):
        check_learned_steps(X, y, "binary")
