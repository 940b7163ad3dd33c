"""Shared helpers for the template's tests: rendering projects and running their commands."""

import json
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
def fixture_project(tmp_path_factory, worker_id):
    """``get(kind, *stages)``: a project on the ``kind`` fixture after these stages, run once.

    A project is a snapshot: treat it as read-only, or copy it (``shutil.copytree`` keeps file
    times, so make sees the copy as up to date as the snapshot) before changing it. It has run
    at least the stages asked for, maybe more (the project of a kind grows: asking for
    ("data",) after ("data", "train") gets a trained project), so a test asserts on what its
    stages wrote, never on what is absent. Snapshots
    are shared by pytest-xdist's workers: the first to ask builds it under a file lock, in a
    project of its kind that only grows (each stage runs through the project's own make), then
    copies it; the others wait for the lock and reuse the copy. Without that every worker built
    its own, and the suite fitted the same models twice.
    """
    from filelock import FileLock

    from kaggle_fixtures import build_competition

    shared = tmp_path_factory.getbasetemp()
    shared = shared.parent if worker_id != "master" else shared  # the workers' common parent
    shared = shared / "fixture-projects"
    shared.mkdir(exist_ok=True)

    def build(kind: str) -> Path:
        """The growing project of this kind (rendered on first use)."""
        work = shared / f"{kind}-work"
        if work.is_dir():
            return next(p for p in work.iterdir() if p.name != "source")
        data = build_competition(kind, work / "source")
        name = f"{kind.title()} Fixture"
        project = render(work, data_source="local", dataset=str(data), project_name=name)
        # The hook writes data.ref relative to the project; snapshots and their copies live
        # elsewhere, so the fixture names its source absolutely (tests run `make data` on copies).
        config = project / "config.yaml"
        relative = json.dumps(os.path.relpath(data, project))
        config.write_text(config.read_text().replace(relative, json.dumps(str(data)), 1))
        return project

    def get(kind: str, *stages: str) -> Path:
        snapshot = shared / f"{kind}--{'-'.join(stages) or 'rendered'}" / "project"
        if snapshot.is_dir():  # published whole by a rename: no need to wait for a builder
            return snapshot
        with FileLock(shared / f"{kind}.lock"):
            if not snapshot.is_dir():
                snapshot.parent.mkdir(exist_ok=True)
                project = build(kind)
                for stage in stages:
                    done = make(project, stage)
                    assert done.returncode == 0, f"make {stage}:\n{done.stdout}\n{done.stderr}"
                partial = snapshot.with_name("partial")
                shutil.rmtree(partial, ignore_errors=True)
                shutil.copytree(project, partial, symlinks=True)
                partial.rename(snapshot)  # whole or absent: a failed copy is never reused
        return snapshot

    return get


# The template's test files, longest first: make test runs with --dist loadfile and
# --no-loadscope-reorder, so the workers take whole files in this order, and starting with the
# longest lets them finish together (the engine's quick unit files come after all of these).
# Measured seconds on 2 cores (pytest --durations=0), rounded; a file missing here goes after.
TEMPLATE_FILE_SECONDS = {
    "test_reruns.py": 125,
    "test_serve.py": 95,
    "test_iteration.py": 50,
    "test_interpret_report.py": 45,
    "test_acquire.py": 45,
    "test_journey.py": 45,
    "test_ensemble_tune.py": 40,
    "test_quality_wiring.py": 40,
    "test_project_tests.py": 40,
    "test_profile_eda.py": 35,
    "test_text_competition.py": 35,
    "test_train_predict.py": 35,
    "test_metric_names.py": 30,
    "test_bootstrap.py": 30,
    "test_concurrency.py": 30,
    "test_profile_samples.py": 25,
    "test_site.py": 20,
    "test_conventions.py": 20,
    "test_report_injection.py": 15,
    "test_container.py": 10,
    "test_threshold_stage.py": 5,
    "test_data.py": 5,
    "test_hooks.py": 5,
    "test_render.py": 5,
    "test_offline.py": 5,
}


def _schedule_key(item) -> tuple[int, float]:
    """Template files by their measured length, longest first; then the engine's units."""
    parts = item.path.relative_to(TEMPLATE).parts
    if "engine" in parts:
        return (1, 0.0)
    return (0, -TEMPLATE_FILE_SECONDS.get(item.path.name, 0))


def pytest_collection_modifyitems(items):
    """Longest files first (see TEMPLATE_FILE_SECONDS), so that with `-n 2` the workers finish
    together instead of one waiting on a long file collected at the end. The sort is stable:
    tests keep their order inside a file."""
    items.sort(key=_schedule_key)
