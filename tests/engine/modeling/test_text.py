"""Text features: TF-IDF for the linear model, the stacked out-of-fold text score, statistics."""

import os

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.modeling import text
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.modeling.text import TextScore, TextStatistics, TextVectors, term_of

os.environ.setdefault("OMP_NUM_THREADS", "1")
GOOD = ["fire downtown", "flood warning now", "earthquake hits city", "storm damage reported"]
CALM = ["lovely sunny day", "great coffee today", "happy birthday friend", "nice walk outside"]


def _tweets(rows: int = 200, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, rows)
    words = [rng.choice(GOOD if label else CALM) for label in y]
    noise = rng.choice(["lol", "ok", "wow", "#news", "@friend", "http://t.co/x"], rows)
    return pd.DataFrame(
        {"text": [f"{w} {n}" for w, n in zip(words, noise, strict=True)]}
    ), pd.Series(y)


@pytest.fixture(autouse=True)
def _forget():
    text._memory.clear()


def test_text_vectors_give_word_and_character_terms_named_by_column():
    X, _ = _tweets()
    vectors = TextVectors().fit(X)
    matrix = vectors.transform(X)
    names = vectors.get_feature_names_out()
    assert matrix.shape == (len(X), len(names))
    assert "text_word_fire downtown" in set(names)
    assert term_of("text_chars_fi", ["text"]) == ("text", "chars", "fi")
    assert term_of("other", ["text"]) is None


def test_text_vectors_handle_missing_values_and_a_column_with_no_repeated_term():
    frame = pd.DataFrame({"a": ["one two", None, "one three"], "b": ["x", "y", "z"]})
    matrix = TextVectors().fit(frame).transform(frame)
    assert matrix.shape[0] == 3


def test_text_score_is_out_of_fold_on_its_training_rows_and_refit_for_new_rows():
    X, y = _tweets()
    score = TextScore("binary", seed=0)
    oof = score.fit_transform(X, y)
    new = score.transform(X)
    assert oof.shape == new.shape == (len(X), 1)
    # Out of fold the rows were scored by models that did not see them: not the refit's answers.
    assert not np.allclose(oof, new)
    assert ((oof[:, 0] > 0.5) == y.to_numpy()).mean() > 0.9
    assert list(score.get_feature_names_out()) == ["text_text_score"]


def test_text_score_gives_one_column_per_class_and_a_value_for_regression():
    X, y = _tweets()
    classes = pd.Series(np.where(y == 1, "storm", np.where(np.arange(len(y)) % 2, "calm", "mild")))
    assert TextScore("multiclass").fit_transform(X, classes).shape == (len(X), 3)
    assert TextScore("regression").fit_transform(X, y.astype(float)).shape == (len(X), 1)


def test_text_statistics_count_what_a_person_would_look_at():
    frame = pd.DataFrame({"t": ["Fire at 5 #news @bob http://x.co", None]})
    stats = pd.DataFrame(
        TextStatistics().fit(frame).transform(frame),
        columns=TextStatistics().fit(frame).get_feature_names_out(),
    )
    first = stats.iloc[0]
    assert (first["t_words"], first["t_digits"], first["t_urls"]) == (6, 1, 1)
    assert (first["t_hashtags"], first["t_mentions"]) == (1, 1)
    assert 0 < first["t_capitals"] < 0.2
    assert stats.iloc[1].sum() == 0


@pytest.mark.parametrize("name", ["linear", "hist_gradient_boosting"])
def test_models_on_a_text_column_take_raw_text_and_learn_from_it(name):
    X, y = _tweets()
    schema = {
        "columns": [{"name": "text", "role": "text", "n_unique": 30, "words": 8, "in_test": True}]
    }
    model = build_model(name, "binary", model_roles(schema), schema, seed=0, rows=len(X))
    model.fit(X.iloc[:150], y.iloc[:150])
    assert (model.predict(X.iloc[150:]) == y.iloc[150:].to_numpy()).mean() > 0.9


