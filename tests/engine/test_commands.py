"""The project's tools that are not stages: config, clean and vendor."""

import json
import shutil
import tomllib

import pytest
from example import EXAMPLE

from kaggle_starter import __version__, commands
from kaggle_starter.cli import main
from kaggle_starter.makedeps import PACKAGE_DIR


@pytest.fixture
def project(tmp_path):
    return shutil.copytree(EXAMPLE, tmp_path / "project")


def test_vendor_copies_the_engine_and_points_pyproject_at_it(project, capsys):
    assert main(["--root", str(project), "vendor"]) == 0
    copy = project / "vendor" / "kaggle-starter"
    engine = copy / "src" / "kaggle_starter"
    assert (engine / "cli.py").read_bytes() == (PACKAGE_DIR / "cli.py").read_bytes()
    assert (engine / "eda" / "cells").is_dir() and not list(engine.rglob("__pycache__"))
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    source = pyproject["tool"]["uv"]["sources"]["kaggle-starter"]
    assert source == {"path": "vendor/kaggle-starter", "editable": True}
    assert pyproject["project"]["dependencies"] == [f"kaggle-starter=={__version__}"]
    vendored = tomllib.loads((copy / "pyproject.toml").read_text())["project"]
    assert vendored["name"] == "kaggle-starter" and vendored["version"] == __version__
    assert any(r.startswith("scikit-learn") for r in vendored["dependencies"])
    assert any(r.startswith("xgboost") for r in vendored["optional-dependencies"]["boost"])
    assert "uv lock" in capsys.readouterr().out


def test_vendor_twice_is_refused_and_keeps_the_copy(project, capsys):
    assert main(["--root", str(project), "vendor"]) == 0
    mine = project / "vendor" / "kaggle-starter" / "src" / "kaggle_starter" / "cli.py"
    mine.write_text(mine.read_text() + "\n# my change\n")
    capsys.readouterr()
    assert main(["--root", str(project), "vendor"]) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("ERROR: vendor/kaggle-starter exists already")
    assert mine.read_text().endswith("# my change\n")


def test_vendor_refuses_a_pyproject_it_cannot_edit_before_copying(project, capsys):
    path = project / "pyproject.toml"
    text = path.read_text()
    start = text.index("[tool.uv.sources]") if "[tool.uv.sources]" in text else len(text)
    path.write_text(text[:start] + '\n[tool.uv]\nsources = { kaggle-starter = { path = "x" } }\n')
    before = path.read_bytes()
    assert main(["--root", str(project), "vendor"]) == 1
    assert "cannot edit" in capsys.readouterr().err
    assert path.read_bytes() == before and not (project / "vendor").exists()


def test_clean_keeps_bytecode_caches_and_the_owners_files(project):
    cache = project / ".venv" / "lib" / "__pycache__"
    cache.mkdir(parents=True)
    (cache / "x.pyc").write_bytes(b"")
    (project / "reports" / "figures").mkdir(parents=True)
    (project / "reports" / "metrics.json").write_text("{}")
    assert commands.clean(project) == 0
    assert (cache / "x.pyc").is_file()
    assert not (project / "reports" / "metrics.json").exists()
    assert (project / "config.yaml").is_file() and (project / "src").is_dir()


def test_clean_removes_the_figures_the_stages_recorded_not_the_owners(project):
    figures = project / "reports" / "figures"
    figures.mkdir(parents=True)
    for name in ("eda-target.png", "eda-mine.png", "monitoring-mine.png", "shap_summary.png"):
        (figures / name).write_bytes(b"png")
    (project / "src" / "keep.png").write_bytes(b"png")
    record = json.dumps(
        {
            "figures": [
                "reports/figures/eda-target.png",
                "reports/figures/../../src/keep.png",
                "reports/figures/..\\..\\src\\keep.png",
            ]
        }
    )
    (project / "reports" / "eda.json").write_text(record)
    (project / "reports" / "interpretation.json").write_text("not json")
    assert commands.clean(project) == 0
    left = sorted(p.name for p in figures.iterdir())
    assert left == ["eda-mine.png", "monitoring-mine.png", "shap_summary.png"]
    assert (project / "src" / "keep.png").is_file()  # a record cannot point outside figures/


def test_clean_removes_a_linked_data_processed_not_what_it_points_at(project, tmp_path):
    elsewhere = tmp_path / "big-disk" / "processed"
    elsewhere.mkdir(parents=True)
    (elsewhere / "train.parquet").write_bytes(b"rows")
    (project / "data").mkdir(exist_ok=True)
    (project / "data" / "processed").symlink_to(elsewhere, target_is_directory=True)
    assert commands.clean(project) == 0
    assert not (project / "data" / "processed").exists()
    assert (elsewhere / "train.parquet").read_bytes() == b"rows"


def test_config_prints_every_setting_with_its_origin(project, capsys):
    assert main(["--root", str(project), "config"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("cv.folds") and line.endswith("config.yaml") for line in lines)
    assert any(line.startswith("data.metric") for line in lines)


def test_what_clean_removes_is_listed_once_and_never_what_cannot_be_remade(project):
    from kaggle_starter.layout import Layout

    layout = Layout(project)
    generated = layout.generated()
    assert len(set(generated)) == len(generated)
    kept = (layout.raw, layout.models, layout.runs, layout.monitoring, layout.config)
    for path in generated:
        assert not any(path == k or k in path.parents for k in kept), path
    assert set(layout.figure_records()) <= set(generated)  # records go, after their figures
