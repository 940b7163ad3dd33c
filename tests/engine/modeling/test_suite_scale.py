"""The suite's rules for a huge table (models, folds, rounds) and predicting in batches: the rule
functions called with row counts, and real fits on a small table, so nothing here is big."""

import dataclasses
import os

import numpy as np
import pandas as pd

from kaggle_starter.config import load_config
from kaggle_starter.interpret import permutation
from kaggle_starter.modeling import suite
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.modeling.splits import cv_splitter, fold_count
from kaggle_starter.modeling.suite import booster_defaults, huge_table, large_table_choice
from kaggle_starter.submission import in_batches, predictions

os.environ.setdefault("OMP_NUM_THREADS", "1")
SUITE = ["dummy", "linear", "hist_gradient_boosting", "lightgbm", "xgboost", "catboost"]
TEN_MILLION = 10_000_000


def test_a_huge_table_is_the_baselines_and_the_boosters_that_stop_early(capsys):
    assert not huge_table(1_300_000) and huge_table(TEN_MILLION)
    kept, skipped = large_table_choice(SUITE, TEN_MILLION, 15)
    assert kept == ["dummy", "linear", "hist_gradient_boosting", "lightgbm"]
    assert skipped == ["xgboost", "catboost"]
    said = capsys.readouterr().out
    assert "lightgbm and hist_gradient_boosting stop early" in said
    assert "xgboost" not in said.split("skipping")[0]  # it does not stop early in-process
    assert "linear fits on a seeded sample of 500,000 rows" in said
    # On a cluster XGBoost stays: it trains one model across the workers if need be.
    kept, skipped = large_table_choice(SUITE, TEN_MILLION, 15, cluster=True)
    assert kept[-1] == "xgboost" and skipped == ["catboost"]
    # 1.3 million rows: one booster, as on any large table.
    kept, _ = large_table_choice(SUITE, 1_300_000, 15)
    assert kept == ["dummy", "linear", "lightgbm"]


def test_a_huge_table_keeps_the_one_booster_listed_when_none_stops_early(capsys):
    kept, skipped = large_table_choice(["dummy", "xgboost", "catboost"], TEN_MILLION, 15)
    assert (kept, skipped) == (["dummy", "xgboost"], ["catboost"])
    said = capsys.readouterr().out
    assert "keeping xgboost alone" in said and "stop early" not in said
    assert large_table_choice(["dummy", "linear"], TEN_MILLION, 15) == (["dummy", "linear"], [])


def test_a_huge_table_gets_fewer_rounds_at_a_higher_rate():
    huge = booster_defaults("lightgbm", TEN_MILLION, 15)
    assert huge["learning_rate"] == 0.2 and huge["n_estimators"] == 100
    assert huge["subsample"] == 0.5 and huge["max_bin"] == 63
    assert booster_defaults("lightgbm", 1_300_000, 15) == {}
    assert booster_defaults("hist_gradient_boosting", TEN_MILLION, 15)["max_iter"] == 100


def test_folds_drop_to_three_only_from_the_default():
    assert fold_count(5, TEN_MILLION) == 3
    assert fold_count(5, 1_300_000) == 5
    assert fold_count(4, TEN_MILLION) == 4  # the owner's own number wins
    assert fold_count(2, TEN_MILLION) == 2


