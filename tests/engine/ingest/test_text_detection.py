"""Which columns are free text, and the reason `make data` gives for each."""

import pandas as pd

from kaggle_starter.ingest.detect import column_role, describe_columns, text_reason


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
