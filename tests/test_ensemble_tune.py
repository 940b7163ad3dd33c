"""`make train` records an honest ensemble beside the suite; `make tune` fits its budget and
`make train` then trains with what it found. Real make runs on the fixtures."""

import json
import shutil
import time

import pandas as pd
import pytest
import yaml

from conftest import make


def _metrics(project):
    return json.loads((project / "reports/metrics.json").read_text())


def test_metrics_json_has_an_ensemble_with_its_honest_score(fixture_project):
    project = fixture_project("regression", "data", "train")
    metrics = _metrics(project)
    ensemble = metrics["cv"]["ensemble"]
    assert len(ensemble["folds"]) == 5
    assert ensemble["mean"] == sum(ensemble["folds"]) / 5
    assert "in_sample" in ensemble and ensemble["weights"]
    assert abs(sum(ensemble["weights"].values()) - 1) < 1e-3
    table = pd.read_csv(project / "reports/cv_results.csv").set_index("model")
    # CSV keeps every digit, but pandas' fast float parser may differ in the last bit
    assert table.loc["ensemble", "mean"] == pytest.approx(ensemble["mean"], rel=1e-12)
    assert isinstance(table.loc["ensemble", "members"], str)
    better = max if metrics["greater_is_better"] else min
    best = better(metrics["cv"], key=lambda name: metrics["cv"][name]["mean"])
    assert metrics["cv"][metrics["best_model"]]["mean"] == metrics["cv"][best]["mean"]


def test_same_config_and_seed_give_the_same_scores_ensemble_included(fixture_project, tmp_path):
    project = shutil.copytree(
        fixture_project("multiclass", "data", "train"), tmp_path / "again", symlinks=True
    )
    before = _metrics(project)
    result = make(project, "train", "FORCE=1")
    assert result.returncode == 0, result.stdout + result.stderr
    after = _metrics(project)
    for name, scores in before["cv"].items():
        assert after["cv"][name]["folds"] == scores["folds"], name
    assert after["cv"]["ensemble"]["weights"] == before["cv"]["ensemble"]["weights"]


def test_tune_fits_its_budget_and_train_uses_what_it_found(fixture_project, tmp_path):
    project = shutil.copytree(
        fixture_project("regression", "data"), tmp_path / "tuned", symlinks=True
    )
    config = yaml.safe_load((project / "config.yaml").read_text())
    text = (project / "config.yaml").read_text().replace("seconds: 120", "seconds: 12")
    (project / "config.yaml").write_text(text)
    assert config["tune"]["seconds"] == 120
    started = time.perf_counter()
    result = make(project, "tune")
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert "trial" in result.stdout and "s left" in result.stdout
    # The budget covers the stage's own work; make and the interpreter start add a few seconds.
    print(f"make tune with a 12 s budget took {elapsed:.1f} s")
    assert elapsed < 12 * 1.1 + 15
    tuned = json.loads((project / "models/tuned_params.json").read_text())
    assert set(tuned["models"]) == {"hist_gradient_boosting", "lightgbm"}
    log = json.loads((project / "models/tuning_log.json").read_text())
    assert len(log) == 1 and log[0]["budget"] == 12 and log[0]["seconds"] <= 12 * 1.1
    result = make(project, "train")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Using tuned parameters for HistGradientBoosting, LightGBM" in result.stdout
    card = json.loads((project / "models/model_card.json").read_text())
    if card["model"] in tuned["models"]:
        for key, value in tuned["models"][card["model"]].items():
            assert card["parameters"][key] == value, key
