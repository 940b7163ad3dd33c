"""The generated project's conventions: answers quoted for every grammar, packaging, git, tools."""

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import PYTHON, TEMPLATE, cli, render, render_typed, run
from local_extensions import quoted

EMOJI = {
    "project_name": "Rocket 🚀 Launch",
    "project_slug": "rocket-launch",
    "package_name": "rocket_launch",
    "description": 'Lift-off 🚀 with 𝔘𝔫𝔦𝔠𝔬𝔡𝔢, "quotes", {{ braces }} and a \\ backslash',
    "author_name": "Zoë 🐍 O'Brien",
}

SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@pytest.mark.parametrize(
    "value",
    [
        "🚀",
        "a 🚀 b 𝔘 \U0010ffff",
        "'\"\\ {{ x }} {% raw %} \\u0000",
        "".join(chr(c) for c in range(0x00, 0xA1)),
        "line\u2028sep\u2029para\ufeffbom\u0085nel",
        "",
    ],
    ids=["emoji", "astral", "quotes", "controls", "separators", "empty"],
)
def test_quoted_reads_back_exactly_in_toml_yaml_and_json(value):
    text = quoted(value)
    assert not SURROGATE_ESCAPE.search(text), text
    assert tomllib.loads(f"v = {text}")["v"] == value
    assert yaml.safe_load(f"v: {text}  # comment")["v"] == value
    assert json.loads(text) == value


def test_emoji_stay_single_characters():
    assert quoted("go 🚀") == '"go 🚀"'


@pytest.fixture(scope="module")
def emoji_project(tmp_path_factory):
    return render_typed(tmp_path_factory.mktemp("emoji"), **EMOJI)


def test_emoji_answers_render_valid_files(emoji_project):
    meta = tomllib.loads((emoji_project / "pyproject.toml").read_text(encoding="utf-8"))
    config = yaml.safe_load((emoji_project / "config.yaml").read_text(encoding="utf-8"))
    assert meta["project"]["description"] == EMOJI["description"]
    assert meta["project"]["authors"][0]["name"] == EMOJI["author_name"]
    assert config["project"]["name"] == EMOJI["project_name"]
    assert config["project"]["author"] == EMOJI["author_name"]
    license_text = (emoji_project / "LICENSE").read_text(encoding="utf-8")
    assert EMOJI["author_name"] in license_text
    for path in emoji_project.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in path.read_text(encoding="utf-8"))


