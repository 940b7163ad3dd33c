"""The service as a container, tested without Docker (no daemon on these machines): the
Dockerfile's own install and start commands run in a fresh virtual environment and the service
answers; .dockerignore, read the way Docker reads it, keeps data and credentials out."""

import json
import re
import shlex
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import PYTHON, TEMPLATE, project_env, run

UV = next((p for p in (Path(PYTHON).parent / "uv", TEMPLATE / ".make" / "uv") if p.is_file()), None)


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(keyword, argument) per instruction, continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.read_text().splitlines() if not line.startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, argument = line.strip().partition(" ")
            found.append((keyword.upper(), argument.strip()))
    return found


def stages(dockerfile: Path) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage (each FROM starts one)."""
    split: list[list[tuple[str, str]]] = []
    for keyword, argument in instructions(dockerfile):
        if keyword == "FROM":
            split.append([])
        split[-1].append((keyword, argument))
    return split


def ignored(patterns: list[str], path: str) -> bool:
    """Whether Docker leaves ``path`` out of the build context: the last pattern matching the
    path or one of its parent folders decides, ``!`` lets it back in; ``*`` and ``?`` stay
    within a folder, ``**`` crosses folders (moby/patternmatcher)."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    decided = False
    for pattern in patterns:
        exclude = not pattern.startswith("!")
        body = pattern.lstrip("!").strip("/")
        regex = re.escape(body).replace(r"\*\*/", "(.*/)?").replace(r"\*\*", ".*")
        regex = regex.replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, candidate) for candidate in candidates):
            decided = exclude
    return decided


def test_the_dockerfile_is_a_slim_locked_non_root_service_with_a_health_check(default_project):
    build, final = stages(default_project / "Dockerfile")
    assert build[0][1] == "python:3.11-slim AS build" and final[0][1] == "python:3.11-slim"
    (install,) = [argument for keyword, argument in build if "uv sync" in argument]
    assert "--locked" in install and "--no-dev" in install  # uv.lock as it is, no dev tools
    keywords = dict(final)
    assert keywords["USER"] not in ("root", "0")
    assert "/health" in keywords["HEALTHCHECK"] and "PORT" in keywords["HEALTHCHECK"]
    command = json.loads(keywords["CMD"])
    assert "--factory kaggle_starter.stages.serve:application" in command[-1]
    assert '--port "$PORT"' in command[-1]
    assert "COPY --from=build /app/.venv /app/.venv" in " ".join(f"{k} {a}" for k, a in final)


INSIDE = [
    "pyproject.toml",
    "uv.lock",
    "config.yaml",
    "src/titanic/features.py",
    "models/model.joblib",
    "models/model_card.json",
    "data/processed/schema.json",
    "data/processed/train.parquet",
]
OUTSIDE = [
    "data/raw/train.csv",
    "data/raw/manifest.json",
    "data/processed/test.parquet",
    "notebooks/01-eda.ipynb",
    "runs/001-baseline/run.json",
    "reports/profile.html",
    "submissions/submission.csv",
    ".venv/bin/python",
    ".git/config",
    "kaggle.json",
    ".env",
    "src/titanic/.env",
    "src/titanic/__pycache__/features.cpython-311.pyc",
    "monitoring/predictions.db",
    "site/index.html",
]


def test_dockerignore_keeps_data_notebooks_runs_and_credentials_out(default_project):
    text = (default_project / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in text if line.strip() and not line.startswith("#")]
    assert [p for p in INSIDE if ignored(patterns, p)] == []
    assert [p for p in OUTSIDE if not ignored(patterns, p)] == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answer(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())


def _wait_for_health(url: str, service: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 300  # a cold start imports the engine on a shared machine
    while time.monotonic() < deadline:
        if service.poll() is not None:
            pytest.fail(f"the service stopped: {service.stdout.read()}")
        try:
            return _answer(f"{url}/health")[1]
        except OSError:
            time.sleep(0.5)
    pytest.fail("the service did not answer /health")


@pytest.mark.skipif(UV is None, reason="uv is installed by the template's `make install`")
def test_the_dockerfiles_commands_install_and_start_the_service_outside_docker(
    finished_copy, tmp_path
):
    """The build stage's `uv sync` as written, into a fresh virtual environment (uv's cache is
    reused: hard links, no bytecode compiling, the two Dockerfile ENV settings that only speed
    up an image build), then the CMD and the HEALTHCHECK as written, from the project folder.

    Needs the package index for `uv lock` (make setup writes uv.lock on a first run); seconds
    once the template's own environment is installed, about a minute with bytecode compiling.
    """
    project = finished_copy
    pyproject = project / "pyproject.toml"  # the copy moved: its path source, made absolute
    pyproject.write_text(
        re.sub(r'path = "[^"]*"', f"path = {json.dumps(str(TEMPLATE))}", pyproject.read_text())
    )
    uv_env = {"UV_PYTHON": PYTHON, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": ""}
    locked = run([str(UV), "lock"], project, **uv_env)
    assert locked.returncode == 0, locked.stderr

    build, final = stages(project / "Dockerfile")
    (install,) = [argument for keyword, argument in build if "uv sync" in argument]
    venv = tmp_path / "venv"
    path = f"{UV.parent}:{project_env()['PATH']}"
    synced = run(
        ["sh", "-c", install], project, UV_PROJECT_ENVIRONMENT=str(venv), PATH=path, **uv_env
    )
    assert synced.returncode == 0, synced.stderr
    assert not (venv / "bin" / "pytest").exists()  # no dev tools in the image

    port = str(_free_port())
    env = project_env(PATH=f"{venv / 'bin'}:{project_env()['PATH']}", PORT=port)
    service = subprocess.Popen(
        json.loads(dict(final)["CMD"]),
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = _wait_for_health(f"http://127.0.0.1:{port}", service)
        check = dict(final)["HEALTHCHECK"].split(" CMD ", 1)[1]
        checked = subprocess.run(shlex.split(check), cwd=project, env=env, timeout=60)
        status, answer = _answer(f"http://127.0.0.1:{port}/predict", {})
    finally:
        service.terminate()
        service.wait(30)
    assert health["status"] == "ok" and checked.returncode == 0
    assert status == 200 and len(answer["predictions"]) == 1
