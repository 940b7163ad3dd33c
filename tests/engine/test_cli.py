"""The command line turns a user's mistake into one ERROR line and exit code 1."""

import shutil
from pathlib import Path

from example import EXAMPLE

from kaggle_starter.cli import build_parser, main
from kaggle_starter.stages import STAGES

PROJECT = EXAMPLE
ENGINE = Path(__file__).resolve().parents[2] / "src" / "kaggle_starter"


def test_every_stage_has_a_module():
    for stage in STAGES:
        assert (ENGINE / "stages" / f"{stage}.py").is_file()


def test_help_lists_every_stage():
    text = build_parser().format_help()
    assert all(stage in text for stage in STAGES)


def test_a_broken_config_is_one_error_line(tmp_path, capsys):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    (tmp_path / "config.yaml").write_text("data:\n  metric: nonsense\n")
    assert main(["--root", str(tmp_path), "train"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("ERROR: config.yaml: data.metric is 'nonsense'")


def test_a_library_warning_of_several_paragraphs_is_one_line(capsys):
    import io

    from sklearn.exceptions import ConvergenceWarning

    from kaggle_starter.cli import _one_line_warning

    out = io.StringIO()
    message = ConvergenceWarning(
        "lbfgs failed to converge after 100 iteration(s).\n\nIncrease the number of iterations"
        " to improve the convergence (max_iter=100).\nYou might also want to scale the data."
    )
    _one_line_warning(message, ConvergenceWarning, "x.py", 1, file=out)
    assert out.getvalue() == (
        "WARNING (ConvergenceWarning): lbfgs failed to converge after 100 iteration(s).\n"
    )
