"""The rules that decide what a Kaggle folder means, on tables small enough to read."""

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.errors import ProjectError
from kaggle_starter.ingest.detect import (
    column_role,
    day_first,
    describe_columns,
    detect_id,
    detect_target,
    detect_task,
    find_files,
    parse_dates,
)

TRAIN = pd.DataFrame(
    {
        "PassengerId": [1, 2, 3, 4],
        "Name": [
            "Braund, Mr. Owen",
            "Cumings, Mrs. John",
            "Heikkinen, Miss. Laina",
            "Allen, Mr. W",
        ],
        "Sex": ["male", "female", "female", "male"],
        "Age": [22.0, None, 26.0, 35.0],
        "Survived": [0, 1, 1, 0],
    }
)
TEST = TRAIN.drop(columns=["Survived"]).assign(PassengerId=[5, 6, 7, 8])
SAMPLE = pd.DataFrame({"PassengerId": [5, 6, 7, 8], "Survived": 0})


def test_files_are_found_by_their_kaggle_names(tmp_path):
    for name in ("train.csv", "test.csv", "gender_submission.csv", "notes.txt"):
        (tmp_path / name).write_text("a\n1\n")
    assert find_files(tmp_path) == {
        "train": "train.csv",
        "test": "test.csv",
        "sample_submission": "gender_submission.csv",
    }


def test_target_and_id_come_from_the_competition_layout():
    assert detect_id(TRAIN, TEST, SAMPLE) == "PassengerId"
    assert detect_target(TRAIN, TEST, SAMPLE, "PassengerId") == "Survived"


def test_without_a_test_file_the_target_is_found_by_name():
    frame = pd.DataFrame({"x": [1, 2], "median_house_value": [1.0, 2.0], "kind": ["a", "b"]})
    with pytest.warns(UserWarning, match="'median_house_value' was guessed"):
        assert detect_target(frame, None, None, None) == "median_house_value"


def test_without_a_test_file_or_a_telling_name_the_label_after_the_id_is_guessed():
    frame = pd.DataFrame({"Ref": [1, 2, 3, 4], "Alive": [0, 1, 1, 0], "Size": [3.5, 1.0, 2.0, 8.0]})
    with pytest.warns(UserWarning, match="'Alive' was guessed"):
        assert detect_target(frame, None, None, "Ref") == "Alive"
    with pytest.warns(UserWarning, match="'Size' was guessed"):  # no id: the last column
        assert detect_target(frame, None, None, None) == "Size"


def test_the_sample_submission_picks_the_target_among_train_only_columns():
    assert detect_target(TRAIN, TEST.drop(columns=["Age"]), SAMPLE, "PassengerId") == "Survived"
    with pytest.raises(ProjectError, match="several train columns are missing from test"):
        detect_target(TRAIN, TEST.drop(columns=["Age"]), None, "PassengerId")


@pytest.mark.parametrize(
    ("values", "task"),
    [
        ([0, 1, 1, 0], "binary"),
        ([True, False, True, True], "binary"),
        (["a", "b", "c", "a"], "multiclass"),
        ([0.5, 1.25, 3.0, 2.2], "regression"),
    ],
)
def test_task_follows_the_target(values, task):
    assert detect_task(pd.Series(values, name="y")) == task


def test_a_single_class_target_is_refused():
    with pytest.raises(ProjectError, match="single value"):
        detect_task(pd.Series([1, 1, 1], name="y"))


def test_column_roles():
    n = len(TRAIN)
    assert column_role(TRAIN["Name"], n) == "text"
    assert column_role(TRAIN["Sex"], n) == "categorical"
    assert column_role(TRAIN["Age"], n) == "numeric"
    assert column_role(TRAIN["PassengerId"], n) == "id"
    assert column_role(pd.Series(["2020-01-02", "2021-03-04", None, "2022-05-06"]), n) == "datetime"
    assert column_role(pd.Series(["x"] * n), n) == "constant"


@pytest.mark.parametrize(
    ("written", "dayfirst"),
    [("%d/%m/%Y", True), ("%m/%d/%Y", False), ("%Y-%m-%d", False), ("%d-%m-%Y", True)],
)
def test_dates_written_day_first_are_read_day_first(written, dayfirst):
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(0, 700, 7), "D")
    train = pd.DataFrame({"visit": days.strftime(written), "y": np.arange(len(days)) % 2})
    [entry] = [e for e in describe_columns(train, None, "y", None) if e["name"] == "visit"]
    assert entry["role"] == "datetime" and entry.get("dayfirst", False) is dayfirst
    parsed = parse_dates(train, ["visit"], {"visit"} if dayfirst else set())["visit"]
    assert (parsed == pd.Series(days)).all()  # 05/03 is the 5th of March when days come first


def test_the_date_order_is_read_from_the_whole_column_and_one_stray_value_does_not_decide():
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(np.repeat(np.arange(60), 200), "D")
    written = pd.Series(days.strftime("%d/%m/%Y"))  # sorted: the first 2,400 days are <= 12
    assert day_first(written)
    assert day_first(pd.concat([written, pd.Series(["12/25/2020"])], ignore_index=True))
    assert not day_first(pd.Series(days.strftime("%m/%d/%Y")))
