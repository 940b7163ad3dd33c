"""config.yaml is the one source of truth: it loads, and a broken one is named precisely."""

import re
import shutil

import pytest
import yaml
from example import EXAMPLE

from kaggle_starter.config import Settings, defaults, load_config, provenance, write_detected
from kaggle_starter.errors import ProjectError

PROJECT = EXAMPLE


@pytest.fixture
def project(tmp_path):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    return tmp_path


def test_the_shipped_config_loads(project):
    cfg = load_config(project)
    assert cfg.source in {"competition", "dataset", "local"}
    assert cfg.cv_folds >= 2


def _detect(project, values):
    write_detected(project / "data" / "processed", values)


def test_detected_values_fill_blanks_but_never_override_answers(project):
    before = (project / "config.yaml").read_bytes()
    _detect(project, {"target": "label", "id": "row_id", "task": "binary", "metric": "roc_auc"})
    cfg = load_config(project)
    assert cfg.id == "row_id"
    assert cfg.task in {"binary", load_config(PROJECT).task}
    _detect(project, {"target": "other", "task": "binary"})
    assert load_config(project).target == "other" and load_config(project).id == ""
    assert (project / "config.yaml").read_bytes() == before  # config.yaml is the owner's


def test_config_names_where_each_setting_came_from(project):
    _detect(project, {"target": "label", "id": "row_id", "task": "binary", "metric": "roc_auc"})
    path = project / "config.yaml"
    path.write_text(path.read_text().replace("folds: 5", "folds: 3", 1))
    rows = {key: (value, origin) for key, value, origin in provenance(project)}
    assert rows["data.target"] == ("label", "detected by `make data`")
    assert rows["cv.folds"] == (3, "config.yaml")
    assert rows["data.metric"] == ("roc_auc", "detected by `make data`")


def test_a_damaged_detected_file_is_one_sentence(project):
    (project / "data" / "processed").mkdir(parents=True)
    (project / "data" / "processed" / "detected.json").write_text("{not json")
    with pytest.raises(ProjectError, match="detected.json is damaged.*make data"):
        load_config(project)


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
        (("folds: 5", "folds: 5.0"), r"cv.folds is 5.0; it must be a whole number of at least 2"),
        (("cv:", "cv: [3]\nold_cv:"), "unknown section 'old_cv'"),
        (("serve:", "serve: 8000\nold_serve:"), "unknown section 'old_serve'"),
        (("tune:", "tune: 60\nold_tune:"), "unknown section 'old_tune'"),
        (("port: 8000", "port: 70000"), r"^config.yaml: serve.port is 70000; a port is at most"),
        (("port: 8000", "port: yes"), r"serve.port is True; it must be a whole number of at least"),
        (("host: 127.0.0.1", 'host: " "'), r"serve.host is empty; use 127.0.0.1 or 0.0.0.0.$"),
        (
            ("max_text_chars: 5000", "max_text_chars: 0"),
            r"^config.yaml: serve.max_text_chars is 0; it",
        ),
        (
            ("max_text_chars: 5000", "max_text_chars: 2.5"),
            r"serve.max_text_chars is 2.5; it must be a",
        ),
        (("samples: auto", "samples: maybe"), "profile.samples is 'maybe', which is not allowed"),
        (("log_target: auto", "log_target: 2"), "train.log_target is '2', which is not allowed"),
        (("models: [dummy,", "models: [dumy,"), r"a name in train.models is 'dumy', which is not"),
        (("models: [dummy,", "models: dummy\n  old: ["), "unknown key train.old"),
        (("allowed_hosts: []", "allowed_hosts: example.com"), r"serve.allowed_hosts must be a"),
        (("allowed_hosts: []", 'allowed_hosts: ["a b"]'), r"serve.allowed_hosts must be a list"),
        (("allowed_hosts: []", "allowed_hosts: [example.com:8000]"), r"no scheme, port or path"),
        (("allowed_hosts: []", 'allowed_hosts: ["http://x.org/"]'), r"no scheme, port or path"),
        (('task: "auto"', "task: binary"), None),
    ],
)
def test_bad_values_are_named_with_what_is_allowed(project, edit, message):
    path = project / "config.yaml"
    assert edit[0] in path.read_text()
    path.write_text(path.read_text().replace(*edit, 1))
    if message is None:  # a value that is allowed
        load_config(project)
        return
    with pytest.raises(ProjectError, match=message) as caught:
        load_config(project)
    assert str(caught.value).startswith("config.yaml")
    assert str(caught.value).count(". ") == 0  # one sentence


