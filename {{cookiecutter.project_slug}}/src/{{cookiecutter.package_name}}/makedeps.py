"""Which source files each stage depends on, computed from the imports: make's prerequisites.

A hand-written list drifts (an edit to the metric table once failed to redo `make data`), so the
Makefile includes the output of this script instead: for every stage, the files of every module
its ``stages/<name>.py`` imports, directly or through other modules of the package, at the top or
inside a function, plus the data files a module reads from a folder beside it (the notebook's
``cells/``, page ``templates/``) when its code names that folder. The CLI and config modules,
through which every stage runs, are counted for every stage.

It reads the source with :mod:`ast` and imports nothing, so it runs on any Python 3 before the
project's environment exists: ``python3 src/<package>/makedeps.py`` prints make variables
``STAGE_SOURCES_<stage> := <files>``.
"""

import ast
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ENTRY_POINTS = ("cli", "config")  # every stage runs through these


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


def imported(path: Path) -> set[Path]:
    """The package's own modules that ``path`` imports, anywhere in its code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
    """Files in a non-package folder beside ``path`` whose name the module's code spells."""
    strings = {
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    found: set[Path] = set()
    for folder in path.parent.iterdir():
        if folder.is_dir() and folder.name in strings and not (folder / "__init__.py").exists():
            found |= {f for f in folder.rglob("*") if f.is_file() and "__pycache__" not in f.parts}
    return found


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


def stage_sources() -> dict[str, list[str]]:
    """For each stage file, its dependencies as paths relative to the project root, sorted."""
    root = PACKAGE_DIR.parent.parent
    entry = [module_path(name) for name in ENTRY_POINTS]
    stages = sorted((PACKAGE_DIR / "stages").glob("[!_]*.py"))
    return {
        stage.stem: sorted(p.relative_to(root).as_posix() for p in closure([stage, *entry]))
        for stage in stages
    }


def main() -> int:
    for stage, files in stage_sources().items():
        print(f"STAGE_SOURCES_{stage} := {' '.join(files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
