"""The run history: numbered folders, an index with the change each run made, a shared mirror."""

import shutil

import pandas as pd
import pytest
from example import EXAMPLE

from kaggle_starter import runs
from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError

PROJECT = EXAMPLE


@pytest.fixture
def cfg(tmp_path):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    return load_config(tmp_path)


def _run(score: float, note: str = "") -> dict:
    return {
        "note": note,
        "started_at": runs.started_at(),
        "best_model": "linear",
        "metric": "rmse",
        "score": score,
        "std": 0.5,
        "features": 3,
        "seconds": 1.0,
        "models": {"linear": {"mean": score, "std": 0.5, "folds": [score], "fit_seconds": 0.1}},
    }


def test_runs_are_numbered_and_indexed_in_order(cfg):
    for score, note in [(10.0, ""), (9.0, "Family size!"), (9.5, "")]:
        folder = runs.new_folder(cfg, note or "linear")
        runs.record(cfg, folder, _run(score, note), {"cv_results.csv": pd.DataFrame({"a": [1]})})
    history = runs.index(cfg)
    assert list(history["run"]) == ["001-linear", "002-family-size", "003-linear"]
    assert (cfg.root / "runs" / "002-family-size" / "config.yaml").is_file()
    compared = runs.compared(history, greater_is_better=False)
    assert compared["vs_previous"].round(4).tolist()[1:] == [1.0, -0.5]
    assert compared["vs_best"].round(4).tolist()[1:] == [1.0, -0.5]
    text = runs.summary_text(history, False, "RMSE")
    assert "Family size!" in text and "+1.0000" in text and "−0.5000" in text


def test_an_empty_history_says_how_to_start_one(cfg):
    assert "make train" in runs.summary_text(runs.index(cfg), True, "accuracy")


def test_a_damaged_index_is_named_not_replaced(cfg):
    path = cfg.root / "runs" / "index.csv"
    path.parent.mkdir()
    path.write_text("run,note\n001,x\n")
    restore = r"\(`git checkout runs/index.csv`\)"
    with pytest.raises(ProjectError, match=rf"runs/index.csv lacks the column .* {restore}"):
        runs.index(cfg)
    assert path.read_text() == "run,note\n001,x\n"


def test_a_run_is_mirrored_to_an_mlflow_tracking_store(cfg, tmp_path, monkeypatch):
    mlflow = pytest.importorskip("mlflow", reason="the [mlflow] extra is not installed")
    store = f"sqlite:///{tmp_path / 'mlflow.db'}"
    monkeypatch.chdir(tmp_path)  # the store keeps artifacts in ./mlruns
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store)
    mlflow.set_tracking_uri(store)
    folder = runs.new_folder(cfg, "shared")
    runs.record(cfg, folder, _run(8.25, "shared"), {})
    found = mlflow.search_runs(search_all_experiments=True)
    assert found["tags.mlflow.runName"].tolist() == ["001-shared"]
    assert found["metrics.score"].tolist() == [8.25]
    assert found["params.note"].tolist() == ["shared"]


def test_a_run_that_cannot_enter_the_index_leaves_no_folder(cfg):
    path = cfg.root / "runs" / "index.csv"
    path.parent.mkdir()
    path.write_text("run,note\n001,x\n")
    folder = runs.new_folder(cfg, "lost")
    with pytest.raises(ProjectError, match="runs/index.csv lacks the column"):
        runs.record(cfg, folder, _run(1.0, "lost"), {"cv_results.csv": pd.DataFrame({"a": [1]})})
    assert not folder.exists()  # no orphan run the index does not list
    assert path.read_text() == "run,note\n001,x\n"


def test_an_unreachable_mlflow_server_costs_one_warning_not_the_run(cfg, monkeypatch, capsys):
    mlflow = pytest.importorskip("mlflow", reason="the [mlflow] extra is not installed")
    # A closed port on loopback: refused at once; the URI's password must not be printed.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://user:secret@127.0.0.1:9")
    mlflow.set_tracking_uri("http://user:secret@127.0.0.1:9")  # another test may have set one
    for name in runs.MLFLOW_TIMEOUTS:
        monkeypatch.delenv(name, raising=False)
    folder = runs.new_folder(cfg, "kept")
    runs.record(cfg, folder, _run(2.0, "kept"), {})
    out = capsys.readouterr().out
    assert "WARNING: the run is recorded in runs/001-kept" in out and "secret" not in out
    assert runs.index(cfg)["run"].tolist() == ["001-kept"]


NOTES = ['=HYPERLINK("x") $(shell touch pwned) $5', "-5 folds", "@sum", "'=quoted", "a | b\nc"]


def test_notes_are_data_in_the_index_and_in_the_readme(cfg):
    import json

    from kaggle_starter.readme import experiments

    for i, note in enumerate(NOTES):
        folder = runs.new_folder(cfg, note)
        runs.record(cfg, folder, _run(0.5 + i / 100, note), {})
        assert json.loads((folder / "run.json").read_text())["note"] == note  # as written
    cells = pd.read_csv(cfg.layout.runs_index, dtype=str, keep_default_na=False)["note"]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)  # no formula
    assert runs.index(cfg)["note"].tolist() == NOTES  # read back as written
    table = experiments(cfg, {"metric": "accuracy", "task": "binary"})
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(NOTES) and all(row.count(" | ") == 5 for row in rows)
    assert "a \\| b c" in rows[-1]
