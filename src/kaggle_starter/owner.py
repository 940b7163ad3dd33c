"""The project's own code: which package is the owner's, and how the engine reaches into it.

A rendered project holds one package of its owner's, ``src/<package>/``, with ``features.py``
(``clean``, ``add_features``, ``learned_steps``) and, optionally, ``extend.py`` (models, checks
and metrics registered through :mod:`kaggle_starter.extend`). The engine finds the package once
per process: the ``package`` key of ``[tool.kaggle-starter]`` in the project's pyproject.toml,
else the one folder under ``src/`` that holds a ``features.py``.

The saved pipeline holds a reference to the owner's functions, not the functions: a model is
served with whatever ``features.py`` is on disk. :func:`digests` is what the model card records,
so serving can refuse a model trained with other code.

It imports the standard library alone (with :mod:`.errors` and :mod:`.files`), so make's
bookkeeping and the service's start read it cheaply.
"""

import importlib
import sys
import tomllib
import traceback
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from .errors import ProjectError
from .files import sha256_file

OWNED = ("features", "extend")  # the owner's modules the engine imports, when present


class OwnerError(ProjectError):
    """The project's own package cannot be found or imported; the message is one sentence."""


@dataclass(frozen=True)
class Owner:
    """The project's root and the name of the owner's package under ``src/``."""

    root: Path
    package: str

    @property
    def folder(self) -> Path:
        return self.root / "src" / self.package

    def path(self, module: str) -> Path:
        return self.folder / f"{module}.py"

    def label(self, module: str = "features") -> str:
        """``src/<package>/<module>.py``, as sentences name the file."""
        return f"src/{self.package}/{module}.py"

    def present(self) -> tuple[str, ...]:
        """The owned modules that exist on disk (``features`` always counts)."""
        return tuple(m for m in OWNED if m == "features" or self.path(m).is_file())


def _declared(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OwnerError(f"pyproject.toml does not parse ({exc}): fix it there.") from exc
    value = table.get("tool", {}).get("kaggle-starter", {}).get("package")
    return str(value) if value else None


def find(root: Path | str = ".") -> Owner:
    """The owner's package of the project in ``root``, or an :class:`OwnerError`."""
    root = Path(root).resolve()
    package = _declared(root)
    if package is None:
        found = sorted(p.parent.name for p in (root / "src").glob("*/features.py"))
        if len(found) != 1:
            raise OwnerError(
                f"no package of your own found under {root / 'src'} (looked for one folder with "
                "a features.py): run this command from the project's root, or name the package "
                'as `package = "..."` under [tool.kaggle-starter] in pyproject.toml.'
            )
        package = found[0]
    project = Owner(root, package)
    if not project.path("features").is_file():
        raise OwnerError(
            f"{project.label()} does not exist, but pyproject.toml names {package!r} as your "
            "package ([tool.kaggle-starter]): correct the name there, or restore the file."
        )
    return project


def find_or_none(root: Path | str = ".") -> Owner | None:
    """The owner's package of the project in ``root``, or None where there is none."""
    try:
        return find(root)
    except OwnerError:
        return None


_active: list[Owner] = []


def activate(root: Path | str = ".") -> Owner:
    """Make the project in ``root`` the one this process works for; its ``src/`` goes first on
    ``sys.path``, so the owner's package imports whether or not it is installed."""
    owner = find(root)
    src = str(owner.root / "src")
    if src not in sys.path:
        sys.path.insert(0, src)
    _active[:] = [owner]
    _module.cache_clear()
    return owner


def current() -> Owner:
    """The active project, activating the working directory's on first use."""
    return _active[0] if _active else activate(Path.cwd())


@cache
def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


def module(name: str, package: str | None = None) -> ModuleType:
    """The owner's module ``name`` (``features`` or ``extend``), imported once per process."""
    return _module(package or current().package, name)


def load_extensions(root: Path | str = ".") -> None:
    """Import the project's ``extend.py``, when it has one, so what it registers (models,
    metrics, checks: see :mod:`kaggle_starter.extend`) is known before the settings are checked.
    A mistake in it is one sentence naming the file and the line."""
    project = find_or_none(root)
    if project is None or not project.path("extend").is_file():
        return
    activate(project.root)
    imported("extend", project.package)


def imported(name: str, package: str | None = None) -> ModuleType:
    """:func:`module`, with a mistake that stops the owner's module importing (a syntax error,
    a failing import, an exception at import) turned into one sentence naming file and line."""
    try:
        return module(name, package)
    except ProjectError:
        raise
    except Exception as exc:  # the owner's code: any failure becomes one sentence
        frame = innermost_frame(exc, f"{name}.py")
        line = getattr(exc, "lineno", None) or (frame.lineno if frame else "?")
        label = f"src/{package or current().package}/{name}.py"
        raise ProjectError(
            f"{label} does not import ({type(exc).__name__} at line {line}: "
            f"{getattr(exc, 'msg', exc)}): fix it, then run the command again."
        ) from exc


def innermost_frame(exc: BaseException, name: str) -> traceback.FrameSummary | None:
    """The innermost frame of ``exc``'s traceback in a file called ``name``, or None."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(name)]
    return frames[-1] if frames else None


def changed(recorded: dict[str, str | None] | None, owner: Owner | None = None) -> list[str]:
    """The owner's files (as ``src/<package>/<file>``) whose sha256 differs from ``recorded``
    (a model card's ``code_sha256``); none when nothing was recorded."""
    if not recorded:
        return []
    owner = owner or current()
    now = digests(owner)
    return [f"src/{owner.package}/{name}" for name in recorded if now.get(name) != recorded[name]]


def digests(owner: Owner | None = None) -> dict[str, str | None]:
    """``{"features.py": sha256, "extend.py": sha256 or None, "helpers.py": sha256, ...}``: the
    code a model is trained with, as the model card and each run record it. Every module of the
    owner's package counts (features.py may import its neighbours, and the saved pipeline holds
    references to that code, not the code); bytecode caches and hidden folders do not."""
    owner = owner or current()
    paths = {f"{m}.py": owner.path(m) for m in OWNED}
    for path in modules(owner):
        paths.setdefault(path.relative_to(owner.folder).as_posix(), path)
    return {name: sha256_file(path) if path.is_file() else None for name, path in paths.items()}


def python_files(owner: Owner) -> list[Path]:
    """Every .py file of the owner's package, sorted; hidden files and folders (an editor's
    swap file, notebook checkpoints) and bytecode caches are not the owner's code."""
    return sorted(
        path
        for path in owner.folder.rglob("*.py")
        if path.is_file()
        and not any(
            part.startswith((".", "__pycache__")) for part in path.relative_to(owner.folder).parts
        )
    )


def modules(owner: Owner) -> list[Path]:
    """The package's importable modules: :func:`python_files` whose every part is a Python
    name ("features copy.py" cannot be imported, so no model can run it)."""
    return [
        path
        for path in python_files(owner)
        if all(part.isidentifier() for part in path.relative_to(owner.folder).with_suffix("").parts)
    ]
