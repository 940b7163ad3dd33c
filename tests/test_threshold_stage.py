"""An F1 competition: the decision threshold is chosen in train and used by predict."""

import json
import shutil
from pathlib import Path

import pandas as pd

from conftest import PYTHON, run
from kaggle_fixtures import COMPETITION_METADATA


def test_an_f1_threshold_is_recorded_and_labels_the_submission(fixture_project, tmp_path):
    source = fixture_project("binary", "data", "train", "predict")
    project = Path(shutil.copytree(source, tmp_path / source.name, symlinks=True))
    config = project / "config.yaml"
    text = config.read_text()
    assert '  metric: "auto"' in text
    config.write_text(text.replace('  metric: "auto"', '  metric: "f1"', 1))
    for stage in ("train", "predict"):
        result = run(
            [PYTHON, "-m", "kaggle_starter", stage], project, PYTHONPATH=str(project / "src")
        )
        assert result.returncode == 0, result.stderr
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    card = json.loads((project / "models" / "model_card.json").read_text())
    threshold = metrics["threshold"]
    assert 0 < threshold["value"] < 1 and threshold["metric"] == "f1"
    assert card["threshold"] == {k: threshold[k] for k in ("value", "positive", "metric")}
    assert len(threshold["honest_folds"]) == 5

    # The saved model's probabilities, labelled by the card's threshold, are the submission.
    labelled = run([PYTHON, "-c", RELABEL], project, PYTHONPATH=str(project / "src"))
    assert labelled.returncode == 0, labelled.stderr
    id_column, target = (COMPETITION_METADATA["binary"][k] for k in ("id", "target"))
    submission = pd.read_csv(project / "submissions" / "submission.csv", dtype=str)
    expected = json.loads(labelled.stdout)
    assert submission[target].tolist() == [expected[i] for i in submission[id_column]]


RELABEL = """
import json
from kaggle_starter import artifacts
from kaggle_starter.config import load_config
from kaggle_starter.modeling.threshold import apply_threshold
cfg = load_config(".")
card = artifacts.read_json(cfg, "model_card")
test = artifacts.load_test(cfg)
model = artifacts.load_model(cfg)
labels = apply_threshold(model.predict_proba(test), model.classes_, card["threshold"])
ids = test[artifacts.load_schema(cfg)["id"]].astype(str)
print(json.dumps(dict(zip(ids, map(str, labels)))))
"""