def test_a_section_of_the_wrong_shape_is_named_and_an_empty_one_is_all_defaults(project):
    path = project / "config.yaml"
    for section in ("cv", "detected"):
        path.write_text(f"data:\n  task: binary\n{section}: [folds]\n")
        with pytest.raises(ProjectError, match=f"^config.yaml: section '{section}' must be a"):
            load_config(project)
    path.write_text("cv:\nserve:\n")
    cfg = load_config(project)
    assert (cfg.cv_folds, cfg.serve_port, cfg.models[0]) == (5, 8000, "dummy")
    assert cfg.serve_max_text_chars == 5000
    path.write_text("serve:\n  max_text_chars: 280\n")
    assert load_config(project).serve_max_text_chars == 280


def test_every_section_refuses_a_key_it_does_not_know_and_names_its_own(project):
    for section, keys in defaults().items():
        (project / "config.yaml").write_text(f"{section}:\n  not_a_key: 1\n")
        with pytest.raises(ProjectError, match=f"unknown key {section}.not_a_key") as caught:
            load_config(project)
        assert str(caught.value).endswith(f"allowed keys in {section!r} are {', '.join(keys)}.")


def test_the_settings_model_and_the_shipped_config_agree_on_every_key(project):
    shipped = yaml.safe_load((project / "config.yaml").read_text())
    assert {s: set(keys) for s, keys in defaults().items()} == {
        s: set(keys) for s, keys in shipped.items()
    }
    assert Settings.model_validate(shipped).cv.folds == load_config(project).cv_folds


def test_a_new_target_is_not_held_to_the_old_targets_task_and_metric(project):
    _detect(
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
    # The engine's own score functions are named the same way, from kaggle_starter.metrics.
    engines = own.replace(spec, "kaggle_starter.metrics:gini_score")
    (project / "config.yaml").write_text(engines)
    assert load_config(project).metric == "kaggle_starter.metrics:gini_score"


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


def test_the_host_names_a_deployment_answers_are_read(project):
    path = project / "config.yaml"
    names = 'allowed_hosts: [a.example, "*.b.example"]'
    path.write_text(path.read_text().replace("allowed_hosts: []", names))
    assert load_config(project).serve_allowed_hosts == ("a.example", "*.b.example")


@pytest.mark.parametrize(
    ("value", "effective"),
    [
        ('""', ""),
        ("local", "local"),
        ("tcp://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ('"tls://scheduler.example.com:8786/"', "tls://scheduler.example.com:8786"),
        ("http://127.0.0.1:8786", None),
        ("tcp://127.0.0.1", None),
        ("tcp://127.0.0.1:8786/path", None),
        ("localcluster", None),
    ],
)
def test_compute_cluster_is_empty_local_or_a_schedulers_address(project, value, effective):
    path = project / "config.yaml"
    path.write_text(path.read_text().replace('cluster: ""', f"cluster: {value}"))
    if effective is not None:
        assert load_config(project).cluster == effective
        return
    with pytest.raises(ProjectError, match=r"^config.yaml: compute.cluster is '") as caught:
        load_config(project)
    assert "tcp://" in str(caught.value) and str(caught.value).count(". ") == 0


def test_the_scheduler_address_in_the_environment_overrides_compute_cluster(project, monkeypatch):
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://10.0.0.5:8786")
    assert load_config(project).cluster == "tcp://10.0.0.5:8786"
    assert ("compute.cluster", "tcp://10.0.0.5:8786", "DASK_SCHEDULER_ADDRESS") in provenance(
        project
    )
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "10.0.0.5")
    with pytest.raises(ProjectError, match="^The environment variable DASK_SCHEDULER_ADDRESS is"):
        load_config(project)
