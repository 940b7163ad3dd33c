"""The train and predict stages on the fixture competitions, end to end through make."""

import importlib
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import PYTHON, run
from kaggle_fixtures import COMPETITION_METADATA

KINDS = ("binary", "multiclass", "regression")
FOLDS = 5  # the template's config.yaml default


def _stage(project: Path, stage: str):
    args = [PYTHON, "-m", "kaggle_starter", stage]
    return run(args, project, PYTHONPATH=str(project / "src"))


def _copy(project: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(project, tmp_path / project.name, symlinks=True))


def _metrics(project: Path) -> dict:
    return json.loads((project / "reports" / "metrics.json").read_text())


@pytest.fixture(scope="module")
def trained(fixture_project):
    return lambda kind: fixture_project(kind, "data", "train", "predict")


@pytest.mark.parametrize("kind", KINDS)
def test_metrics_have_the_contract_shape_and_beat_the_baseline(trained, kind):
    metrics = _metrics(trained(kind))
    assert set(metrics) == {
        "task",
        "metric",
        "greater_is_better",
        "best_model",
        "best_score",
        "baseline_score",
        "cv",
    }
    assert metrics["task"] == COMPETITION_METADATA[kind]["task"]
    assert metrics["best_model"] in metrics["cv"]
    assert {"dummy", "linear", "hist_gradient_boosting"} <= set(metrics["cv"])
    for name, result in metrics["cv"].items():
        blend = {"weights", "in_sample", "in_sample_folds"} if name == "ensemble" else set()
        assert set(result) == {"mean", "std", "folds", "fit_seconds"} | blend
        assert len(result["folds"]) == FOLDS
        assert result["mean"] == pytest.approx(sum(result["folds"]) / FOLDS)
    best, baseline = metrics["best_score"], metrics["baseline_score"]
    assert best == metrics["cv"][metrics["best_model"]]["mean"]
    assert baseline == metrics["cv"]["dummy"]["mean"]
    assert best > baseline if metrics["greater_is_better"] else best < baseline


def test_binary_fixture_is_learned_well(trained):
    metrics = _metrics(trained("binary"))
    assert metrics["metric"] == "accuracy"
    assert metrics["best_score"] > 0.85


@pytest.mark.skipif(importlib.util.find_spec("lightgbm") is None, reason="lightgbm missing")
def test_lightgbm_is_in_the_suite_when_installed(trained):
    assert "lightgbm" in _metrics(trained("binary"))["cv"]


@pytest.mark.parametrize("kind", KINDS)
def test_cv_results_and_oof_predictions(trained, kind):
    project = trained(kind)
    table = pd.read_csv(project / "reports" / "cv_results.csv")
    folds = [f"fold_{k}" for k in range(1, FOLDS + 1)]
    columns = ["model", "mean", "std", *folds, "fit_seconds", "in_sample", "members"]
    assert list(table.columns) == columns
    assert list(table["model"]) == list(_metrics(project)["cv"])
    oof = pd.read_parquet(project / "reports" / "oof_predictions.parquet")
    train = pd.read_parquet(project / "data" / "processed" / "train.parquet")
    assert len(oof) == len(train)
    schema = json.loads((project / "data" / "processed" / "schema.json").read_text())
    if kind == "regression":
        assert list(oof.columns) == ["y_true", "y_pred"]
    else:
        assert list(oof.columns) == ["y_true", "y_pred", *[f"proba_{c}" for c in schema["classes"]]]
        assert set(oof["y_pred"]) <= set(schema["classes"])
        proba = oof.filter(like="proba_").sum(axis=1)
        assert proba.to_numpy() == pytest.approx(1.0)
    card = json.loads((project / "models" / "model_card.json").read_text())
    assert card["model"] == _metrics(project)["best_model"]
    assert len(card["data_sha256"]["train.parquet"]) == 64
    assert "scikit-learn" in card["libraries"]


