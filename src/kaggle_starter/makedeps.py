"""Which engine files each stage depends on, computed from the imports: what its code is.

A hand-written list drifts (an edit to the metric table once failed to redo `make data`), so
:mod:`.makestate` digests, for every stage, the files of every module its ``stages/<name>.py``
imports, directly or through other modules of the engine, at the top or inside a function, plus
the data files a module reads from a folder beside it (the notebook's ``cells/``, page
``templates/``) when its code names that folder, or from elsewhere in the engine when it names
the file by its path there (the site's try-it page reuses ``serving/page.js``). The CLI and
config modules, through which every stage runs, are counted for every stage.

It reads the source with :mod:`ast` and imports nothing, so it sees the engine wherever it is
installed (a checkout installed editable, site-packages, or a project's ``vendor/``).
"""

import ast
import functools
import re
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ENTRY_POINTS = ("cli", "config")  # every stage runs through these
ENGINE_FILE = re.compile(r"[\w.-]+(/[\w.-]+)+")  # "serving/page.js": a path inside the package


def module_path(dotted: str) -> Path | None:
    """The file of a module of this package, given its dotted name relative to the package."""
    base = PACKAGE_DIR.joinpath(*dotted.split(".")) if dotted else PACKAGE_DIR
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _dotted(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, current: Path) -> str | None:
    """The package-relative dotted name an ``from X import y`` refers to, or None if outside."""
    if node.level == 0:
        prefix = PACKAGE_DIR.name + "."
        name = node.module or ""
        return name[len(prefix) :] if name.startswith(prefix) else None
    here = _dotted(current).split(".") if _dotted(current) else []
    if current.name != "__init__.py":
        here = here[:-1]
    base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
    return ".".join([*base, *(node.module.split(".") if node.module else [])])


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@functools.cache
def _tree(path: Path, stamp: tuple[int, int]) -> ast.Module:
    """``path`` parsed once per version of the file (``stamp``): each stage's closure reads the
    same shared modules, fourteen times over without this."""
    return ast.parse(path.read_text(encoding="utf-8"))


def imported(path: Path) -> set[Path]:
    """The package's own modules that ``path`` imports, anywhere in its code."""
    tree = _tree(path, _stamp(path))
    found: set[Path] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = _absolute(node, path)
            if target is None:
                continue
            for alias in node.names:  # `from . import artifacts` names a module
                candidate = module_path(f"{target}.{alias.name}" if target else alias.name)
                if candidate:
                    found.add(candidate)
            found |= _with_parents(target)
        elif isinstance(node, ast.Import):
            prefix = PACKAGE_DIR.name + "."
            for alias in node.names:
                if alias.name.startswith(prefix):
                    found |= _with_parents(alias.name[len(prefix) :])
    return found


def _with_parents(dotted: str) -> set[Path]:
    """A module and the ``__init__`` of every package on its way (importing runs them all)."""
    parts = dotted.split(".") if dotted else []
    paths = {module_path(".".join(parts[:i])) for i in range(len(parts) + 1)}
    return {p for p in paths if p is not None}


def data_files(path: Path) -> set[Path]:
    """Files in a non-package folder beside ``path`` whose name the module's code spells, and
    files of the engine it names by their path in the package (``"serving/page.js"``)."""
    strings = {
        node.value
        for node in ast.walk(_tree(path, _stamp(path)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    found: set[Path] = set()
    for folder in path.parent.iterdir():
        if folder.is_dir() and folder.name in strings and not (folder / "__init__.py").exists():
            found |= {f for f in folder.rglob("*") if f.is_file() and "__pycache__" not in f.parts}
    named = (PACKAGE_DIR / s for s in strings if ENGINE_FILE.fullmatch(s) and ".." not in s)
    return found | {f for f in named if f.is_file()}


def closure(start: list[Path]) -> set[Path]:
    """Every file reachable from ``start`` through the package's imports, data folders included."""
    seen: set[Path] = set()
    todo = list(start)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend(imported(path) - seen)
    return seen | {f for p in seen if p.suffix == ".py" for f in data_files(p)}


def stage_sources() -> dict[str, list[Path]]:
    """For each stage file, the engine files its code is made of, sorted."""
    entry = [module_path(name) for name in ENTRY_POINTS]
    stages = sorted((PACKAGE_DIR / "stages").glob("[!_]*.py"))
    return {stage.stem: sorted(closure([stage, *entry])) for stage in stages}
