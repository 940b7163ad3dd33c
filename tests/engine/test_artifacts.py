"""Every artifact is read one way: missing says which stage to run, damaged says how to redo it."""

import pickle
import shutil
import sys

import pytest
from example import EXAMPLE

from kaggle_starter import artifacts
from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError

PROJECT = EXAMPLE
READERS = {
    "schema": artifacts.load_schema,
    "metrics": lambda cfg: artifacts.read_json(cfg, "metrics"),
    "interpretation": lambda cfg: artifacts.read_json(cfg, "interpretation"),
    "eda_summary": lambda cfg: artifacts.read_json(cfg, "eda_summary"),
    "data_quality": artifacts.load_quality,
    "model_card": lambda cfg: artifacts.read_json(cfg, "model_card"),
    "model": artifacts.load_model,
}


@pytest.fixture
def cfg(tmp_path):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    return load_config(tmp_path)


@pytest.mark.parametrize("name", READERS)
def test_a_missing_artifact_names_the_stage_that_writes_it(cfg, name):
    stage = artifacts.ARTIFACTS[name].stage
    shown = artifacts.path_of(cfg, name).relative_to(cfg.root).as_posix()
    with pytest.raises(ProjectError) as caught:
        READERS[name](cfg)
    assert str(caught.value) == f"{shown} is missing: run `make {stage}` first."


@pytest.mark.parametrize("name", READERS)
def test_a_damaged_artifact_says_how_to_write_it_again(cfg, name):
    path = artifacts.path_of(cfg, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"half a')
    with pytest.raises(ProjectError, match=r" is damaged: .*`make [a-z]+( FORCE=1)?`") as caught:
        READERS[name](cfg)
    assert str(caught.value).startswith(path.relative_to(cfg.root).as_posix())


def test_an_optional_artifact_is_none_until_its_stage_runs(cfg):
    assert artifacts.read_json(cfg, "interpretation", required=False) is None
    assert artifacts.load_test(cfg) is None and artifacts.load_oof(cfg) is None


def test_a_model_saved_by_code_that_has_moved_asks_for_a_retrain(cfg, tmp_path, monkeypatch):
    module = tmp_path / "moved_away.py"
    module.write_text("class Old:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import moved_away

    path = artifacts.path_of(cfg, "model")
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps(moved_away.Old()))
    del sys.modules["moved_away"]
    module.unlink()
    with pytest.raises(ProjectError, match=r"older version of this project's code .* `make train`"):
        artifacts.load_model(cfg)


def test_an_atomic_write_keeps_the_files_permissions(tmp_path):
    import os
    import stat

    from kaggle_starter.files import write_text

    readme = tmp_path / "README.md"
    readme.write_text("mine\n")
    readme.chmod(0o644)
    write_text(readme, "mine, with results\n")
    assert stat.S_IMODE(readme.stat().st_mode) == 0o644
    script = tmp_path / "run.sh"
    script.write_text("")
    script.chmod(0o755)
    write_text(script, "echo\n")
    assert stat.S_IMODE(script.stat().st_mode) == 0o755
    umask = os.umask(0o022)
    try:
        write_text(tmp_path / "new.txt", "new\n")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
