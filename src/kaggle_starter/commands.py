"""The project's tools that are not stages: ``kaggle-starter config | clean | vendor | makestate``.

They read or tidy the project rather than produce an artifact, so they are not file targets and
take no stage lock. Each is a function of the project's root returning an exit code; a user's
mistake is one ``ERROR:`` line, as for stages.
"""

import json
import re
import shutil
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from . import __version__, cleanup, makestate, owner
from .config import provenance
from .errors import ProjectError
from .files import write_text
from .layout import Layout
from .makedeps import PACKAGE_DIR

VENDOR = Path("vendor") / "kaggle-starter"  # the copied engine, a distribution of its own
VENDOR_SOURCE = f'{{ path = "{VENDOR.as_posix()}", editable = true }}'


def show_config(root: Path) -> int:
    """Print every setting with its effective value and where it came from."""
    rows = provenance(root)
    width = max(len(key) for key, _, _ in rows)
    for key, value, origin in rows:
        print(f"{key:<{width}}  {json.dumps(value, ensure_ascii=False):<24}  {origin}")
    return 0


def clean(root: Path) -> int:
    """Remove what the stages generated; say what was kept because it is the owner's."""
    removed = cleanup.clean(root)
    print(f"Removed {len(removed)} generated files and folders.")
    notebook = Layout(root).eda_notebook
    if notebook.is_file():  # clean removes it only while unedited
        print(f"Kept {notebook.relative_to(root).as_posix()}: it has your edits.")
    return 0


def _requirements() -> tuple[list[str], dict[str, list[str]]]:
    """The installed engine's dependencies and extras, from its distribution metadata."""
    plain: list[str] = []
    extras: dict[str, list[str]] = {}
    for line in metadata.requires("kaggle-starter") or []:
        requirement, _, marker = line.partition(";")
        marker = marker.strip().replace("'", '"')
        if marker.startswith('extra == "') and marker.count('"') == 2:
            extras.setdefault(marker.split('"')[1], []).append(requirement.strip())
        else:
            plain.append(line.strip())
    return plain, extras


def _vendored_pyproject() -> str:
    plain, extras = _requirements()
    lines = [
        "# The engine, copied by `kaggle-starter vendor`: yours to change; upgrades are yours too.",
        "[build-system]",
        'requires = ["setuptools>=77"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        'name = "kaggle-starter"',
        f'version = "{__version__}"',
        'requires-python = ">=3.11"',
        f"dependencies = {json.dumps(plain)}",
        "",
        "[project.optional-dependencies]",
        *(f"{name} = {json.dumps(reqs)}" for name, reqs in sorted(extras.items())),
        "",
        "[project.scripts]",
        'kaggle-starter = "kaggle_starter.cli:main"',
        "",
        "[tool.setuptools.packages.find]",
        'where = ["src"]',
        "",
        "[tool.setuptools.package-data]",
        '"*" = ["cells/*.py", "templates/*", "static/*", "*.html", "*.js", "*.css"]',
    ]
    return "\n".join(lines) + "\n"


SOURCES_HEADER = re.compile(r"^\s*\[\s*tool\.uv\.sources\s*\]\s*(#.*)?$")
ENGINE_KEY = re.compile(r"""^\s*("kaggle-starter"|'kaggle-starter'|kaggle-starter)\s*=""")


def _pointed(text: str, source: str) -> str:
    """``text`` of a pyproject.toml with ``kaggle-starter = <source>`` under
    ``[tool.uv.sources]``, every other line as it was. Refused when the result would not say
    exactly that (sources written another way, as an inline table under ``[tool.uv]``)."""
    lines = text.splitlines()
    entry = f"kaggle-starter = {source}"
    start = next((i for i, line in enumerate(lines) if SOURCES_HEADER.match(line)), None)
    if start is None:
        lines += ["", "[tool.uv.sources]", entry]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        found = [i for i in range(start + 1, end) if ENGINE_KEY.match(lines[i])]
        if found:
            lines[found[0]] = entry
        else:
            lines.insert(start + 1, entry)
    result = "\n".join(lines) + "\n"
    try:
        written = tomllib.loads(result)["tool"]["uv"]["sources"]["kaggle-starter"]
    except (tomllib.TOMLDecodeError, KeyError, TypeError):
        written = None
    if written != tomllib.loads(f"x = {source}")["x"]:
        raise ProjectError(
            "pyproject.toml names the engine's source in a form this command cannot edit: set "
            f"`kaggle-starter = {source}` under [tool.uv.sources] yourself."
        )
    return result


def vendor(root: Path) -> int:
    """Copy the installed engine into vendor/kaggle-starter and make pyproject.toml use it."""
    dest = root / VENDOR
    if dest.exists():
        raise ProjectError(
            f"{VENDOR} exists already: the engine is vendored; delete that folder first to copy "
            "the installed engine again (your changes there would be lost)."
        )
    if not (root / "pyproject.toml").is_file():
        raise ProjectError("no pyproject.toml here: run `kaggle-starter vendor` in the project.")
    pyproject = root / "pyproject.toml"
    pointed = _pointed(pyproject.read_text(encoding="utf-8"), VENDOR_SOURCE)  # checked first
    staging = root / "vendor" / ".kaggle-starter.partial"
    shutil.rmtree(staging, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PACKAGE_DIR, staging / "src" / "kaggle_starter", ignore=ignore)
    (staging / "pyproject.toml").write_text(_vendored_pyproject(), encoding="utf-8")
    staging.rename(dest)
    write_text(pyproject, pointed)
    print(
        f"Copied kaggle-starter {__version__} into {VENDOR}/ and pointed pyproject.toml at it. "
        "Run `uv lock`, then `make setup`: the engine is now yours to change, and taking a new "
        "release means merging it into that folder yourself."
    )
    return 0


COMMANDS = {
    "config": show_config,
    "clean": clean,
    "vendor": vendor,
    "makestate": makestate.main,
}


def run(name: str, root: Path) -> int:
    """Run the command ``name`` for the project in ``root``; a ProjectError is one line."""
    try:
        owner.activate(root)
        return COMMANDS[name](root)
    except ProjectError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
