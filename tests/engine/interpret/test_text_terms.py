"""The terms that drive a text model, read from the saved pipeline (linear model or text score)."""

import os

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.interpret.text_terms import text_sentences, text_terms
from kaggle_starter.modeling import text
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles

os.environ.setdefault("OMP_NUM_THREADS", "1")
SCHEMA = {
    "columns": [{"name": "tweet", "role": "text", "n_unique": 9, "words": 8, "in_test": True}]
}


def _tweets(rows: int = 200):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, rows)
    hot = ["wildfire spreads fast", "flood waters rising", "earthquake shakes town"]
    calm = ["sunny picnic today", "coffee with friends", "lovely garden walk"]
    said = [rng.choice(hot if label else calm) + " " + rng.choice(["ok", "now"]) for label in y]
    return pd.DataFrame({"tweet": said}), pd.Series(y)


@pytest.fixture(autouse=True)
def _forget():
    text._memory.clear()


@pytest.mark.parametrize(
    ("name", "source"), [("linear", "linear model"), ("lightgbm", "text score")]
)
def test_the_words_of_each_class_are_named_for_either_model(name, source):
    X, y = _tweets()
    model = build_model(name, "binary", model_roles(SCHEMA), SCHEMA, seed=0, rows=len(X)).fit(X, y)
    [entry] = text_terms(model, ["tweet"])
    assert entry["source"] == source and entry["towards"] == 1
    up = {t["term"] for t in entry["up"]}
    down = {t["term"] for t in entry["down"]}
    assert {"wildfire", "flood", "earthquake"} <= up
    assert {"sunny", "coffee", "lovely"} <= down
    [sentence] = text_sentences([entry])
    assert "most raise" in sentence and "'wildfire'" in sentence


def test_no_text_column_gives_no_terms():
    assert text_terms(object(), []) == []


def test_a_multiclass_linear_model_names_the_words_of_each_class():
    rng = np.random.default_rng(1)
    words = {"fire": "wildfire flood", "calm": "sunny coffee", "sport": "football goal"}
    y = pd.Series(rng.choice(list(words), 240))
    said = [f"{words[label]} {rng.choice(['ok', 'now', 'so'])}" for label in y]
    X = pd.DataFrame({"tweet": said})
    model = build_model("linear", "multiclass", model_roles(SCHEMA), SCHEMA, seed=0, rows=len(X))
    found = text_terms(model.fit(X, y), ["tweet"])
    assert [entry["towards"] for entry in found] == ["calm", "fire", "sport"]
    for entry in found:
        assert set(words[entry["towards"]].split()) <= {t["term"] for t in entry["up"][:4]}
    assert len(text_sentences(found)) == 3