@pytest.mark.parametrize("kind", KINDS)
def test_submission_matches_the_sample(trained, kind):
    project = trained(kind)
    meta = COMPETITION_METADATA[kind]
    raw = project / "data" / "raw"
    sample = pd.read_csv(raw / "sample_submission.csv", dtype=str)
    submission = pd.read_csv(project / "submissions" / "submission.csv", dtype=str)
    assert list(submission.columns) == list(sample.columns)
    assert submission[meta["id"]].tolist() == sample[meta["id"]].tolist()
    assert submission[meta["target"]].notna().all()
    train = pd.read_csv(raw / "train.csv", dtype=str)
    if kind == "regression":
        assert (submission[meta["target"]].astype(float) > 0).all()
    else:
        assert set(submission[meta["target"]]) <= set(train[meta["target"]].str.strip())


def test_same_config_gives_the_same_scores(trained, tmp_path):
    project = _copy(trained("binary"), tmp_path)
    before = _metrics(project)
    result = _stage(project, "train")
    assert result.returncode == 0, result.stderr
    after = _metrics(project)
    assert {m: r["folds"] for m, r in after["cv"].items()} == {
        m: r["folds"] for m, r in before["cv"].items()
    }
    assert "fold 5/5" in result.stdout


def test_rmsle_models_the_log_of_the_target(trained, tmp_path):
    project = _copy(trained("regression"), tmp_path)
    config = project / "config.yaml"
    text = config.read_text()
    assert '  metric: "auto"' in text
    config.write_text(text.replace('  metric: "auto"', '  metric: "rmsle"', 1))
    result = _stage(project, "train")
    assert result.returncode == 0, result.stderr
    assert "on the log scale" in result.stdout
    metrics = _metrics(project)
    assert metrics["metric"] == "rmsle" and metrics["greater_is_better"] is False
    assert 0 < metrics["best_score"] < metrics["baseline_score"] < 1.5  # RMSLE, not a negated score
    card = json.loads((project / "models" / "model_card.json").read_text())
    assert card["log_target"] is True


def _validator(project: Path):
    """The engine's ``validate_submission`` and the project's config, imported in-process."""
    from kaggle_starter.config import load_config
    from kaggle_starter.errors import ProjectError
    from kaggle_starter.submission import validate_submission

    return validate_submission, load_config(project), ProjectError


def test_validate_submission_names_the_first_mismatch(trained, tmp_path):
    project = _copy(trained("multiclass"), tmp_path)
    validate, cfg, project_error = _validator(project)
    good = pd.read_csv(project / "submissions" / "submission.csv")
    validate(cfg, good)

    swapped = good.copy()
    swapped.iloc[[0, 1], 0] = swapped.iloc[[1, 0], 0].to_numpy()
    with pytest.raises(project_error, match=rf"id '{good.iloc[1, 0]}' in row 1"):
        validate(cfg, swapped)
    misspelled = good.assign(species=good["species"].str.lower())
    with pytest.raises(project_error, match="has the label 'adelie'|has the label 'gentoo'"):
        validate(cfg, misspelled)
    with pytest.raises(project_error, match="must have the columns penguin_id, species"):
        validate(cfg, good[["species", "penguin_id"]])
    with pytest.raises(project_error, match="rows"):
        validate(cfg, good.iloc[:-1])


def test_the_submission_keeps_the_sample_column_order(trained, tmp_path):
    """A sample submission may put the value column before the id; the file follows it."""
    project = _copy(trained("regression"), tmp_path)
    path = project / "data" / "raw" / "sample_submission.csv"
    sample = pd.read_csv(path)
    path.chmod(0o644)
    sample[sample.columns[::-1]].to_csv(path, index=False)
    result = _stage(project, "predict")
    assert result.returncode == 0, result.stderr
    written = pd.read_csv(project / "submissions" / "submission.csv")
    assert list(written.columns) == list(sample.columns[::-1])
    assert written[sample.columns[0]].tolist() == sample[sample.columns[0]].tolist()


def test_a_dataset_without_a_test_file_gets_a_sentence(trained, tmp_path):
    project = _copy(trained("binary"), tmp_path)
    (project / "data" / "processed" / "test.parquet").unlink()
    (project / "submissions" / "submission.csv").unlink()
    result = _stage(project, "predict")
    assert result.returncode == 0, result.stderr
    assert "no test file" in result.stdout
    assert not (project / "submissions" / "submission.csv").exists()


