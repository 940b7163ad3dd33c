"""Small projects run in this process: the example project on a local source, its stages run
through the CLI's own entry point (no subprocess, no make), so engine tests get real artifacts
and real ERROR lines in a fraction of a subprocess's time.

:func:`build` makes a project (the binary fixture's data, two quick models); :func:`run_cli` runs
`kaggle-starter ARGS` in one and returns what a subprocess would (exit code, stdout, stderr).
The template's tests keep the make-driven journeys.
"""

import io
import json
import shutil
import warnings
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from example import EXAMPLE

from kaggle_fixtures import build_competition
from kaggle_starter import owner
from kaggle_starter.cli import main

MODELS = "[dummy, linear]"


@dataclass
class Result:
    """What a finished `kaggle-starter` command left: as subprocess.CompletedProcess names it."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(project: Path, *args: str) -> Result:
    """``kaggle-starter --root PROJECT ARGS`` in this process, its output captured.

    ``catch_warnings`` makes a warning this process already showed show again (as it would in a
    fresh process) and puts back the CLI's one-line warning printer afterwards.
    """
    out, err = io.StringIO(), io.StringIO()
    with warnings.catch_warnings(), redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(["--root", str(project), *args])
        finally:
            owner.activate(EXAMPLE)  # the CLI made the project active; give it back
    return Result(code, out.getvalue(), err.getvalue())


def local_copy(folder: Path, source: Path, models: str | None = None) -> Path:
    """A copy of the example project in ``folder``/project reading the local ``source``."""
    project = Path(shutil.copytree(EXAMPLE, folder / "project"))
    config = project / "config.yaml"
    text = config.read_text()
    for key, value in (("source", "local"), ("ref", str(source))):
        start = text.index(f"\n  {key}: ") + len(f"\n  {key}: ")
        text = text[:start] + json.dumps(value) + text[text.index("  #", start) :]
    if models:
        start = text.index("  models: [")
        text = text[:start] + f"  models: {models}" + text[text.index("\n", start) :]
    config.write_text(text)
    return project


def build(folder: Path, *stages: str) -> Path:
    """The example project on the binary fixture's data, two quick models, after ``stages``."""
    project = local_copy(folder, build_competition("binary", folder / "source"), MODELS)
    for stage in stages:
        result = run_cli(project, stage)
        assert result.returncode == 0, f"{stage}:\n{result.stdout}\n{result.stderr}"
    return project
