"""Make's bookkeeping: a stage's files in .make/ change when, and only when, its code or settings
do, and make is told which of the owner's files each stage runs."""

import shutil

import pytest
from example import EXAMPLE, PACKAGE

from kaggle_starter import makedeps, makestate
from kaggle_starter.config import load_config
from kaggle_starter.stages import STAGES


@pytest.fixture
def project(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "project")
    return tmp_path / "project"


def _times(project):
    return {
        p.relative_to(project).as_posix(): p.stat().st_mtime_ns for p in project.rglob(".make/*/*")
    }


def test_a_new_version_number_alone_changes_no_digest():
    sources = makedeps.stage_sources()
    assert all(makestate.VERSION_FILE in files for files in sources.values())  # via __init__
    without = {
        name: [f for f in files if f != makestate.VERSION_FILE] for name, files in sources.items()
    }
    for name, files in sources.items():
        assert makestate.code_digest(files) == makestate.code_digest(without[name])


def test_a_broken_config_still_leaves_the_code_digests_and_state_up_to_date(project):
    (project / "config.yaml").write_text("cv: [\n")
    assert makestate.main(project) == 1
    assert (project / ".make" / "state.mk").is_file()
    assert (project / ".make" / "code" / "train.sha256").is_file()


def test_every_stage_gets_a_code_digest_and_a_settings_slice(project):
    makestate.update(project)
    for name in STAGES:
        assert (project / ".make" / "code" / f"{name}.sha256").is_file()
        assert (project / ".make" / "config" / f"{name}.json").is_file()


def test_a_second_update_rewrites_nothing(project):
    makestate.update(project)
    before = _times(project)
    state = (project / ".make" / "state.mk").stat().st_mtime_ns
    makestate.update(project)
    assert _times(project) == before
    assert (project / ".make" / "state.mk").stat().st_mtime_ns == state


@pytest.mark.parametrize(
    ("line", "edited", "readers"),
    [
        ("sample_rows: 2000", "sample_rows: 500", ["interpret"]),
        ("mode: auto", "mode: minimal", ["profile"]),
        ("folds: 5", "folds: 3", ["train", "tune", "interpret", "site"]),
        ("log_target: auto", "log_target: false", ["train", "tune"]),
        ("seconds: 120", "seconds: 60", ["tune"]),
        ("port: 8000", "port: 8001", ["serve"]),
        ('public_url: ""', 'public_url: "https://model.example.org/"', ["site"]),
    ],
)
def test_a_setting_redoes_only_the_stages_that_read_it(project, line, edited, readers):
    makestate.update(project)
    path = project / "config.yaml"
    assert line in path.read_text()
    path.write_text(path.read_text().replace(line, edited, 1))
    assert makestate.write_slices(load_config(project)) == readers


def test_the_project_description_is_read_by_the_pages_that_show_it(project):
    makestate.update(project)
    path = project / "config.yaml"
    text = path.read_text()
    start = text.index("  description: ")
    path.write_text(
        text[:start] + '  description: "Another sentence."' + text[text.index("\n", start) :]
    )
    assert makestate.write_slices(load_config(project)) == ["profile", "eda", "site"]


def test_interpretation_code_is_part_of_no_stage_before_interpret():
    """An engine release that changes only interpretation redoes interpret and report alone."""
    sources = makedeps.stage_sources()
    for path in (makedeps.PACKAGE_DIR / "interpret").glob("*.py"):
        users = {name for name, files in sources.items() if path in files}
        assert users <= {"interpret", "report"}, f"{path.name} is code of {sorted(users)}"


def test_the_digest_is_stable_and_covers_every_file():
    folder = makedeps.PACKAGE_DIR
    before = makestate.code_digest([folder / "owner.py"])
    assert before == makestate.code_digest([folder / "owner.py"])
    assert before != makestate.code_digest([folder / "owner.py", folder / "errors.py"])


def test_the_stages_that_fit_the_owners_code_depend_on_it(project):
    """train and tune run features.py while fitting; the stages that load the saved model follow
    train's outputs, so they rerun after it."""
    makestate.update(project)
    text = (project / ".make" / "state.mk").read_text()
    assert (
        f"OWNER_SOURCES := $(wildcard src/{PACKAGE}/__init__.py src/{PACKAGE}/features.py)" in text
    )
    for name in ("train", "tune"):
        assert f"STAGE_OWNER_{name} := $(OWNER_SOURCES)" in text
    for name in ("data", "profile", "report"):
        assert f"STAGE_OWNER_{name} := $(EXTEND_SOURCES)\n" in text
    assert "EXTEND_SOURCES := $(wildcard )\n" in text  # the example project has no extend.py


def test_a_file_name_make_cannot_hold_is_left_out_and_named(project, capsys):
    (project / "src" / PACKAGE / "features copy.py").write_text("")
    (project / "src" / PACKAGE / ".features.py.swp").write_text("")  # an editor's, not code
    assert makestate.main(project) == 0
    state = (project / ".make" / "state.mk").read_text()
    assert "features copy.py" not in state and ".swp" not in state
    err = capsys.readouterr().err
    assert "WARNING: make cannot watch" in err and "features copy.py" in err
