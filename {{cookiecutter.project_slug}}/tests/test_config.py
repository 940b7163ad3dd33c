"""config.yaml is the one source of truth: it loads, and a broken one is named precisely."""

import re
import shutil
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import load_config, write_detected
from {{ cookiecutter.package_name }}.errors import ProjectError

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    return tmp_path


def test_the_shipped_config_loads(project):
    cfg = load_config(project)
    assert cfg.source in {"competition", "dataset", "local"}
    assert cfg.cv_folds >= 2


def test_detected_values_fill_blanks_but_never_override_answers(project):
    write_detected(
        project, {"target": "label", "id": "row_id", "task": "binary", "metric": "roc_auc"}
    )
    cfg = load_config(project)
    assert cfg.id == "row_id"
    assert cfg.task in {"binary", load_config(PROJECT).task}
    write_detected(project, {"target": "other", "task": "binary"})
    text = (project / "config.yaml").read_text()
    assert text.count("\ndetected:") == 1
    assert "other" in text and "row_id" not in text


def test_a_yaml_error_names_the_file_and_line(project):
    path = project / "config.yaml"
    path.write_text(path.read_text() + "\ncv:\n  folds: [5\n")
    with pytest.raises(ProjectError, match=r"config.yaml does not parse at line \d+"):
        load_config(project)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("cv:", "cv:\n  fodls: 3"), "unknown key cv.fodls"),
        (("cv:", "crossval:\n  folds: 3\ncv:"), "unknown section 'crossval'"),
        (("strategy: auto", "strategy: random"), "cv.strategy is 'random'"),
        (("folds: 5", "folds: 1"), "cv.folds is 1"),
    ],
)
def test_bad_values_are_named_with_what_is_allowed(project, edit, message):
    path = project / "config.yaml"
    path.write_text(path.read_text().replace(*edit, 1))
    with pytest.raises(ProjectError, match=message):
        load_config(project)


def test_a_new_target_is_not_held_to_the_old_targets_task_and_metric(project):
    write_detected(
        project, {"target": "Survived", "id": "PassengerId", "task": "binary", "metric": "accuracy"}
    )
    path = project / "config.yaml"
    text = path.read_text()
    for old, new in (('target: ""', "target: Fare"), ('task: "auto"', "task: regression")):
        text = text.replace(old, new, 1) if old in text else text
    path.write_text(text)
    cfg = load_config(project)
    assert (cfg.target, cfg.task, cfg.metric) == ("Fare", "regression", "rmse")


def test_a_metric_of_the_users_own_is_named_as_module_function(project):
    text = (project / "config.yaml").read_text()
    spec = "sklearn.metrics:cohen_kappa_score"
    own = re.sub(r"(?m)^  metric: .*$", f'  metric: "{spec}"', text, count=1)
    own = re.sub(r"(?m)^  task: .*$", '  task: "binary"', own, count=1)
    (project / "config.yaml").write_text(own)
    assert load_config(project).metric == spec
    (project / "config.yaml").write_text(own.replace("cohen_kappa_score", "no_such_score"))
    with pytest.raises(ProjectError, match="no function 'no_such_score'"):
        load_config(project)


def test_train_ensemble_and_tune_seconds_are_read(project):
    text = (project / "config.yaml").read_text()
    cfg = load_config(project)
    assert cfg.ensemble is True and cfg.tune_seconds == 120
    (project / "config.yaml").write_text(
        text.replace("ensemble: true", "ensemble: false").replace("seconds: 120", "seconds: 30")
    )
    cfg = load_config(project)
    assert cfg.ensemble is False and cfg.tune_seconds == 30
    (project / "config.yaml").write_text(text.replace("ensemble: true", "ensemble: maybe"))
    with pytest.raises(ProjectError, match="train.ensemble"):
        load_config(project)
