"""`make data` understands each fixture competition fetched through the real Kaggle client.

Target, id, task and metric must match what the competition says (its sample submission and its
evaluation metric), and the processed tables must be typed: dates parsed, stray spaces gone.
"""

import json

import pandas as pd
import pytest

from conftest import cli, render
from kaggle_fixtures import COMPETITION_METADATA, build_competition
from kaggle_server import KaggleServer

KINDS = ("binary", "multiclass", "regression")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    server = KaggleServer().start()
    for kind in KINDS:
        meta = COMPETITION_METADATA[kind]
        folder = build_competition(kind, root / kind)
        server.add_competition(
            meta["ref"], folder, title=meta["title"], evaluationMetric=meta["evaluationMetric"]
        )
    yield server, root / "home"
    server.stop()


@pytest.fixture(scope="module", params=KINDS)
def fetched(request, served, tmp_path_factory):
    server, home = served
    home.mkdir(exist_ok=True)
    meta = COMPETITION_METADATA[request.param]
    project = render(tmp_path_factory.mktemp(request.param), dataset=meta["ref"])
    result = cli(project, "data", **server.env(home, "fake-key"))
    assert result.returncode == 0, result.stderr
    return meta, project, result


def test_target_id_task_and_metric_are_detected(fetched):
    meta, project, _ = fetched
    schema = json.loads((project / "data/processed/schema.json").read_text())
    detected = json.loads((project / "data/processed/detected.json").read_text())
    for key in ("target", "id", "task", "metric"):
        assert schema[key] == meta[key], key
        assert detected[key] == meta[key], key


def test_one_line_summary_names_what_was_detected(fetched):
    meta, _, result = fetched
    [summary] = [line for line in result.stdout.splitlines() if line.startswith("Train ")]
    assert f"target {meta['target']!r} ({meta['task']})" in summary
    assert f"Kaggle: {meta['evaluationMetric']}" in summary


def test_processed_tables_are_typed(fetched):
    meta, project, _ = fetched
    schema = json.loads((project / "data/processed/schema.json").read_text())
    train = pd.read_parquet(project / "data/processed/train.parquet")
    test = pd.read_parquet(project / "data/processed/test.parquet")
    assert meta["target"] in train.columns and meta["target"] not in test.columns
    assert schema["rows"] == {"train": len(train), "test": len(test)}
    roles = {c["name"]: c["role"] for c in schema["columns"]}
    for name, role in roles.items():
        if role == "datetime":
            assert pd.api.types.is_datetime64_any_dtype(train[name]), name
        if role == "categorical" and not pd.api.types.is_numeric_dtype(train[name]):
            values = train[name].dropna().astype(str)
            assert (values == values.str.strip()).all(), name


EXPECTED_ROLES = {
    "binary": {
        "clinician notes": "text",
        "visit_date": "datetime",
        "size band": "categorical",
        "Mean texture": "numeric",
        "case_id": "id",
    },
    "multiclass": {"island": "categorical", "sex": "categorical", "bill_length_mm": "numeric"},
    "regression": {"sex": "categorical", "BMI (kg/m²)": "numeric", "bp-avg": "numeric"},
}


def test_column_roles(fetched):
    meta, project, _ = fetched
    schema = json.loads((project / "data/processed/schema.json").read_text())
    roles = {c["name"]: c["role"] for c in schema["columns"]}
    for name, role in EXPECTED_ROLES[meta["task"]].items():
        assert roles[name] == role, name
    if meta["task"] == "binary":
        assert schema["classes"] == [0, 1]
