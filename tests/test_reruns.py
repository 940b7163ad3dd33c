"""Exact reruns, and nothing the user wrote ever overwritten or deleted.

One project on the binary fixture runs `make all` once; each test works on a copy of it
(copytree keeps the files' times, so make sees the copy exactly as up to date as the original).
"""

import shutil
from pathlib import Path

import nbformat
import pytest

from conftest import TEMPLATE, cli, make, stages_ran

_ran = stages_ran


@pytest.fixture
def project(finished_copy) -> Path:
    return finished_copy


def test_an_engine_change_to_interpretation_redoes_interpret_and_report_only(project, tmp_path):
    """The engine taken from a copy of this checkout (as an editable install of a copy would
    be): a new function in an interpretation module redoes interpret and report, not data,
    profile, eda or train. Judged by a real run: `make -n` would list every stage."""
    engine = tmp_path / "engine"
    shutil.copytree(TEMPLATE / "src", engine, ignore=shutil.ignore_patterns("__pycache__"))
    assert _ran(make(project, "all", PYTHONPATH=str(engine))) == set()
    module = engine / "kaggle_starter" / "interpret" / "sentences.py"
    module.write_text(module.read_text() + "\n\ndef _added_in_a_new_release():\n    return None\n")
    assert _ran(make(project, "all", PYTHONPATH=str(engine))) == {"interpret", "report"}
    assert _ran(make(project, "all", PYTHONPATH=str(engine))) == set()


# Real runs of two edits; which settings slice each stage depends on is unit-tested for every
# section in tests/engine/test_makestate.py. The train edit narrows the suite, so the rerun is
# quick: what is tested is which stages rerun, not how long the default suite takes.
CONFIG_EDITS = [
    ("interpret.sample_rows", "sample_rows: 2000", "sample_rows: 500", {"interpret", "report"}),
    (
        "train.models",
        "models: [dummy, linear, hist_gradient_boosting, lightgbm, xgboost, catboost]",
        "models: [dummy, linear]",
        {"train", "interpret", "predict", "report"},
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"), [e[1:] for e in CONFIG_EDITS], ids=[e[0] for e in CONFIG_EDITS]
)
def test_a_config_edit_reruns_exactly_the_stages_that_read_it(project, old, new, expected):
    path = project / "config.yaml"
    text = path.read_text()
    assert f"\n  {old}" in text
    path.write_text(text.replace(f"\n  {old}", f"\n  {new}", 1))
    assert _ran(make(project, "all")) == expected


def test_make_data_with_nothing_changed_leaves_the_processed_data_alone(project):
    schema = project / "data/processed/schema.json"
    before = schema.stat().st_mtime_ns
    assert _ran(make(project, "data", FORCE="1")) == {"data"}
    assert schema.stat().st_mtime_ns == before
    assert _ran(make(project, "all")) == set()


def test_an_edited_notebook_survives_a_config_change_and_make_all(project):
    notebook_path = project / "notebooks/01-eda.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("my_own_analysis = 42"))
    nbformat.write(notebook, notebook_path)
    mine = notebook_path.read_bytes()
    config = (project / "config.yaml").read_text()  # profile and eda read the description
    edited = config.replace('  description: "', '  description: "Edited. ', 1)
    assert edited != config
    (project / "config.yaml").write_text(edited)
    result = make(project, "all")
    assert "eda" in _ran(result)
    assert notebook_path.read_bytes() == mine
    assert (project / "notebooks/01-eda.generated.ipynb").is_file()
    assert "has your edits, so it was kept" in result.stdout

    (project / "reports/figures/eda-mine.png").write_bytes(b"my own figure")
    forced = make(project, "eda", FORCE="1")  # the fresh notebook in place, the edits set aside
    assert (project / "reports/figures/eda-mine.png").read_bytes() == b"my own figure"
    assert _ran(forced) == {"data", "eda"}  # FORCE=1 redoes the stage and the ones it needs
    assert (project / "notebooks/01-eda.edited.ipynb").read_bytes() == mine
    assert "moved to 01-eda.edited.ipynb" in forced.stdout
    assert "my_own_analysis" not in notebook_path.read_text()


def test_make_clean_removes_only_what_the_stages_generated(project):
    notebook_path = project / "notebooks/01-eda.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("My notes."))
    nbformat.write(notebook, notebook_path)
    (project / "notebooks/my-own.ipynb").write_text(notebook_path.read_text())
    (project / "submissions/submitted.json").write_text("[]\n")
    (project / "reports/figures/eda-mine.png").write_bytes(b"my own figure")
    result = make(project, "clean")
    assert result.returncode == 0, result.stderr
    for kept in (
        "notebooks/01-eda.ipynb",
        "notebooks/my-own.ipynb",
        "submissions/submitted.json",
        "runs/index.csv",
        "data/raw/manifest.json",
        "models/model.joblib",
        *(p.relative_to(project).as_posix() for p in (project / "src").glob("*/features.py")),
    ):
        assert (project / kept).is_file(), kept
    for gone in ("data/processed", "reports/metrics.json", "submissions/submission.csv", ".make"):
        assert not (project / gone).exists(), gone
    assert [p.name for p in (project / "reports/figures").glob("*.png")] == ["eda-mine.png"]


def test_a_file_the_user_put_in_data_raw_stops_a_fresh_fetch(project):
    (project / "data/raw/my_notes.csv").write_text("a,b\n1,2\n")
    before = sorted(p.name for p in (project / "data/raw").iterdir())
    result = cli(project, "data", "--force")
    assert result.returncode == 1
    assert "data/raw holds 1 file this project did not fetch ('my_notes.csv')" in result.stderr
    assert sorted(p.name for p in (project / "data/raw").iterdir()) == before


def test_config_yaml_is_byte_identical_after_make_data(project):
    path = project / "config.yaml"
    path.write_text(path.read_text() + "\n# my own note about this dataset\n")
    before = path.read_bytes()
    assert cli(project, "data", "--force").returncode == 0
    assert path.read_bytes() == before
