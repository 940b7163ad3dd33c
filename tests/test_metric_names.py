"""The competition's own metric, whatever Kaggle calls it: real metric names through `make data`.

Each row serves a fixture competition under a metric name as Kaggle's API spells it and checks
the metric `make data` settles on, and that a name it cannot use is a warning naming it and the
metric used instead. The AUC competition goes on through train and predict: a ranking metric
must be trained for and submitted as probabilities, not 0/1 labels.
"""

import json

import pandas as pd
import pytest

from conftest import make
from conftest import render as render_project
from kaggle_fixtures import COMPETITION_METADATA, build_competition
from kaggle_server import KaggleServer

# (fixture kind, Kaggle's evaluationMetric, metric expected, whether a warning is expected).
# Three real fetches: a name that maps, one that cannot be used (a warning), a multiclass one.
# Every other spelling is a unit test of the same rule (tests/engine/ingest/test_detect.py).
NAMES = [
    ("binary", "Area Under Receiver Operating Characteristic Curve", "roc_auc", False),
    ("binary", "MAP@K", "accuracy", True),  # ranks lists: nothing here scores it
    ("multiclass", "Quadratic Weighted Kappa", "qwk", False),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("metric-names")
    served = KaggleServer().start()
    folders = {kind: build_competition(kind, root / kind) for kind in COMPETITION_METADATA}
    for number, (kind, name, _, _) in enumerate(NAMES):
        meta = COMPETITION_METADATA[kind]
        served.add_competition(
            f"{meta['ref']}-{number}", folders[kind], title=meta["title"], evaluationMetric=name
        )
    yield served, root / "home"
    served.stop()


def _fetch(server, tmp_path, number: int):
    served, home = server
    home.mkdir(exist_ok=True)
    ref = f"{COMPETITION_METADATA[NAMES[number][0]]['ref']}-{number}"
    project = render_project(tmp_path, dataset=ref)
    result = make(project, "data", **served.env(home, "fake-key"))
    assert result.returncode == 0, result.stdout + result.stderr
    return project, result


@pytest.mark.parametrize("number", range(len(NAMES)), ids=[row[1] for row in NAMES])
def test_kaggle_metric_names_reach_the_config(server, tmp_path, number):
    kind, name, expected, warned = NAMES[number]
    project, result = _fetch(server, tmp_path, number)
    detected = json.loads((project / "data/processed/detected.json").read_text())
    assert detected["metric"] == expected
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    if warned:
        assert any(name in line and f"using {expected}" in line for line in warnings), warnings
    else:
        assert not any("Kaggle's metric" in line for line in warnings), warnings


def test_auc_competition_is_trained_and_submitted_as_probabilities(server, tmp_path):
    project, _ = _fetch(server, tmp_path, 0)
    result = make(project, "predict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "metric ROC AUC" in result.stdout
    metrics = json.loads((project / "reports/metrics.json").read_text())
    assert metrics["metric"] == "roc_auc"
    submission = pd.read_csv(project / "submissions/submission.csv")
    target = COMPETITION_METADATA["binary"]["target"]
    values = submission[target]
    assert values.between(0, 1).all()
    assert values.nunique() > 10  # probabilities, not two labels
