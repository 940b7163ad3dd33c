"""The EDA's text numbers: n-grams that separate the classes, repeated texts with two labels."""

import numpy as np
import pandas as pd

from kaggle_starter.eda.analysis import (
    conflicting_duplicates,
    separating_terms,
    text_summary,
    words_by_class,
)
from kaggle_starter.eda.notebook import _text_cells


def _tweets(rows: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, rows)
    hot = ["forest fire near town", "flood warning issued", "storm damage #news"]
    calm = ["lovely sunny morning", "great coffee @anna", "happy weekend friends"]
    text = [rng.choice(hot if label else calm) + f" {i}" for i, label in enumerate(y)]
    return pd.DataFrame({"text": text, "target": y})


def test_the_terms_of_each_class_lead_with_their_row_counts():
    frame = _tweets()
    found = separating_terms(frame["text"], frame["target"])
    assert {t["class"] for t in found} == {0, 1}
    hot = [t for t in found if t["class"] == 1]
    calm = {t["term"] for t in found if t["class"] == 0}
    assert {"fire", "flood", "storm"} & {t["term"] for t in hot[:6]}
    assert {"sunny", "coffee", "weekend"} & calm
    assert hot[0]["rows_in_class"] >= 5 and hot[0]["rows_other"] == 0
    assert all(t["log_odds"] > 0 for t in found)


def test_repeated_texts_with_different_labels_are_counted():
    texts = pd.Series(["Fire!", "fire! ", "calm", "calm", "alone"])
    y = pd.Series([1, 0, 0, 0, 1])
    assert conflicting_duplicates(texts, y) == {
        "repeated_texts": 2,
        "repeated_rows": 4,
        "conflicting_texts": 1,
        "conflicting_rows": 2,
    }


def test_text_summary_gives_marks_and_class_terms_for_a_classification_target():
    summary = text_summary(_tweets(), "text", "target", "binary")
    assert summary["shares"]["hashtags"] > 0 and summary["shares"]["urls"] == 0
    assert summary["separating"] and summary["conflicts"]["conflicting_texts"] == 0
    assert "separating" not in text_summary(_tweets(), "text")


def test_word_counts_by_class_and_against_a_numeric_target():
    texts = pd.Series(["a b c d e f", "a b c d e f g h", "a b", None])
    y = pd.Series(["long", "long", "short", "short"])
    assert words_by_class(texts, y) == [
        {"class": "long", "rows": 2, "mean_words": 7.0, "median_words": 7.0},
        {"class": "short", "rows": 2, "mean_words": 1.0, "median_words": 1.0},
    ]
    frame = _tweets()
    frame["value"] = frame["text"].str.split().str.len() * 2.0
    assert text_summary(frame, "text", "value", "regression")["words_correlation"] == 1.0


def _summary(frame, task="binary"):
    return {
        "groups": {"text": ["text"]},
        "text": {"text": text_summary(frame, "text", "target", task)},
    }


def test_the_notebook_says_what_the_text_numbers_mean_without_raw_rows():
    frame = _tweets()
    frame.loc[frame.index[:4], "text"] = "same words here"
    frame.loc[frame.index[:4], "target"] = [0, 1, 0, 1]
    markdown, figure = (c["source"] for c in _text_cells(_summary(frame)))
    assert "Length by class" in markdown and "words" in markdown
    assert "hashtags in" in markdown and "mentions in" in markdown
    assert "carry different labels" in markdown
    assert "most typical of 1" in markdown and "most typical of 0" in markdown
    assert "'fire' (" in markdown or "'flood' (" in markdown
    assert "separating_terms" in figure and "save_figure" in figure
    # Sample rows off: counts and n-grams only; no text of a row appears whole.
    assert not any(text in markdown for text in frame["text"])


def test_example_rows_are_shown_only_when_samples_are_allowed():
    frame = _tweets()
    assert len(_text_cells(_summary(frame), samples=False)) == 2
    cells = _text_cells(_summary(frame), samples=True)
    assert len(cells) == 3 and "display(picked)" in cells[-1]["source"]