def _frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.normal(10, 3, rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    label = np.where(size + (colour == "red") * 2 + rng.normal(0, 1, rows) > 11, "yes", "no")
    return pd.DataFrame({"size": size, "colour": colour, "label": label})


SCHEMA = {
    "files": {"train": "train.csv", "test": "test.csv"},
    "columns": [
        {"name": "size", "role": "numeric", "n_unique": 300, "in_test": True},
        {"name": "colour", "role": "categorical", "n_unique": 3, "in_test": True},
        {"name": "label", "role": "target", "n_unique": 2, "in_test": False},
    ],
}


def test_the_splitter_says_when_it_uses_fewer_folds(tmp_path, monkeypatch, capsys):
    (tmp_path / "config.yaml").write_text("data:\n  task: binary\n")
    frame = _frame()
    monkeypatch.setattr(suite, "HUGE_ROWS", 100)  # this small table counts as huge
    splits = cv_splitter(load_config(tmp_path), frame, frame["label"])
    assert len(splits) == 3
    assert "3 folds instead of cv.folds' default 5" in capsys.readouterr().out
    again = cv_splitter(load_config(tmp_path), frame, frame["label"], quiet=True)
    assert len(again) == 3 and capsys.readouterr().out == ""  # said once per stage


def test_interpretation_refits_on_a_capped_sample(tmp_path, monkeypatch):
    (tmp_path / "config.yaml").write_text("data:\n  task: binary\n")
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["label"]
    monkeypatch.setattr(permutation, "REFIT_MAX_ROWS", 50)
    model = build_model("hist_gradient_boosting", "binary", model_roles(SCHEMA), SCHEMA,
                        seed=0, rows=len(X))  # fmt: skip
    first = permutation.first_fold_refit(load_config(tmp_path), model, X, y)
    assert len(first.fitted) == 50 and not set(first.fitted) & set(first.held)
    assert list(first.fitted) == sorted(first.fitted)


def test_batched_predictions_equal_one_call(tmp_path):
    (tmp_path / "config.yaml").write_text("data:\n  task: binary\n  metric: roc_auc\n")
    cfg = load_config(tmp_path)
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["label"]
    model = build_model("linear", "binary", model_roles(SCHEMA), SCHEMA, seed=0, rows=len(X))
    model.fit(X, y)
    test = _frame(101, seed=1).drop(columns="label")
    assert np.array_equal(in_batches(model.predict, test, 7), model.predict(test))
    proba = in_batches(model.predict_proba, test, 10)
    assert proba.shape == (101, 2) and np.allclose(proba, model.predict_proba(test))
    one = predictions(cfg, model, test, ["label"])
    batched = predictions(cfg, model, test, ["label"], batch_rows=9)
    assert np.allclose(one["label"], batched["label"])
    labels = predictions(
        dataclasses.replace(cfg, metric="accuracy"), model, test, ["label"], None, 13
    )
    assert list(labels["label"]) == list(model.predict(test))


def test_a_huge_tables_trees_read_float32_and_lightgbm_keeps_it(monkeypatch):
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["label"]
    roles = model_roles(SCHEMA)
    small = build_model("lightgbm", "binary", roles, SCHEMA, seed=0, rows=len(X))
    monkeypatch.setattr(suite, "HUGE_ROWS", 100)  # this small table counts as huge
    huge = build_model("lightgbm", "binary", roles, SCHEMA, seed=0, rows=len(X))
    matrices = {}
    for name, model in (("small", small), ("huge", huge)):
        features = model.fit(X, y)[-1].named_steps["features"]
        matrices[name] = features.transform(X)
    assert set(matrices["small"].dtypes.astype(str)) == {"category", "float64"}
    assert set(matrices["huge"].dtypes.astype(str)) == {"category", "float32"}
    assert (matrices["huge"]["colour"] == matrices["small"]["colour"]).all()
    from lightgbm.basic import _data_from_pandas

    values, *_ = _data_from_pandas(matrices["huge"], "auto", "auto", None)
    assert values.dtype == np.float32  # LightGBM adds no float64 copy of its own
    assert huge.predict_proba(X).shape == (len(X), 2)


def test_regression_out_of_fold_predictions_are_floats(tmp_path):
    from kaggle_starter.metrics import scorer
    from kaggle_starter.modeling.validation import cross_validate, oof_frame

    (tmp_path / "config.yaml").write_text("data:\n  task: regression\n  metric: rmse\n")
    cfg = load_config(tmp_path)
    frame = _frame()
    X, y = frame.drop(columns="label"), frame["size"] * 2.0
    schema = {**SCHEMA, "columns": SCHEMA["columns"][:2]}
    model = build_model("dummy", "regression", model_roles(schema), schema, seed=0, rows=len(X))
    splits = cv_splitter(cfg, X, y)
    result = cross_validate(cfg, "dummy", model, X, y, splits, scorer("rmse", "regression"))
    assert result["oof"]["y_pred"].dtype == np.float64  # 8 bytes a row, not a Python float
    oof = oof_frame(y, result["oof"], splits)
    assert pd.api.types.is_float_dtype(oof["y_pred"]) and oof["y_pred"].notna().all()


def test_a_model_whose_rows_depend_on_each_other_is_not_batched(capsys):
    """A features step over the whole frame (each value minus the frame's mean) answers
    differently per batch: the probe sees it and the table is predicted in one call."""
    test = pd.DataFrame({"x": np.arange(60, dtype=float)})

    def centred(frame: pd.DataFrame) -> np.ndarray:
        return (frame["x"] - frame["x"].mean()).to_numpy()

    assert np.array_equal(in_batches(centred, test, 7), centred(test))
    assert "predicted in one call" in capsys.readouterr().out
