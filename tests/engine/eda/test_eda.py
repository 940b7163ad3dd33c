"""The numbers behind the EDA notebook and the profile's size-aware settings, on small frames."""

import numpy as np
import pandas as pd

from kaggle_starter.eda.analysis import (
    associations,
    level_table,
    missing_shares,
    target_summary,
    tokens,
)
from kaggle_starter.eda.profiling import (
    FULL_CELLS,
    PROFILE_COLUMNS,
    SAMPLE_ROWS,
    choose_plan,
    columns_for,
)
from kaggle_starter.eda.prose import (
    adversarial_sentence,
    findings,
    gaps_in_test_sentence,
    missing_sentence,
    next_steps,
)
from kaggle_starter.eda.summary import summarise
from kaggle_starter.shift import ADVERSARIAL_MIN_ROWS, Adversarial

GROUPS = {"numeric": ["age", "fare"], "categorical": ["sex"], "text": ["name"], "datetime": []}


def frame(rows=400, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], rows)
    age = rng.normal(30 + shift, 10, rows)
    age[rng.random(rows) < 0.2] = np.nan
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "age": age,
            "fare": rng.exponential(20, rows) + shift,
            "sex": sex,
            "name": [f"Passenger {'Mrs' if s == 'female' else 'Mr'} Smith" for s in sex],
            "survived": ((sex == "female") ^ (rng.random(rows) < 0.1)).astype(int),
        }
    )


def schema(train):
    roles = {"id": "id", "survived": "target", "sex": "categorical", "name": "text"}
    columns = [
        {
            "name": c,
            "role": roles.get(c, "numeric"),
            "dtype": str(train[c].dtype),
            "missing": float(train[c].isna().mean()),
            "n_unique": int(train[c].nunique()),
            "in_test": c != "survived",
        }
        for c in train.columns
    ]
    return {"target": "survived", "task": "binary", "classes": [0, 1], "columns": columns}


def test_target_summary_and_missing_sentence():
    summary = target_summary(pd.Series([0, 0, 0, 1]), "binary")
    assert summary["majority"] == "0" and summary["majority_share"] == 0.75
    skewed = target_summary(pd.Series(np.exp(np.linspace(0, 8, 200))), "regression")
    assert skewed["skew"] > 1 and abs(skewed["log_skew"]) < skewed["skew"]
    assert missing_sentence({"Age": 0.199}) == "Age is missing for 19.9 % of rows."
    assert missing_sentence({}) == "No feature has missing values."
    five = {c: 0.1 for c in "abcde"}
    assert missing_sentence(five).endswith("; 1 more column has gaps.")
    assert missing_sentence({**five, "f": 0.1}).endswith("; 2 more columns have gaps.")


def test_adversarial_sentence_without_an_auc_says_why():
    assert "no test table" in adversarial_sentence(None, [])
    train = frame()
    summary = summarise(schema(train), train, frame(rows=12, seed=1), "accuracy")
    assert summary["adversarial_auc"] is None
    tiny = summary["adversarial_sentence"]
    assert "could not be checked" in tiny and f"at least {ADVERSARIAL_MIN_ROWS} rows" in tiny
    assert "test looks like train" in adversarial_sentence(Adversarial(0.55, {}), ["age"])
    middle = adversarial_sentence(Adversarial(0.65, {}), ["age"])
    assert "AUC 0.65" in middle and "differs somewhat" in middle and "age" in middle
    assert "most shifted: age" in adversarial_sentence(Adversarial(0.75, {}), ["age"])


def test_missing_shares_compare_train_and_test():
    train = pd.DataFrame({"a": [1.0, None], "b": [1, 2]})
    test = pd.DataFrame({"a": [1.0, 2.0], "b": [None, 2]})
    table = missing_shares(train, test)
    assert table.loc["a", "train"] == 0.5 and table.loc["b", "test"] == 0.5


def test_the_informative_feature_ranks_first():
    train = frame()
    ranked = associations(train, GROUPS, "survived", "binary")
    assert ranked.iloc[0]["feature"] in ("sex", "name")
    assert set(ranked["measure"]) == {"mutual information"}


def test_level_table_and_tokens():
    table = level_table(frame(), "sex", "survived", "binary", positive=1)
    assert (
        table.loc["female", "share survived=1"] > 0.8 > 0.2 > table.loc["male", "share survived=1"]
    )
    assert tokens(pd.Series(["The cat and the dog", "a cat"]))[0] == ("cat", 2)


def test_summary_findings_and_next_steps_are_sentences():
    train = frame()
    summary = summarise(schema(train), train, frame(seed=3).drop(columns="survived"), "accuracy")
    assert summary["missing"] == {"age": round(float(train["age"].isna().mean()), 4)}
    assert any("accuracy" in s for s in findings(summary))
    assert all(s.endswith(".") for s in findings(summary) + next_steps(summary))


