"""A generated project's own commands work: help, tests, lint."""

import os
from pathlib import Path

from conftest import PYTHON, make, render, run


def test_help_is_the_default_target_and_lists_every_target(default_project):
    result = make(default_project)
    assert result.returncode == 0, result.stderr
    for target in (
        "setup",
        "data",
        "profile",
        "eda",
        "train",
        "interpret",
        "predict",
        "submit",
        "report",
        "serve",
        "monitor",
        "all",
        "test",
        "lint",
        "clean",
    ):
        assert f"make {target} " in result.stdout


def test_generated_project_tests_pass(default_project):
    result = make(default_project, "test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_generated_project_lint_passes(default_project):
    result = make(default_project, "lint")
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_setup_creates_a_working_environment(tmp_path):
    """The real `make setup` (uv from the template's environment): .venv with the project and
    the engine, installed from this checkout by the path source the hook pinned."""
    project = render(tmp_path)
    path = f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}"
    result = run(["make", "--no-print-directory", "setup"], project, PATH=path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    venv_python = project / ".venv" / "bin" / "python"
    imports = "import titanic.features, kaggle_starter.cli, sklearn, data_profiling"
    check = run([str(venv_python), "-c", imports], project)
    assert check.returncode == 0, check.stderr
    again = run(["make", "--no-print-directory", "setup"], project, PATH=path)
    assert "Installed" in result.stdout + result.stderr  # uv reports what it installed
    assert "Installed" not in again.stdout + again.stderr  # the stamp keeps it installed
