"""Every option combination renders to a complete, valid project."""

import json
import py_compile
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
import yaml

from conftest import TEMPLATE, render, render_typed

CHOICES = json.loads((__import__("conftest").TEMPLATE / "cookiecutter.json").read_text())

# Every value of every choice variable appears at least once; the awkward answers ride along.
MATRIX = [
    {},
    {
        "data_source": "dataset",
        "dataset": "camnugent/california-housing-prices",
        "task": "regression",
        "metric": "rmse",
        "license": "BSD-3-Clause",
        "python_version": "3.12",
    },
    {
        "data_source": "local",
        "dataset": "/tmp/data/penguins.csv",
        "task": "multiclass",
        "license": "Apache-2.0",
        "python_version": "3.13",
        "metric": "log_loss",
    },
    {"task": "binary", "license": "none", "metric": "roc_auc", "target": "Survived"},
    {
        "project_name": 'Zoë\'s "Titanic" {{ cookiecutter.x }} {% raw %} \\ C:\\path',
        "project_slug": "zoes-titanic",
        "package_name": "zoes_titanic",
        "description": "Quotes ' \" braces {{ }} {% %} and a backslash \\ and ünïcödé",
        "author_name": 'O\'Brien "Bob" {x}',
        "github_username": "ob-rien",
    },
    {
        "project_name": "Rocket 🚀 Launch",
        "project_slug": "rocket-launch",
        "package_name": "rocket_launch",
        "description": "Characters outside the BMP: 🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \U0010ffff",
        "author_name": "Zoë 🐍",
    },
    {  # the longest names the pre-generation hook accepts: every file still passes lint
        "project_name": "Long",
        "project_slug": "long-" * 19 + "names",
        "package_name": "p" * 64,
    },
]
JINJA_LEFT = re.compile(r"{{(?!\s*(github|matrix|secrets|env|steps|runner|inputs)\.)|{%")


def test_the_matrix_covers_every_choice():
    for key, values in CHOICES.items():
        if isinstance(values, list) and not key.startswith("_"):
            used = {answers.get(key, values[0]) for answers in MATRIX}
            assert used == set(values), key


def test_defaults_render_through_the_cookiecutter_api(tmp_path):
    project = render(tmp_path)
    assert project.name == "titanic"
    assert (project / "src" / "titanic" / "features.py").is_file()


OWNER_FILES = {
    ".cruft.json",
    ".dockerignore",
    ".github/workflows/ci.yml",
    ".github/workflows/pages.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Dockerfile",
    "LICENSE",
    "Makefile",
    "README.md",
    "config.yaml",
    "pyproject.toml",
    "src/titanic/__init__.py",
    "src/titanic/features.py",
    "tests/test_features.py",
}


def test_a_render_holds_the_owners_work_and_the_wiring_only(default_project):
    """What the first commit holds (other tests run tools in this shared render)."""
    listed = subprocess.run(
        ["git", "ls-files"], cwd=default_project, capture_output=True, text=True, check=True
    )
    assert set(listed.stdout.split()) == OWNER_FILES
    lines = sum(len(p.read_text().splitlines()) for p in (default_project / "src").rglob("*.py"))
    assert lines <= 400, f"src/ holds {lines} lines of Python"


def test_the_project_depends_on_the_engine_pinned_to_this_version(default_project):
    pyproject = tomllib.loads((default_project / "pyproject.toml").read_text())
    version = json.loads((TEMPLATE / "cookiecutter.json").read_text())["_engine_version"]
    assert pyproject["project"]["dependencies"] == [f"kaggle-starter=={version}"]
    assert f'__version__ = "{version}"' in (TEMPLATE / "src/kaggle_starter/_version.py").read_text()
    assert pyproject["tool"]["kaggle-starter"]["package"] == "titanic"
    source = pyproject["tool"]["uv"]["sources"]["kaggle-starter"]
    assert source["editable"] is True  # a render of a local checkout: a path source to it
    assert (default_project / source["path"]).resolve() == TEMPLATE.resolve()


