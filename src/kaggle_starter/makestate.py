"""Make's view of a project: for each stage, a file that changes when, and only when, the stage's
code or settings change.

Make compares file times, and the engine is installed outside the project, so neither its files
nor config.yaml can be a stage's prerequisites as they are: an engine upgrade rewrites every
file, and an edit anywhere in config.yaml would redo every stage. Instead, every run of make
that runs stages first asks this module to bring ``.make/`` up to date:

- ``.make/code/<stage>.sha256``: the digest of the engine files the stage is made of (see
  :mod:`.makedeps`), so an upgrade that changes only interpretation redoes interpret and
  report, and nothing before them;
- ``.make/config/<stage>.json``: the settings the stage reads (the attributes listed in
  :data:`.stages.STAGES`), so editing ``interpret.sample_rows`` redoes interpret only;
- ``.make/state.mk``: make variables naming the owner's source files each stage runs: every
  file of their package for the stages that fit ``features.py``, ``extend.py`` (read with the
  settings, see :mod:`.extend`) for all the others.

Each file is rewritten only when its content changes, so its time moves only then.
"""

import hashlib
import json
import sys
from dataclasses import asdict, is_dataclass
from pathlib import Path

from . import owner
from .config import Config, load_config
from .errors import ProjectError
from .makedeps import PACKAGE_DIR, stage_sources
from .stages import STAGES

STATE = Path(".make")
USES_OWNER_CODE = PACKAGE_DIR / "modeling" / "engineering.py"  # runs features.py
VERSION_FILE = PACKAGE_DIR / "_version.py"


def _plain(value):
    if is_dataclass(value):
        return asdict(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def stage_slice(cfg: Config, reads: tuple[str, ...]) -> str:
    """The settings a stage reads, as canonical JSON text."""
    values = {name: _plain(getattr(cfg, name)) for name in reads}
    return json.dumps(values, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def code_digest(files: list[Path]) -> str:
    """sha256 over the files' paths (relative to the engine) and contents; the version number
    is not code, so ``_version.py`` is left out."""
    digest = hashlib.sha256()
    for path in files:
        if path == VERSION_FILE:
            continue
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest() + "\n"


def _write_if_changed(path: Path, text: str) -> bool:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def write_slices(cfg: Config) -> list[str]:
    """Rewrite the settings slices whose content changed; returns those stages."""
    folder = cfg.root / STATE / "config"
    return [
        name
        for name, stage in STAGES.items()
        if _write_if_changed(folder / f"{name}.json", stage_slice(cfg, stage.reads))
    ]


def write_code(root: Path, sources: dict[str, list[Path]]) -> list[str]:
    """Rewrite the code digests whose content changed; returns those stages."""
    folder = root / STATE / "code"
    return [
        name
        for name, files in sources.items()
        if _write_if_changed(folder / f"{name}.sha256", code_digest(files))
    ]


def owner_sources(project: owner.Owner) -> tuple[list[str], list[str]]:
    """(the owner's Python files make can name, those it cannot): make splits names at spaces,
    so a file such as an editor's "features copy.py" cannot be a prerequisite. Hidden files and
    folders (an editor's swap file, notebook checkpoints) are not the owner's code."""
    found = [p.relative_to(project.root).as_posix() for p in owner.python_files(project)]
    usable = [p for p in found if not any(c in p for c in " \t#$%:;\\*?[]")]
    return usable, [p for p in found if p not in usable]


def state_makefile(sources: dict[str, list[Path]], owned: list[str]) -> str:
    """Make variables: STAGE_OWNER_<stage>, the owner's files each stage runs: all of them for
    the stages that fit features.py, extend.py (read with the settings) for every other one."""
    extend = [p for p in owned if p.endswith("/extend.py")]
    # $(wildcard): a file deleted since this was written is no prerequisite that cannot be made.
    lines = [
        f"OWNER_SOURCES := $(wildcard {' '.join(owned)})",
        f"EXTEND_SOURCES := $(wildcard {' '.join(extend)})",
    ]
    for name, files in sources.items():
        uses = "$(OWNER_SOURCES)" if USES_OWNER_CODE in files else "$(EXTEND_SOURCES)"
        lines.append(f"STAGE_OWNER_{name} := {uses}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def update(root: Path) -> list[str]:
    """Bring ``.make/`` up to date for the project in ``root``; returns file names make cannot
    watch."""
    project = owner.find(root)
    sources = stage_sources()
    write_code(project.root, sources)
    owned, skipped = owner_sources(project)
    _write_if_changed(project.root / STATE / "state.mk", state_makefile(sources, owned))
    write_slices(load_config(root))  # last: a broken config.yaml leaves the rest up to date
    return skipped


def main(root: Path = Path(".")) -> int:
    try:
        skipped = update(root.resolve())
    except ProjectError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    for name in skipped:
        print(
            f"WARNING: make cannot watch {name!r} (a space or a special character in its name): "
            "edits to it do not redo any stage; rename it if your code imports it.",
            file=sys.stderr,
        )
    return 0
