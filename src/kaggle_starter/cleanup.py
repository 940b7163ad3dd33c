"""What the stages generated, as opposed to what you wrote: the rule behind `make clean` and behind
`make eda` never overwriting your notebook.

A notebook written by `make eda` carries a digest of its cells' sources in its metadata; running
it again changes only outputs, so the digest still matches. Once you edit, add or delete a cell,
it no longer matches: the notebook is yours, and no stage replaces or deletes it.

`make clean` removes only generated files: data/processed, the reports and the figures the
stages' records list, the submission (never ``submitted.json``, your record of what was sent),
the bookkeeping in ``.make/``, the EDA notebook only while it is unedited, and ``site/`` only
while it holds the mark `make site` leaves (a ``site/`` of the owner's is theirs). ``data/raw``,
``models/``, ``runs/`` and ``features.py`` are never touched, and links are never followed.

Bytecode caches are left alone: they are git-ignored, and removing them (``.venv``'s included)
only made the next run of every stage slower.
"""

import hashlib
import json
import shutil
from pathlib import Path, PurePosixPath

from .layout import Layout

MARK = "kaggle_starter"  # the notebook metadata key holding the digest
# Caches of the project's tools, remade on their next run; what the stages write is listed once,
# in Layout.generated(). Figures are removed by name only when a stage's own record lists them
# ("figures" in Layout.figure_records()), so a figure of yours in reports/figures/ is never
# matched by a pattern such as eda-*.png.
TOOL_CACHES = (".pytest_cache", ".ruff_cache")


def sources_digest(cells: list[dict]) -> str:
    """sha256 of the cells' types and sources (outputs left out: re-running is not editing)."""
    parts = []
    for cell in cells:
        source = cell.get("source", "")
        parts.append(
            [cell.get("cell_type"), "".join(source) if isinstance(source, list) else source]
        )
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def is_generated_notebook(path: Path) -> bool:
    """True while ``path`` is a notebook `make eda` wrote and nobody has edited since."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        recorded = notebook["metadata"][MARK]["sources_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return recorded == sources_digest(notebook.get("cells", []))


def recorded_figures(record: Path) -> list[str]:
    """The figures a stage's JSON record lists (paths relative to the project); none when the
    record is missing or unreadable, since guessing would risk the owner's own figures."""
    try:
        listed = json.loads(record.read_text(encoding="utf-8")).get("figures") or []
    except (OSError, ValueError, AttributeError):
        return []
    return [p for p in listed if isinstance(p, str) and _a_figure_path(p)]


def _a_figure_path(name: str) -> bool:
    """A PNG directly under reports/figures/: a hand-edited record cannot point elsewhere."""
    path = PurePosixPath(name)
    return (
        "\\" not in name  # a Windows separator would hide a ".." from PurePosixPath
        and path.parent == PurePosixPath("reports/figures")
        and path.suffix == ".png"
    )


def _generated_figures(layout: Layout) -> list[Path]:
    names = {f for record in layout.figure_records() for f in recorded_figures(record)}
    return [layout.root / name for name in sorted(names)]


def _remove(path: Path) -> bool:
    """Remove a generated file or folder; a symbolic link is removed itself, never followed
    (a data/processed linked to another disk keeps what it points at)."""
    if path.is_symlink() or path.is_file():
        path.unlink()
        return True
    if path.is_dir():
        shutil.rmtree(path)
        return True
    return False


def clean(root: Path) -> list[str]:
    """Remove the generated files under ``root``; returns what was removed (relative paths)."""
    layout = Layout(root)
    # Figures before the records that list them: an interrupted clean never orphans one.
    targets = [*_generated_figures(layout), *layout.generated(), *(root / c for c in TOOL_CACHES)]
    removed = []
    for path in targets:
        shown = _shown(path, root)  # before removal: a folder is shown with its "/"
        if _remove(path):
            removed.append(shown)
    notebook = layout.eda_notebook
    if is_generated_notebook(notebook):
        notebook.unlink()
        removed.append(_shown(notebook, root))
    if not layout.site.is_symlink() and layout.site_marker.is_file() and _remove(layout.site):
        removed.append(layout.site.name + "/")
    return removed


def _shown(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() + ("/" if path.is_dir() else "")
