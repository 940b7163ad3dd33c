"""A generated project's own commands work: help, tests, lint."""

from conftest import make


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
