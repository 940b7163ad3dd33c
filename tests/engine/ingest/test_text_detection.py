"""Which columns are free text, and the reason `make data` gives for each."""

import pandas as pd
import pytest

from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError
from kaggle_starter.ingest.detect import column_role, describe_columns, text_reason
from kaggle_starter.ingest.folder import describe_folder


def test_sentences_are_text_because_of_their_words():
    tweets = pd.Series(["forest fire near la ronge", "all residents asked to shelter", None])
    assert column_role(tweets, 3) == "text"
    assert text_reason(tweets) == "5.0 words per value on average"


def test_long_distinct_values_are_text_because_they_are_distinct_and_long():
    names = pd.Series(
        [f"Passenger-Number-{i:04d}x" for i in range(40)] + ["Passenger-Number-0001x"]
    )
    assert "distinct" in text_reason(names) and "characters" in text_reason(names)


def test_codes_and_short_labels_are_not_text():
    assert text_reason(pd.Series(["red", "green", "red", "blue"])) is None
    assert text_reason(pd.Series([], dtype=object)) is None


def test_a_category_dtype_keeps_a_wordy_column_categorical():
    """clean() in features.py can turn a column the rules read as text into a categorical one."""
    wordy = pd.Series(["a b c d", "e f g h", "a b c d"], dtype="category")
    assert column_role(wordy, 3) == "categorical"


def test_describe_columns_records_why_a_column_is_text():
    train = pd.DataFrame({"text": ["one two three four", "five six seven eight"], "y": [0, 1]})
    [entry] = [e for e in describe_columns(train, None, "y", None) if e["name"] == "text"]
    assert entry["role"] == "text" and entry["text_because"].endswith("on average")


def _folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir(parents=True)
    pd.DataFrame(
        {
            "id": range(1, 41),
            "title": [["red", "green", "blue", "grey"][i % 4] for i in range(40)],
            "size": [i % 7 for i in range(40)],
            "y": [i % 2 for i in range(40)],
        }
    ).to_csv(raw / "train.csv", index=False)
    return raw


def test_data_text_columns_makes_a_short_column_text_and_says_so(tmp_path):
    schema, _ = describe_folder({"text_columns": ["title"]}, {}, _folder(tmp_path))
    [entry] = [c for c in schema["columns"] if c["name"] == "title"]
    assert entry["role"] == "text" and entry["text_because"] == "named in data.text_columns"
    plain, _ = describe_folder({}, {}, _folder(tmp_path / "again"))
    assert [c["role"] for c in plain["columns"] if c["name"] == "title"] == ["categorical"]


@pytest.mark.parametrize(
    ("named", "words"),
    [("absent", "'absent', which train.csv does not have"), ("size", "not text")],
)
def test_data_text_columns_naming_a_wrong_column_is_one_sentence(tmp_path, named, words):
    with pytest.raises(ProjectError, match="data.text_columns") as caught:
        describe_folder({"text_columns": [named]}, {}, _folder(tmp_path))
    assert words in str(caught.value)


def test_data_text_columns_must_be_a_list_of_names(tmp_path):
    (tmp_path / "config.yaml").write_text("data:\n  text_columns: title\n")
    with pytest.raises(ProjectError, match=r"data\.text_columns .*list of column names"):
        load_config(tmp_path)