def test_next_steps_come_from_the_data_once_and_go_beyond_the_baseline():
    train = frame()
    summary = summarise(schema(train), train, frame(seed=3).drop(columns="survived"), "accuracy")
    summary["missing"] = {"cabin": 0.771, "age": 0.199}
    summary["adversarial_auc"] = 0.75
    steps = next_steps(summary)
    joined = " ".join(steps)
    missing = [s for s in steps if "missing" in s]
    assert len(missing) == 1 and "cabin (77.1 %)" in missing[0] and "age (" not in missing[0]
    assert "name" in joined and "titles, prefixes" in joined and "0.75" in joined
    assert "one-hot encoding for few levels" not in joined
    assert len(steps) == len(set(steps))
    # Text in sentences is already TF-IDF: the step says so and suggests what comes next.
    summary["text"]["name"]["mean_words"] = 12.0
    assert "TF-IDF" in " ".join(next_steps(summary)) and "make tune" in " ".join(
        next_steps(summary)
    )
    summary["adversarial_auc"] = None  # too few rows to tell train from test
    assert not any("AUC" in s for s in next_steps(summary))


def test_profile_plan_grows_gently_with_size():
    assert choose_plan(891, 12, 5).mode == "full"
    assert choose_plan(891, 12, 5).interactions
    assert not choose_plan(1460, 81, 38).interactions
    assert choose_plan(10_000, 200, 160).minimal
    big = choose_plan(1_300_000, 15, 10)
    assert big.mode == "sampled" and big.sample_rows == SAMPLE_ROWS
    assert choose_plan(1_300_000, 15, 10, requested="minimal").sample_rows is None
    assert "sampled" in big.describe() and f"{SAMPLE_ROWS:,}" in big.describe()
    assert choose_plan(FULL_CELLS // 10 + 1, 10, 2, requested="full").mode == "full"


def test_a_wide_table_profiles_a_sample_of_its_columns_with_the_target():
    frame = pd.DataFrame(np.zeros((5, 785)), columns=["label", *[f"pixel{i}" for i in range(784)]])
    plan = choose_plan(42_000, 785, 784)
    assert plan.sample_columns == PROFILE_COLUMNS and plan.minimal
    assert f"{PROFILE_COLUMNS} of the columns" in plan.describe()
    kept = columns_for(frame, plan, seed=0, keep=("label", None))
    assert kept.shape[1] == PROFILE_COLUMNS and kept.columns[0] == "label"
    assert list(kept.columns) == [c for c in frame.columns if c in set(kept.columns)]  # in order
    assert kept.columns.equals(columns_for(frame, plan, seed=0, keep=("label",)).columns)
    assert choose_plan(891, 12, 5).sample_columns is None
    assert choose_plan(42_000, 785, 784, requested="full").sample_columns is None


def test_model_based_estimates_read_fewer_rows_on_wide_tables():
    from kaggle_starter.eda.analysis import ASSOCIATION_ROWS, model_rows

    assert model_rows(12, ASSOCIATION_ROWS) == ASSOCIATION_ROWS
    assert model_rows(784, ASSOCIATION_ROWS) == 1_275
    assert model_rows(100_000, ASSOCIATION_ROWS) == 1_000


def test_columns_far_more_often_missing_in_test_get_a_sentence():
    summary = {"missing": {"a": 0.1}, "missing_test": {"a": 0.15, "sensor": 1.0}}
    sentence = gaps_in_test_sentence(summary)
    assert sentence.startswith(
        "In the test rows, far more is missing: sensor for 100.0 % (0.0 % in train)"
    )
    assert "a for" not in sentence  # five points more is not far more
    assert gaps_in_test_sentence({"missing": {}, "missing_test": None}) is None
    no_gaps = missing_sentence({}, "training rows")
    assert no_gaps == "No feature has missing values in the training rows."


def test_the_shift_table_ranks_a_column_empty_in_test_first_and_skips_train_only_columns():
    train = frame().assign(outcome=1.0)
    test = frame(seed=1).drop(columns="survived").assign(fare=np.nan)
    table = schema(train)
    table["columns"][-1]["in_test"] = False  # outcome: recorded after the fact
    summary = summarise(table, train, test, "accuracy")
    first = summary["drift"][0]
    assert first["feature"] == "fare" and first["shifted"]
    assert first["missing_train"] == 0 and first["missing_test"] == 1
    assert "missing 0% → 100%" in first["reasons"]
    assert "outcome" not in {row["feature"] for row in summary["drift"]}


def test_advice_names_only_features_a_model_may_read():
    train = frame()
    summary = summarise(schema(train), train, frame(seed=3).drop(columns="survived"), "accuracy")
    top = summary["top_features"][0]["feature"]
    summary["train_only"] = [top]  # the strongest column, as an outcome recorded later would be
    said = " ".join(findings(summary) + next_steps(summary))
    assert f"{top} (" not in said.split("most associated with", 1)[1].split(".")[0]
    assert f"strongest signals, {top}" not in said
