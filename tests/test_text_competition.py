"""A text competition (an id, a keyword, one free-text column, a binary label judged by F1), end
to end: the column is text in schema.json, the EDA has a text section of n-grams and counts
(no raw row, samples off), train picks an F1 threshold, interpretation and the README name the
words that drive the predictions, and the monitor compares served text with training's."""

import json

import numpy as np
import pandas as pd
import pytest

from conftest import cli, render

HOT = [
    "fire",
    "flood",
    "storm",
    "earthquake",
    "wildfire",
    "evacuation",
    "collapse",
    "explosion",
    "ambulance",
    "rescue",
]
CALM = [
    "coffee",
    "sunny",
    "picnic",
    "birthday",
    "garden",
    "movie",
    "holiday",
    "concert",
    "breakfast",
    "puppy",
]
FILLER = ["the", "a", "today", "now", "just", "so", "my", "this", "town", "people", "really"]


def _tweets(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.4).astype(int)
    texts = []
    for i, label in enumerate(y):
        themed = rng.choice(HOT if label else CALM, size=2)
        other = rng.choice(CALM if label else HOT, size=1) if rng.random() < 0.25 else []
        words = [*themed, *other, *rng.choice(FILLER, size=rng.integers(3, 8))]
        rng.shuffle(words)
        mark = rng.choice(["", "#news", "@friend", "http://t.co/x"])
        texts.append(f"{' '.join(words)} {mark} {i}".strip())
    return pd.DataFrame(
        {"id": np.arange(1, rows + 1), "keyword": rng.choice(["a", "b", None], rows), "text": texts}
    ).assign(target=y)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("text")
    source = root / "source" / "tweets"
    source.mkdir(parents=True)
    train, test = _tweets(500, 0), _tweets(200, 1).drop(columns="target")
    train.to_csv(source / "train.csv", index=False)
    test.to_csv(source / "test.csv", index=False)
    test[["id"]].assign(target=0).to_csv(source / "sample_submission.csv", index=False)
    project = render(
        root, data_source="local", dataset=str(source), project_name="Tweets", metric="f1"
    )
    config = project / "config.yaml"
    assert "  samples: auto" in config.read_text()
    config.write_text(config.read_text().replace("  samples: auto", "  samples: false", 1))
    for stage in ("data", "eda", "train", "interpret", "predict", "report"):
        result = cli(project, stage)
        assert result.returncode == 0, f"{stage}: {result.stderr[-2000:]}"
    return project, train


def test_the_free_text_column_is_marked_text_and_says_why(project):
    root, _ = project
    schema = json.loads((root / "data/processed/schema.json").read_text())
    [text] = [c for c in schema["columns"] if c["name"] == "text"]
    assert text["role"] == "text" and "words per value" in text["text_because"]


def test_the_eda_shows_ngrams_and_counts_by_class_and_no_raw_row(project):
    root, train = project
    notebook = json.loads((root / "notebooks/01-eda.ipynb").read_text())
    markdown = "\n".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    section = markdown[markdown.index("## Text columns") :]
    assert "most typical of 1" in section and "Length by class" in section
    assert sum(f"'{word}' (" in section for word in HOT) >= 3
    everything = json.dumps(notebook)
    assert not any(text in everything for text in train["text"])
    summary = json.loads((root / "reports/eda.json").read_text())
    assert any("text" in str(path) for path in summary.get("figures", [])) or list(
        (root / "reports/figures").glob("*text*.png")
    )


def test_train_chooses_an_f1_threshold_and_predict_uses_the_text(project):
    root, _ = project
    metrics = json.loads((root / "reports/metrics.json").read_text())
    assert metrics["metric"] == "f1" and metrics["cv"][metrics["best_model"]]["mean"] > 0.8
    assert 0 < metrics["threshold"]["value"] < 1
    submission = pd.read_csv(root / "submissions/submission.csv")
    assert len(submission) == 200 and set(submission["target"]) <= {0, 1}


def test_interpretation_names_the_words_that_drive_predictions(project):
    root, _ = project
    found = json.loads((root / "reports/interpretation.json").read_text())
    named = {t["term"] for entry in found["text_terms"] for t in entry["up"] + entry["down"]}
    assert len(named & set(HOT + CALM)) >= 10
    [said] = [s for s in found["sentences"] if "most raise" in s]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert said in readme and sum(f"'{word}'" in said for word in HOT + CALM) >= 5
    assert "| columns | 2 features (1 categorical, 1 text), plus id, target |" in readme
    # The README's headline says what the F1 threshold does.
    assert "Predictions say `1` from a probability of" in readme and "at 0.5." in readme


def test_monitor_compares_served_text_by_length_and_new_words(project):
    """Served tweets of training's words, then of words training never had (one of them longer
    than the log keeps): monitoring.json says both measures in a sentence, and the second drifts."""
    from kaggle_starter.serving.store import PredictionStore

    root, train = project
    log = root / "monitoring" / "predictions.db"
    answer = [{"prediction": 0}]
    store = PredictionStore(log)
    for text in _tweets(150, 7)["text"]:
        store.log("same-words", [{"text": text, "keyword": "a"}], answer)
    store.close()
    same = cli(root, "monitor")
    assert same.returncode == 0, same.stderr[-2000:]
    report = json.loads((root / "reports/monitoring.json").read_text())
    [entry] = [f for f in report["features"] if f["name"] == "text"]
    assert (
        not entry["drifted"]
        and "within what new rows of the same kind bring" in (entry["text"]["sentence"])
    )

    log.unlink()
    store = PredictionStore(log)
    rng = np.random.default_rng(3)
    other = ["quantum", "ledger", "invoice", "protocol", "tariff", "sprocket", "matrix", "ballot"]
    for i in range(150):
        text = " ".join(rng.choice(other, 8)) + (" very long" * 200 if i == 0 else "")
        store.log("new-words", [{"text": text, "keyword": "b"}], answer)
    store.close()
    moved = cli(root, "monitor")
    assert moved.returncode == 0, moved.stderr[-2000:]
    report = json.loads((root / "reports/monitoring.json").read_text())
    [entry] = [f for f in report["features"] if f["name"] == "text"]
    assert entry["drifted"] and entry["text"]["oov"]["served"] > 0.9
    assert "unseen words" in moved.stdout and "more than chance gives" in entry["text"]["sentence"]
    assert entry["text"]["sentence"] in (root / "reports/monitoring.html").read_text().replace(
        "&#39;", "'"
    )
