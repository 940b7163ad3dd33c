"""The example project the engine's unit tests run against: the template rendered with its
default answers (no hooks, no data), so config.yaml and features.py are the ones a new project
ships. It is rendered once per test session into a temporary folder and made the active project,
so the engine imports its ``features`` module as it would a real owner's.
"""

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

from kaggle_starter import owner

TEMPLATE = Path(__file__).resolve().parents[2]
if str(TEMPLATE) not in sys.path:  # cookiecutter.json's `_extensions` import local_extensions.py
    sys.path.append(str(TEMPLATE))


def _render() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="kaggle-starter-example-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    project = cookiecutter(
        str(TEMPLATE),
        no_input=True,
        output_dir=str(folder),
        accept_hooks=False,
        extra_context={"bootstrap": False},
    )
    return Path(project)


EXAMPLE = _render()
PACKAGE = owner.activate(EXAMPLE).package
features = owner.module("features")  # the example owner's module, for monkeypatching
