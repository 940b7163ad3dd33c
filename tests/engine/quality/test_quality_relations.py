"""The audit's second round: stray levels, codes, keys, near copies, relations between columns,
impossible orders and influential rows. What each finding names, what its code does, that the
Kaggle-shaped fixtures stay quiet, and that the clean() and add_features() the report writes keep
the model pipeline working when pasted."""

import numpy as np
import pandas as pd
import pytest
from example import features

from kaggle_fixtures import COMPETITION_METADATA, build_competition
from kaggle_starter.eda.prose import next_steps
from kaggle_starter.ingest.detect import describe_columns
from kaggle_starter.ingest.folder import describe_folder
from kaggle_starter.modeling.engineering import feature_schema
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.quality import audit
from kaggle_starter.quality.report import quality_report

from .test_quality_checks import (
    apply,
    clean_tables,
    forced_amount,
    future_year,
    impossible_order,
    influential,
    numeric_codes,
    run,
    stray_numbers,
    sum_relation,
)

NEW_CHECKS = {
    "stray_numbers",
    "near_levels",
    "numeric_codes",
    "id_like_columns",
    "near_duplicates",
    "impossible_order",
    "sum_relations",
    "forced_amounts",
    "influential_rows",
}


def found(add, check, **roles):
    train, test = clean_tables()
    train, test = add(train, test) or (train, test)
    (finding,) = [f for f in run(train, test, **roles) if f.check == check]
    return train, test, finding


def test_stray_numbers_are_named_with_their_column_and_counts():
    _, _, finding = found(stray_numbers, "stray_numbers")
    assert finding.columns == ["colour"] and finding.counts == {"colour": 6}
    assert "'7' (4 rows)" in finding.message and "'12' (2 rows)" in finding.message


def test_a_numeric_code_becomes_a_category():
    train, test, finding = found(numeric_codes, "numeric_codes")
    assert finding.columns == ["class_code"] and finding.counts == {"class_code": 5}
    assert isinstance(apply(finding.fix, train)["class_code"].dtype, pd.CategoricalDtype)


def test_a_forced_amount_names_the_rule_its_exceptions_and_fills_the_gaps():
    train, test = clean_tables()
    forced_amount(train, test)
    train.loc[20, ["asleep", "spa"]] = [True, 35.0]  # one passenger asleep who spent
    (finding,) = [f for f in run(train, test) if f.check == "forced_amounts"]
    assert "asleep = True" in finding.message and "food, shop and spa are 0" in finding.message
    assert finding.counts["rows breaking them"] == 1
    cleaned = apply(finding.fix, train)
    asleep = cleaned["asleep"].eq(True)
    assert cleaned.loc[asleep, "food"].notna().all()  # asleep: nothing spent, not unknown
    spent = cleaned[["food", "shop", "spa"]].gt(0).any(axis=1)
    assert cleaned.loc[spent & train["asleep"].isna(), "asleep"].eq(False).all()
    total = apply(finding.feature, cleaned)["food_to_spa_sum"]
    assert total[asleep & (cleaned.index != 20)].eq(0).all()


def test_a_sum_relation_names_its_parts_and_exceptions_and_fills_a_missing_total():
    _, test, finding = found(sum_relation, "sum_relations")
    assert finding.columns == ["total", "finished", "unfinished", "other"]
    assert finding.counts == {"total exceptions": 3}
    assert "total = finished + unfinished + other" in finding.message
    filled = apply(finding.fix, test)
    assert filled["total"].notna().all()
    assert np.allclose(filled["total"], test[["finished", "unfinished", "other"]].sum(axis=1))
    shares = apply(finding.feature, test)
    assert {"finished_share", "unfinished_share", "other_share"} <= set(shares.columns)


def test_impossible_orders_and_future_years_are_named_and_the_future_masked():
    _, _, order = found(impossible_order, "impossible_order")
    assert order.counts == {"sold < built": 3} and order.fix is None
    assert "sold_minus_built" in order.feature
    train, _, future = found(future_year, "impossible_order")
    assert future.counts["built"] == 1
    assert pd.isna(apply(future.fix, train).loc[0, "built"])


def test_influential_rows_are_named_by_id_before_training():
    _, _, finding = found(influential, "influential_rows", task="regression")
    assert finding.counts["rows"] == 2 and {"id 0", "id 1"} <= set(finding.counts)
    assert finding.columns == ["x1"] and finding.severity == "high"
    assert "x1 130" in finding.message


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regression"])
def test_the_new_checks_stay_silent_on_the_kaggle_fixtures(kind, tmp_path):
    meta = COMPETITION_METADATA[kind]
    answers = {"target": meta["target"], "id": meta["id"], "task": meta["task"]}
    schema, tables = describe_folder(answers, {}, build_competition(kind, tmp_path))
    findings = audit(
        tables["train"],
        tables["test"],
        target=schema["target"],
        task=schema["task"],
        id_column=schema["id"],
    )
    assert not {f.check for f in findings} & NEW_CHECKS


def planted() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clean tables with a stray number, a class code, a total, a rule and a future year."""
    train, test = clean_tables()
    for add in (stray_numbers, numeric_codes, sum_relation, forced_amount, future_year):
        add(train, test)
    test["class_code"] = np.random.default_rng(14).choice([20, 30, 60, 120, 190], len(test))
    return train, test


def uncommented(code: str) -> str:
    return "\n".join(line.replace("# ", "", 1) if line.startswith("    # frame") else line
                     for line in code.splitlines())  # fmt: skip


@pytest.mark.parametrize("model", ["linear", "hist_gradient_boosting"])
def test_the_pasted_clean_and_add_features_keep_the_pipeline_working(model, monkeypatch):
    train, test = planted()
    report = quality_report(train, test, target="target", task="binary", id_column="id")
    checks = {f["check"] for f in report["findings"]}
    assert {"stray_numbers", "numeric_codes", "sum_relations", "forced_amounts"} <= checks
    namespace = {"pd": pd, "np": np}
    exec(uncommented(report["clean"]) + "\n" + uncommented(report["add_features"]), namespace)  # noqa: S102
    monkeypatch.setattr(features, "clean", namespace["clean"])
    monkeypatch.setattr(features, "add_features", namespace["add_features"])
    X, y = train.drop(columns="target"), train["target"]
    schema = {"target": "target", "columns": describe_columns(train, test, "target", "id")}
    engineered = feature_schema(schema, X, test, y, "binary")
    assert {"food_to_spa_sum", "finished_share"} <= set(engineered["engineered"])
    roles = model_roles(engineered)
    assert "class_code" in roles["categorical"]
    fitted = build_model(model, "binary", roles, engineered, seed=0, rows=len(X)).fit(X, y)
    predicted = fitted.predict_proba(test[X.columns])
    assert predicted.shape == (len(test), 2) and np.isfinite(predicted).all()


def test_eda_next_steps_name_the_features_the_audit_reveals():
    train, test = planted()
    report = quality_report(train, test, target="target", task="binary", id_column="id")
    summary = {
        "quality": report["findings"],
        "missing": {},
        "top_features": [],
        "adversarial_auc": None,
        "dates": {},
        "high_cardinality": [],
        "groups": {"numeric": [], "categorical": [], "text": [], "datetime": []},
        "train_only": [],
        "task": "binary",
        "target_summary": {"minority_share": 0.5},
    }
    (step,) = [s for s in next_steps(summary) if "make features" in s]
    assert "a total that is the sum of its parts (total, finished, unfinished" in step
    assert "add_features()" in step and "data_quality.json" in step
