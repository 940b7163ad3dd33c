"""What the site shows, read from the files a clone of the project holds.

Reports, figures, the run history, the README and ``features.py`` are committed; ``data/`` and
``models/`` are not (see the project's .gitignore). Reading only the former makes the site built
on the Pages runner from a fresh clone the same as the one built where the data lives. Every
artifact is optional here: an absent one leaves its page or section out (see :mod:`.build`).
JSON artifacts are read through :mod:`..artifacts`, so a damaged one is the usual sentence.
"""

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import __version__, artifacts, owner, runs
from ..config import Config
from ..readme import END, START

GITHUB_PLACEHOLDER = "your-github-username"  # cookiecutter.json's default answer
KAGGLE = {
    "competition": ("Kaggle competition", "https://www.kaggle.com/competitions/{ref}"),
    "dataset": ("Kaggle dataset", "https://www.kaggle.com/datasets/{ref}"),
}


@dataclass(frozen=True)
class Project:
    """Who made the project and where it lives: the header and links of every page."""

    name: str
    description: str
    author: str
    slug: str  # the repository's name (pyproject.toml's project name)
    repository: str  # https://github.com/<user>/<slug>, or "" without a GitHub user name
    pages_url: str  # https://<user>.github.io/<slug>/, or "" likewise
    source_kind: str  # "Kaggle competition", "Kaggle dataset" or "local files"
    source_ref: str
    source_url: str  # the competition's or dataset's page on Kaggle, or ""
    engine: str  # kaggle-starter's version that built the site


@dataclass(frozen=True)
class OwnerClean:
    """The owner's ``clean()`` as written in features.py: what was done about the audit."""

    label: str  # src/<package>/features.py
    source: str
    applies_fixes: bool  # False while it only returns the frame (the template's)


@dataclass(frozen=True)
class Facts:
    """Everything the pages are written from (None or empty: that artifact is not there)."""

    project: Project
    metrics: dict | None
    interpretation: dict | None
    eda: dict | None
    quality: dict | None
    history: pd.DataFrame
    clean: OwnerClean | None
    prose: tuple[str, str]  # the README's markdown before and after the results block


def gather(cfg: Config) -> Facts:
    """Read what the site shows; damaged artifacts raise the usual one-sentence error."""
    return Facts(
        project=project(cfg),
        metrics=artifacts.read_json(cfg, "metrics", required=False),
        interpretation=artifacts.read_json(cfg, "interpretation", required=False),
        eda=artifacts.read_json(cfg, "eda_summary", required=False),
        quality=artifacts.read_json(cfg, "data_quality", required=False),
        history=runs.index(cfg),
        clean=owner_clean(cfg.root),
        prose=readme_prose(cfg.layout.readme),
    )


def project(cfg: Config) -> Project:
    settings = cfg.project
    slug = _slug(cfg.root)
    user = str(settings.get("github_username") or "").strip()
    known = user and user != GITHUB_PLACEHOLDER
    kind, url = KAGGLE.get(cfg.source, ("local files", ""))
    return Project(
        name=settings.get("name") or slug,
        description=settings.get("description") or "",
        author=settings.get("author") or "",
        slug=slug,
        repository=f"https://github.com/{user}/{slug}" if known else "",
        pages_url=f"https://{user.lower()}.github.io/{slug}/" if known else "",
        source_kind=kind,
        source_ref=cfg.ref if url else Path(cfg.ref).name,
        source_url=url.format(ref=cfg.ref) if url and cfg.ref else "",
        engine=__version__,
    )


def _slug(root: Path) -> str:
    """The project's name in pyproject.toml (the repository's name), else its folder's."""
    try:
        table = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return root.name
    return str(table.get("project", {}).get("name") or root.name)


def readme_prose(path: Path) -> tuple[str, str]:
    """The owner's words in README.md, before and after the results block, without the title
    line (each page writes the project's name itself). The block is left out: the site writes
    the same sections from the artifacts, with its own layout."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "", ""
    head, tail = text, ""
    if text.count(START) == 1 and text.count(END) == 1 and text.index(START) < text.index(END):
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
    lines = head.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].startswith("# "):
        del lines[first]
    return "\n".join(lines).strip(), tail.strip()


def owner_clean(root: Path) -> OwnerClean | None:
    """``clean()`` from the owner's features.py, or None when there is none to show."""
    found = owner.find_or_none(root)
    path = found.path("features") if found else None
    try:
        source = path.read_text(encoding="utf-8") if path else ""
        tree = ast.parse(source)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return None
    function = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "clean"), None
    )
    if function is None:
        return None
    return OwnerClean(
        label=found.label(),
        source=ast.get_source_segment(source, function) or "",
        applies_fixes=not _returns_its_argument(function),
    )


def _returns_its_argument(function: ast.FunctionDef) -> bool:
    """True for the template's ``clean()``: a docstring at most, then ``return frame``."""
    body = [n for n in function.body if not _docstring(n)]
    argument = function.args.args[0].arg if function.args.args else None
    return (
        len(body) == 1
        and isinstance(body[0], ast.Return)
        and isinstance(body[0].value, ast.Name)
        and body[0].value.id == argument
    )


def _docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant)