def test_a_test_file_missing_a_feature_is_named(trained, tmp_path):
    project = _copy(trained("binary"), tmp_path)
    path = project / "data" / "processed" / "test.parquet"
    pd.read_parquet(path).drop(columns=["Mean texture"]).to_parquet(path)
    before = (project / "submissions" / "submission.csv").read_bytes()
    result = _stage(project, "predict")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ERROR: The test data has no column 'Mean texture', which the model was trained on; "
        "check that the test file belongs to this training data, then run `make data FORCE=1`."
    ]
    assert (project / "submissions" / "submission.csv").read_bytes() == before


def test_a_column_only_train_has_is_left_out_of_every_model(trained, tmp_path):
    """Competitions give train columns test lacks (parts of the answer, later outcomes)."""
    project = _copy(trained("binary"), tmp_path)
    ref = yaml.safe_load((project / "config.yaml").read_text())["data"]["ref"]
    source = shutil.copytree(ref, tmp_path / "source")  # the fixture names its source absolutely
    test_csv = source / "test.csv"
    pd.read_csv(test_csv).drop(columns=["Mean texture"]).to_csv(test_csv, index=False)
    config = project / "config.yaml"
    config.write_text(config.read_text().replace('ref: "', f'ref: "{source}" #', 1))
    data = _stage(project, "data")
    assert data.returncode == 0, data.stderr
    assert "WARNING: 1 training column(s) are not in test.csv ('Mean texture')" in data.stderr
    for stage in ("train", "predict"):
        result = _stage(project, stage)
        assert result.returncode == 0, result.stderr
    card = json.loads((project / "models" / "model_card.json").read_text())
    assert "Mean texture" not in card["inputs"] and "Mean smoothness" in card["inputs"]
    submission = pd.read_csv(project / "submissions" / "submission.csv")
    assert len(submission) == len(pd.read_csv(test_csv)) and submission.notna().all().all()


def test_a_single_class_target_is_one_error_line(trained, tmp_path):
    project = _copy(trained("binary"), tmp_path)
    path = project / "data" / "processed" / "train.parquet"
    train = pd.read_parquet(path)
    train[train["diagnosis"] == 1].to_parquet(path)
    before = (project / "reports" / "metrics.json").read_bytes()
    result = _stage(project, "train")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("ERROR: The target 'diagnosis' has a single class (1)")
    assert (project / "reports" / "metrics.json").read_bytes() == before


SPLIT_CHECK = """
import sys
from kaggle_starter.config import load_config
from kaggle_starter.artifacts import load_schema, load_train
from kaggle_starter.modeling.splits import cv_splitter
from kaggle_starter.schema import split_target

cfg = load_config(".")
train = load_train(cfg)
X, y = split_target(train, load_schema(cfg))
column = cfg.group_column or cfg.time_column
values = train[column].to_numpy()
for fit, held in cv_splitter(cfg, X, y):
    if cfg.group_column:
        assert not set(values[fit]) & set(values[held]), "a group is on both sides"
    else:
        assert values[fit].max() <= values[held].min(), "a fold trains on the future"
print("ok", len(cv_splitter(cfg, X, y)))
"""


@pytest.mark.parametrize(
    ("strategy", "column", "folds"), [("group", "island", 3), ("time", "year", 2)]
)
def test_group_and_time_splits_keep_their_promise(trained, tmp_path, strategy, column, folds):
    project = _copy(trained("multiclass"), tmp_path)
    config = project / "config.yaml"
    text = config.read_text().replace("strategy: auto", f"strategy: {strategy}", 1)
    text = text.replace(f'{strategy}_column: ""', f"{strategy}_column: {column}", 1)
    config.write_text(text.replace("folds: 5", f"folds: {folds}", 1))
    result = run([PYTHON, "-c", SPLIT_CHECK], project, PYTHONPATH=str(project / "src"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok", str(folds)]

    config.write_text(config.read_text().replace(f"_column: {column}", "_column: nest", 1))
    refused = _stage(project, "train")
    assert refused.returncode == 1
    assert "ERROR: config.yaml: cv column 'nest' is not a column of the training data" in (
        refused.stderr
    )
