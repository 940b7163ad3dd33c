"""A small project trained in this process: the example project on the binary fixture's data,
after `data` and `train` run through the CLI's own entry point (no subprocess, no make).

Engine tests that need real artifacts (a schema, metrics, a saved model) copy it; the template's
tests keep the make-driven journeys. Two quick models keep it to a few seconds.
"""

import shutil
from pathlib import Path

import yaml
from example import EXAMPLE

from kaggle_fixtures import build_competition
from kaggle_starter import owner
from kaggle_starter.cli import main

MODELS = ["dummy", "linear"]


def build(folder: Path, *stages: str) -> Path:
    """The example project in ``folder``/project on the binary fixture, after ``stages``."""
    data = build_competition("binary", folder / "source")
    project = shutil.copytree(EXAMPLE, folder / "project")
    config = yaml.safe_load((project / "config.yaml").read_text())
    config["data"].update(source="local", ref=str(data))
    config["train"].update(models=MODELS, ensemble=False)
    (project / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    try:
        for stage in stages:
            assert main(["--root", str(project), stage]) == 0, stage
    finally:
        owner.activate(EXAMPLE)  # the CLI made the copy the active project; give it back
    return project
