"""Shared helpers for the template's tests: rendering projects and running their commands."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cookiecutter.generate import generate_context, generate_files
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parents[1]
PYTHON = sys.executable  # the template's environment also holds the project's dependencies

# cookiecutter puts the template on sys.path while it renders, so that cookiecutter.json's
# `_extensions` can import local_extensions.py; the helpers below that call generate_files or
# build a StrictEnvironment directly need the same.
if str(TEMPLATE) not in sys.path:
    sys.path.append(str(TEMPLATE))


def render(output_dir: Path, hooks: bool = True, **answers) -> Path:
    """Render the template with these answers (bootstrap off unless asked); return the project."""
    answers.setdefault("bootstrap", False)
    return Path(
        cookiecutter(
            str(TEMPLATE),
            no_input=True,
            extra_context=answers,
            output_dir=str(output_dir),
            accept_hooks=hooks,
        )
    )


def project_env(**extra: str) -> dict[str, str]:
    """The environment a generated project's commands run in: pinned threads, no debug."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAGGLE_")}
    env.update(OMP_NUM_THREADS="1", PYTHONHASHSEED="0", MPLBACKEND="Agg")
    env.pop("DEBUG", None)
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """Run a command in a project and capture its output as text."""
    return subprocess.run(
        args, cwd=cwd, env=project_env(**env), capture_output=True, text=True, timeout=1200
    )


def cli(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m kaggle_starter ARGS`` in a generated project, as its Makefile does."""
    return run(
        [PYTHON, "-m", "kaggle_starter", *args], project, PYTHONPATH=str(project / "src"), **env
    )


def make(project: Path, *targets: str, **env: str) -> subprocess.CompletedProcess:
    """Run make targets in a generated project with the test environment's interpreter."""
    return run(["make", "--no-print-directory", *targets, f"PYTHON={PYTHON}"], project, **env)


def render_typed(output_dir: Path, **answers) -> Path:
    """Render as if a person had typed these answers at the prompts.

    Typed answers reach the template literally, whereas cookiecutter evaluates ``extra_context``
    values as Jinja; this is the path for answers holding braces or Jinja-looking text.
    """
    answers.setdefault("bootstrap", False)
    context = generate_context(str(TEMPLATE / "cookiecutter.json"))
    values = prompt_for_config(context, no_input=True)
    values.update(answers)
    values["_template"] = str(TEMPLATE)
    return Path(generate_files(str(TEMPLATE), {"cookiecutter": values}, str(output_dir)))


@pytest.fixture(scope="session")
def default_project(tmp_path_factory) -> Path:
    """One render with the default answers, shared by read-only tests."""
    return render(tmp_path_factory.mktemp("default"))


STAGE_LINE = re.compile(r"-m \w+ (\w+)")


def stages_ran(result: subprocess.CompletedProcess) -> set[str]:
    """The stages a successful make run ran, read from the commands it printed."""
    assert result.returncode == 0, result.stdout + result.stderr
    return set(STAGE_LINE.findall(result.stdout))


@pytest.fixture
def finished_copy(fixture_project, tmp_path) -> Path:
    """A copy of the binary fixture's project after `make all`, file times kept."""
    return shutil.copytree(fixture_project("binary", "all"), tmp_path / "project", symlinks=True)


@pytest.fixture(scope="session")
def fixture_project(tmp_path_factory):
    """``get(kind, *stages)``: a local-source project on the ``kind`` fixture, stages run once.

    Projects are shared across the session: treat them as read-only, or copy one
    (``shutil.copytree``) before changing it. Each stage runs through the project's own make.
    """
    from kaggle_fixtures import build_competition

    projects: dict[str, Path] = {}
    done: dict[str, set[str]] = {}

    def get(kind: str, *stages: str) -> Path:
        if kind not in projects:
            root = tmp_path_factory.mktemp(f"fixture-{kind}")
            data = build_competition(kind, root / "source")
            projects[kind] = render(
                root, data_source="local", dataset=str(data), project_name=f"{kind.title()} Fixture"
            )
            done[kind] = set()
        for stage in stages:
            if stage not in done[kind]:
                result = make(projects[kind], stage)
                assert result.returncode == 0, f"make {stage}:\n{result.stdout}\n{result.stderr}"
                done[kind].add(stage)
        return projects[kind]

    return get


def pytest_collection_modifyitems(items):
    """Template tests (renders, whole journeys: minutes a file) first, the engine's quick unit
    tests last, so that with `-n 2` the workers finish together instead of one waiting on a long
    file collected at the end."""
    items.sort(key=lambda item: "engine" in item.path.relative_to(TEMPLATE).parts)