def _noisy(rows: int, seed: int, share_flipped: float) -> tuple[pd.DataFrame, np.ndarray]:
    """Tweets whose label is flipped for ``share_flipped`` of the rows: the more noise, the
    stronger the penalty the inner CV should want."""
    X, y = _tweets(rows, seed)
    flip = np.random.default_rng(seed + 1).random(rows) < share_flipped
    return X, np.where(flip, 1 - y.to_numpy(), y.to_numpy())


def test_the_text_classifier_chooses_c_by_an_inner_cv_weak_penalty_for_clean_labels():
    X, clean = _noisy(300, seed=0, share_flipped=0.0)
    _, noisy = _noisy(300, seed=0, share_flipped=0.45)
    matrix = TextVectors().fit(X).transform(X)
    strong, weak = min(text.TEXT_CS), max(text.TEXT_CS)
    assert text.chosen_c(text.text_classifier(seed=0).fit(matrix, clean)) == weak
    assert text.chosen_c(text.text_classifier(seed=0).fit(matrix, noisy)) == strong


def test_a_c_set_by_hand_is_used_untuned():
    model = text.text_classifier(seed=0, C=0.25)
    assert model.get_params()["C"] == 0.25
    assert not hasattr(model, "Cs")


def test_the_text_score_chooses_c_on_its_own_rows_and_stacks_at_that_c():
    X, y = _noisy(300, seed=0, share_flipped=0.0)
    score = TextScore("binary", seed=0)
    oof = score.fit_transform(X.iloc[:200], y[:200])
    assert text.chosen_c(score) == max(text.TEXT_CS)
    # The same choice as the inner CV on those 200 rows alone: the other 100 were never seen.
    matrix = score.vectors_.transform(X.iloc[:200])
    alone = text.text_classifier(seed=0).fit(matrix, y[:200])
    assert text.chosen_c(alone) == text.chosen_c(score)
    assert ((oof[:, 0] > 0.5) == y[:200]).mean() > 0.9


def test_the_text_score_keeps_multiclass_and_a_class_too_rare_to_split():
    X, y = _tweets(120)
    classes = np.where(y == 1, "storm", np.where(np.arange(len(y)) % 2, "calm", "mild"))
    score = TextScore("multiclass", seed=0)
    assert score.fit_transform(X, classes).shape == (len(X), 3)
    assert text.chosen_c(score) in text.TEXT_CS
    rare = classes.copy()
    rare[:1] = "hail"  # one row: the inner holdout or its fitted part misses the class
    fitted = TextScore("multiclass", seed=0)
    assert fitted.fit_transform(X, rare).shape == (len(X), 4)
    assert text.chosen_c(fitted) in text.TEXT_CS


def test_a_booster_pipeline_on_raw_text_reports_the_chosen_c():
    X, y = _tweets()
    schema = {
        "columns": [{"name": "text", "role": "text", "n_unique": 30, "words": 8, "in_test": True}]
    }
    model = build_model("hist_gradient_boosting", "binary", model_roles(schema), schema, seed=0,
                        rows=len(X))  # fmt: skip
    model.fit(X, y)
    assert text.chosen_c(model) in text.TEXT_CS
    dummy = build_model("dummy", "binary", model_roles(schema), schema, seed=0, rows=len(X))
    assert text.chosen_c(dummy.fit(X, y)) is None


def test_the_linear_model_on_sentences_chooses_its_c_from_the_grid():
    """The suite's linear model on a text table is the text classifier: C chosen in the fit."""
    X, y = _tweets()
    schema = {
        "columns": [{"name": "text", "role": "text", "n_unique": 30, "words": 8, "in_test": True}]
    }
    model = build_model("linear", "binary", model_roles(schema), schema, seed=0, rows=len(X))
    assert text.chosen_c(model.fit(X, y)) in text.TEXT_CS