@pytest.fixture(scope="module", params=range(len(MATRIX)), ids=lambda i: f"answers{i}")
def rendered(request, tmp_path_factory):
    answers = MATRIX[request.param]
    return answers, render_typed(tmp_path_factory.mktemp("r"), **answers)


def _files(project):
    return [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]


def test_structured_files_parse(rendered):
    _, project = rendered
    checked = 0
    for path in _files(project):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in {".yaml", ".yml"}:
            yaml.safe_load(text)
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".ipynb":
            nbformat.validate(nbformat.reads(text, as_version=4))
        else:
            continue
        checked += 1
    assert checked >= 5


def test_answers_survive_rendering_exactly(rendered):
    answers, project = rendered
    config = yaml.safe_load((project / "config.yaml").read_text())
    meta = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    replay = json.loads((project / ".cruft.json").read_text())["context"]["cookiecutter"]
    if "project_name" in answers:
        assert config["project"]["name"] == answers["project_name"]
        assert replay["project_name"] == answers["project_name"]
    if "description" in answers:
        assert meta["description"] == answers["description"]
    if "author_name" in answers:
        assert meta["authors"][0]["name"] == answers["author_name"]
    ref = answers.get("dataset", "titanic")
    if answers.get("data_source") == "local":  # a local path is kept relative to the project
        assert (project / config["data"]["ref"]).resolve() == Path(ref).resolve()
    else:
        assert config["data"]["ref"] == ref
    assert config["data"]["task"] == answers.get("task", "auto")


def test_python_compiles_and_no_template_syntax_is_left(rendered):
    _, project = rendered
    for path in _files(project):
        text = path.read_text(encoding="utf-8")
        verbatim = path.is_relative_to(project / "src")  # copied without rendering, see below
        answers_inside = {"config.yaml", "pyproject.toml", ".cruft.json", "README.md"}
        if not verbatim and path.name not in answers_inside:
            assert not JINJA_LEFT.search(text), path
        if path.suffix == ".py":
            py_compile.compile(str(path), doraise=True)


def test_github_expressions_survive(rendered):
    _, project = rendered
    workflow = (project / ".github/workflows/ci.yml").read_text()
    assert "${{ github.workflow }}-${{ github.ref }}" in workflow
    pages = (project / ".github/workflows/pages.yml").read_text()
    assert "${{ steps.deployment.outputs.page_url }}" in pages


def test_license_follows_the_choice(rendered):
    answers, project = rendered
    license_ = answers.get("license", "MIT")
    if license_ == "none":
        assert not (project / "LICENSE").exists()
    else:
        assert {
            "MIT": "MIT License",
            "BSD-3-Clause": "BSD 3-Clause",
            "Apache-2.0": "Apache License",
        }[license_] in (project / "LICENSE").read_text()


def test_generated_project_passes_ruff(rendered):
    _, project = rendered
    for check in (["check"], ["format", "--check"]):  # what the project's `make lint` runs
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "src", "tests"],
            cwd=project,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_first_commit_is_made(rendered):
    _, project = rendered
    log = subprocess.run(["git", "log", "--oneline"], cwd=project, capture_output=True, text=True)
    assert "Start project from kaggle-starter" in log.stdout


def test_package_sources_are_copied_verbatim(default_project):
    template_src = TEMPLATE / "{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}"
    copied = [p for p in template_src.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert {p.name for p in copied} == {"__init__.py", "features.py"}
    for path in copied:
        rendered = default_project / "src" / "titanic" / path.relative_to(template_src)
        assert rendered.read_bytes() == path.read_bytes(), path


def test_gitignore_keeps_data_models_and_credentials_out(default_project):
    ignored = (default_project / ".gitignore").read_text().split()
    for entry in ("data/", "models/", "kaggle*.json", ".env*", "access_token", ".venv/"):
        assert entry in ignored, entry


def test_the_hooks_metric_list_is_the_packages(default_project):
    """The pre-generation hook refuses metrics the project cannot score, and no others."""
    from kaggle_starter.metrics import METRICS

    known = json.loads((TEMPLATE / "cookiecutter.json").read_text())["_known_metrics"]
    assert list(METRICS) == known
