"""The generated project's conventions: answers quoted for every grammar, packaging, git, tools."""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from local_extensions import quoted

from conftest import PYTHON, TEMPLATE, cli, render, render_typed, run

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
    """The engine reads the emoji config; the owner's own tests pass."""
    result = run(
        [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        emoji_project,
        PYTHONPATH=str(emoji_project / "src"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown = cli(emoji_project, "config")
    assert shown.returncode == 0, shown.stderr
    assert EMOJI["project_name"] in shown.stdout


def test_emoji_project_runs_its_data_stage(tmp_path):
    """A stage reads config.yaml and leaves it byte for byte as it was; what it detects is
    recorded beside the processed data."""
    data = tmp_path / "data.csv"
    rows = [f"{i},{i % 3},{'yes' if i % 2 else 'no'}" for i in range(60)]
    data.write_text("row_id,size,label\n" + "\n".join(rows) + "\n")
    project = render_typed(tmp_path, data_source="local", dataset=str(data), **EMOJI)
    before = (project / "config.yaml").read_bytes()
    result = cli(project, "data")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "config.yaml").read_bytes() == before
    detected = json.loads((project / "data/processed/detected.json").read_text(encoding="utf-8"))
    assert detected["target"] == "label"


def test_the_template_declares_its_extension():
    extensions = json.loads((TEMPLATE / "cookiecutter.json").read_text())["_extensions"]
    assert extensions == ["local_extensions.TemplateFilters"]
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
    """`kaggle-starter STAGE` runs cli.main, whose int return the console-script wrapper exits
    with."""
    pyproject = tomllib.loads((TEMPLATE / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"] == {"kaggle-starter": "kaggle_starter.cli:main"}
    module, _, function = pyproject["project"]["scripts"]["kaggle-starter"].partition(":")
    code = (
        f"import sys; from {module} import {function} as entry; "
        "sys.exit(entry(['--root', 'no-such-folder', 'report']))"
    )
    result = run([PYTHON, "-c", code], default_project, PYTHONPATH=str(default_project / "src"))
    assert result.returncode == 1 and result.stderr.startswith("ERROR: "), result.stderr


UV = shutil.which("uv", path=str(Path(PYTHON).parent)) or shutil.which("uv")


@pytest.mark.skipif(UV is None, reason="uv is installed by the template's `make install`")
def test_uv_sync_locked_installs_the_project_and_its_tools(tmp_path):
    """`uv lock`, then `uv sync --locked` (what `make setup` runs): the engine from this
    checkout (the path source), everything else from the package index.

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
    assert run([str(bin_ / "kaggle-starter"), "--help"], project).returncode == 0
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


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def git_home(home: Path, name: str | None) -> dict[str, str]:
    """An environment whose global git config is a file of this test's (with or without a name)."""
    home.mkdir()
    config = home / "gitconfig"
    config.write_text(f"[user]\n\tname = {name}\n\temail = user@example.org\n" if name else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "KAGGLE_"))}
    env.update(HOME=str(home), GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")
    return env


def generate(template: Path, output_dir: Path, env: dict[str, str], *answers: str) -> Path:
    """The cookiecutter command line in its own process, as a person runs it."""
    result = subprocess.run(
        [PYTHON, "-m", "cookiecutter", "--no-input", "-o", str(output_dir), str(template)]
        + ["bootstrap=false", *answers],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return output_dir / "titanic"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


def copy_template(dest: Path) -> Path:
    """The template's files (as they are in this working tree) in a new folder."""
    dest.mkdir()
    for name in (
        "cookiecutter.json",
        "local_extensions.py",
        "hooks",
        "{{cookiecutter.project_slug}}",
    ):
        copy = shutil.copytree if (TEMPLATE / name).is_dir() else shutil.copy2
        copy(TEMPLATE / name, dest / name)
    return dest


def test_a_template_without_history_says_cruft_cannot_follow_it(tmp_path):
    env = git_home(tmp_path / "home", "Tester")
    result = subprocess.run(
        [PYTHON, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path / "out")]
        + [str(copy_template(tmp_path / "template")), "bootstrap=false"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "is not a git repository, so `cruft update` could not follow it" in result.stdout
    assert not (tmp_path / "out" / "titanic" / ".cruft.json").exists()


def test_cruft_update_brings_template_changes_and_keeps_the_users(tmp_path):
    """Render from template commit A, edit the project, change the template (B), `cruft update`:
    the skeleton's changes arrive; the owner's files (config.yaml, features.py) are never
    touched, even where the template changed them too."""
    env = git_home(tmp_path / "home", "Tester")
    template = copy_template(tmp_path / "template")
    git(template, "init", "--quiet", "--initial-branch=main", env=env)
    git(template, "add", "--all", env=env)
    git(template, "commit", "--quiet", "-m", "A", env=env)
    commit_a = git(template, "rev-parse", "HEAD", env=env)

    project = generate(template, tmp_path / "out", env)
    state = json.loads((project / ".cruft.json").read_text())
    relative = Path(os.path.relpath(template, project)).as_posix()
    assert (state["template"], state["commit"]) == (relative, commit_a)

    edit(project / "config.yaml", "folds: 5", "folds: 7")  # the user's own setting
    (project / "notes.md").write_text("mine\n")
    git(project, "add", "--all", env=env)
    git(project, "commit", "--quiet", "-m", "my changes", env=env)

    slug = template / "{{cookiecutter.project_slug}}"
    edit(slug / "config.yaml", "sample_rows: 2000", "sample_rows: 3000")
    features = slug / "src" / "{{cookiecutter.package_name}}" / "features.py"
    features.write_text(features.read_text() + "\n# a later template's example\n")
    (slug / ".gitignore").write_text((slug / ".gitignore").read_text() + "scratch/\n")
    (slug / "CHANGES.md").write_text("# {{ cookiecutter.project_name }} changes\n")
    git(template, "add", "--all", env=env)
    git(template, "commit", "--quiet", "-m", "B", env=env)
    commit_b = git(template, "rev-parse", "HEAD", env=env)

    cruft = str(Path(PYTHON).parent / "cruft")
    update = subprocess.run(
        [cruft, "update", "-y"], cwd=project, capture_output=True, text=True, env=env
    )
    assert update.returncode == 0, update.stdout + update.stderr
    config = yaml.safe_load((project / "config.yaml").read_text())
    assert config["cv"]["folds"] == 7 and config["interpret"]["sample_rows"] == 2000
    assert "a later template's example" not in (project / "src/titanic/features.py").read_text()
    assert "scratch/" in (project / ".gitignore").read_text().split()
    assert (project / "CHANGES.md").read_text() == "# Titanic changes\n"
    assert (project / "notes.md").read_text() == "mine\n"
    assert json.loads((project / ".cruft.json").read_text())["commit"] == commit_b
    changed = git(project, "status", "--porcelain", env=env).splitlines()
    assert sorted(line.split()[-1] for line in changed) == [
        ".cruft.json",
        ".gitignore",
        "CHANGES.md",
    ], changed  # no .git, lock or environment from the renders cruft compared
    check = subprocess.run([cruft, "check"], cwd=project, capture_output=True, text=True, env=env)
    assert check.returncode == 0, check.stdout


@pytest.mark.parametrize(
    ("name", "author"),
    [("Ada Lovelace", "Ada Lovelace <user@example.org>"), (None, None)],
    ids=["configured", "unset"],
)
def test_first_commit_uses_the_users_git_identity(tmp_path, name, author):
    env = git_home(tmp_path / "home", name)
    project = generate(TEMPLATE, tmp_path / "out", env)
    found = git(project, "log", "-1", "--format=%an <%ae>|%cn <%ce>", env=env)
    expected = author or "kaggle-starter <kaggle-starter@localhost>"
    assert found == f"{expected}|{expected}"


IGNORED = [
    "kaggle.json",
    "kaggle (1).json",
    "kaggle(1).json",
    "downloads/kaggle (2).json",
    ".env",
    ".env.local",
    ".envrc",
    "monitoring/predictions.db",
    "monitoring/predictions.db-wal",
    "runs/2024-05-01-lightgbm/oof.parquet",
    "runs/2024-05-01-lightgbm/model.joblib",
    "data/raw/train.csv",
    "site/index.html",
    "models/model.joblib",
]
KEPT = [
    ".cruft.json",
    "config.yaml",
    "pyproject.toml",
    "reports/metrics.json",
    "runs/2024-05-01-lightgbm/metrics.json",
    "src/titanic/features.py",
    ".github/workflows/ci.yml",
    ".github/workflows/pages.yml",
    ".pre-commit-config.yaml",
    "Dockerfile",
    ".dockerignore",
]


def test_gitignore_keeps_tokens_secrets_and_heavy_run_files_out(default_project):
    def ignored(path):
        check = subprocess.run(
            ["git", "check-ignore", "-q", "--no-index", path], cwd=default_project
        )
        assert check.returncode in (0, 1), path
        return check.returncode == 0

    assert [p for p in IGNORED if not ignored(p)] == []
    assert [p for p in KEPT if ignored(p)] == []
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=default_project, capture_output=True, text=True
    ).stdout.split("\n")
    assert [p for p in tracked if p and ignored(p)] == []  # nothing the template ships is hidden


def test_ci_reads_only_and_caches_uv_downloads(default_project):
    text = (default_project / ".github/workflows/ci.yml").read_text()
    workflow = yaml.safe_load(text)
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["test"]["steps"]
    (uv,) = [s for s in steps if s.get("uses", "").startswith("astral-sh/setup-uv@")]
    assert re.fullmatch(r"astral-sh/setup-uv@v\d+\.\d+\.\d+", uv["uses"])  # no moving tag
    assert uv["with"]["enable-cache"] is True
    assert set(uv["with"]["cache-dependency-glob"].split()) == {"uv.lock", "pyproject.toml"}
    assert workflow["concurrency"]["group"] == "${{ github.workflow }}-${{ github.ref }}"
    assert [s["run"] for s in steps if "run" in s] == ["make setup", "make lint", "make test"]


DEV_TOOLS = ["ruff", "pre-commit", "check-yaml", "check-toml", "check-added-large-files"]
DEV_TOOLS += ["detect-private-key", "end-of-file-fixer", "trailing-whitespace-fixer"]


def pre_commit_all_files(project: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """`pre-commit run --all-files` on everything git would commit, hooks from .venv/bin.

    .venv/bin links to the template environment's copies of the dev group's tools (the template
    installs that group), which is what `make setup` puts in a project's .venv.
    """
    venv_bin = project / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for tool in DEV_TOOLS:
        (venv_bin / tool).symlink_to(Path(PYTHON).parent / tool)
    env = git_home(tmp_path / "home", "Tester")
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    git(project, "add", "--all", env=env)
    return subprocess.run(
        [str(venv_bin / "pre-commit"), "run", "--all-files", "--show-diff-on-failure"],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )


def test_pre_commit_runs_the_projects_own_tools_offline(tmp_path):
    project = render(tmp_path / "out")
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing to clone
    hooks = config["repos"][0]["hooks"]
    assert {hook["entry"].split()[0] for hook in hooks} <= {f".venv/bin/{t}" for t in DEV_TOOLS}
    result = pre_commit_all_files(project, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout and "Failed" not in result.stdout
    assert [p for p in (tmp_path / "pre-commit-home").iterdir() if p.is_dir()] == []  # no clone


def test_pre_commit_passes_after_make_all(finished_copy, tmp_path):
    """Reports, the executed notebook and the filled README commit as the tools wrote them."""
    project = finished_copy  # `make all` ran on it
    assert (project / "reports" / "profile.html").is_file()
    result = pre_commit_all_files(project, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    env = git_home(tmp_path / "home-2", "Tester")
    assert git(project, "diff", "--name-only", env=env) == ""  # no fixer rewrote a file