def test_emoji_project_config_loads_and_its_own_tests_pass(emoji_project):
    """The project's config tests load config.yaml and rewrite its detected block."""
    result = run(
        [
            PYTHON,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--import-mode=importlib",
            "tests/test_config.py",
        ],
        emoji_project,
        PYTHONPATH=str(emoji_project / "src"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_emoji_project_runs_its_data_stage(tmp_path):
    """A stage reads config.yaml, then writes its detected block back with the emoji intact."""
    data = tmp_path / "data.csv"
    rows = [f"{i},{i % 3},{'yes' if i % 2 else 'no'}" for i in range(60)]
    data.write_text("row_id,size,label\n" + "\n".join(rows) + "\n")
    project = render_typed(tmp_path, data_source="local", dataset=str(data), **EMOJI)
    result = cli(project, "data")
    assert result.returncode == 0, result.stdout + result.stderr
    config = yaml.safe_load((project / "config.yaml").read_text(encoding="utf-8"))
    assert config["project"]["name"] == EMOJI["project_name"]
    assert config["detected"]["target"] == "label"


def test_the_template_declares_its_extension():
    extensions = json.loads((TEMPLATE / "cookiecutter.json").read_text())["_extensions"]
    assert extensions == ["local_extensions.QuotingExtension"]
    for name in ("pyproject.toml", "config.yaml"):
        text = (TEMPLATE / "{{cookiecutter.project_slug}}" / name).read_text()
        assert "tojson" not in text, name


def test_the_cookiecutter_command_line_renders_emoji(tmp_path):
    """The real entry point, which loads the extension from the template folder itself."""
    args = [f"{k}={v}" for k, v in EMOJI.items() if k != "description"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(tmp_path),
            str(TEMPLATE),
            "bootstrap=false",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    meta = tomllib.loads((tmp_path / "rocket-launch" / "pyproject.toml").read_text())
    assert meta["project"]["authors"][0]["name"] == EMOJI["author_name"]


def test_pyproject_declares_what_its_fields_need(default_project):
    """A license expression needs setuptools 77; dev tools are a PEP 735 group, ruff pinned."""
    from packaging.requirements import Requirement

    pyproject = tomllib.loads((default_project / "pyproject.toml").read_text())
    (build,) = map(Requirement, pyproject["build-system"]["requires"])
    assert build.name == "setuptools" and "77" in build.specifier and "76.9" not in build.specifier
    assert pyproject["project"]["license"] == "MIT"
    assert "dev" not in pyproject["project"].get("optional-dependencies", {})
    dev = {r.name: r for r in map(Requirement, pyproject["dependency-groups"]["dev"])}
    assert {"pytest", "ruff"} <= set(dev)
    (pin,) = dev["ruff"].specifier
    assert pin.operator == "==", "ruff must be pinned so make lint and pre-commit agree"


def test_console_script_returns_the_exit_code(default_project):
    """`titanic STAGE` runs cli.main, whose int return the console-script wrapper exits with."""
    pyproject = tomllib.loads((default_project / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"] == {"titanic": "titanic.cli:main"}
    module, _, function = pyproject["project"]["scripts"]["titanic"].partition(":")
    code = (
        f"import sys; from {module} import {function} as entry; "
        "sys.exit(entry(['--root', 'no-such-folder', 'report']))"
    )
    result = run([PYTHON, "-c", code], default_project, PYTHONPATH=str(default_project / "src"))
    assert result.returncode == 1 and result.stderr.startswith("ERROR: "), result.stderr


UV = shutil.which("uv", path=str(Path(PYTHON).parent)) or shutil.which("uv")


@pytest.mark.skipif(UV is None, reason="uv is installed by the template's `make install`")
def test_uv_sync_locked_installs_the_project_and_its_tools(tmp_path):
    """`uv lock`, then `uv sync --locked` (what `make setup` runs) from the package index.

    Needs the package index; uv's shared cache makes it take seconds once the template's own
    environment is installed.
    """
    project = render(tmp_path)
    env = {"UV_PYTHON": PYTHON, "UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": ""}
    locked = run([UV, "lock"], project, **env)
    assert locked.returncode == 0, locked.stderr
    synced = run([UV, "sync", "--locked"], project, **env)
    assert synced.returncode == 0, synced.stderr
    bin_ = project / ".venv" / "bin"
    assert run([str(bin_ / "titanic"), "--help"], project).returncode == 0
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    pin = next(r for r in pyproject["dependency-groups"]["dev"] if r.startswith("ruff=="))
    assert run([str(bin_ / "ruff"), "--version"], project).stdout.split() == ["ruff", pin[6:]]
    assert run([str(bin_ / "python"), "-c", "import pytest"], project).returncode == 0


def fake_uv(folder: Path, succeed: bool) -> str:
    """A PATH holding git and a `uv` that records its arguments and writes (or fails to write)
    uv.lock: no network, and no make, so bootstrap stops right after the first commit."""
    folder.mkdir()
    (folder / "git").symlink_to(shutil.which("git"))
    script = folder / "uv"
    body = 'echo "$@" >> uv-calls\n' + (
        "echo 'version = 1' > uv.lock\n" if succeed else "echo offline >&2; exit 2\n"
    )
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return str(folder)


@pytest.mark.parametrize("succeed", [True, False], ids=["online", "offline"])
def test_bootstrap_locks_before_the_first_commit(tmp_path, monkeypatch, capfd, succeed):
    monkeypatch.setenv("PATH", fake_uv(tmp_path / "bin", succeed))
    project = render_typed(tmp_path, bootstrap=True)
    out = capfd.readouterr().out
    assert (project / "uv-calls").read_text().split() == ["lock"]
    first = subprocess.run(
        ["git", "show", "--name-only", "--format=", "HEAD"],
        cwd=project,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ("uv.lock" in first) is succeed
    if not succeed:
        assert "run `uv lock` once online" in out
    assert "make not found" in out and "Your project is ready" in out


def test_without_bootstrap_nothing_is_locked(tmp_path, monkeypatch):
    """Bootstrap off promises no network: no lock until `make setup` or `uv lock`."""
    monkeypatch.setenv("PATH", fake_uv(tmp_path / "bin", True))
    project = render_typed(tmp_path)
    assert not (project / "uv-calls").exists() and not (project / "uv.lock").exists()


# sha256 of the Apache License 2.0 exactly as apache.org publishes it (LICENSE-2.0.txt), the text
# GitHub's license detection compares against.
APACHE_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"


def test_apache_license_is_the_full_text_with_the_notice_filled(tmp_path):
    import hashlib

    project = render_typed(tmp_path, license="Apache-2.0", author_name="Ada Lovelace 🚀")
    text = (project / "LICENSE").read_text(encoding="utf-8")
    notice = re.compile(r"^   Copyright (\d{4}) Ada Lovelace 🚀$", re.M)
    assert len(notice.findall(text)) == 1
    blank = notice.sub("   Copyright [yyyy] [name of copyright owner]", text)
    assert hashlib.sha256(blank.encode()).hexdigest() == APACHE_SHA256
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["license"] == (
        "Apache-2.0"
    )
