"""Writing outputs so that a stopped or failed run never leaves half a file behind.

Every output is written under a temporary name beside its destination and renamed into place:
a rename on one filesystem is atomic, so readers (and make's timestamps) see the old file or the
new one, never a mixture. Temporary names are unique per writer, so two runs writing the same file
at once cannot truncate each other's copy; the last rename wins whole.

This is also the one home of the project's sha256: the manifest, the model card and the submit
history all hash files the same way.
"""

import hashlib
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a fresh temporary path beside ``path``; when the block succeeds it becomes ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _mode_for(path: Path) -> int:
    """The permissions ``path`` keeps: its own when it exists (a README at 0644 stays 0644; the
    temporary file starts at 0600), else what a plain ``open()`` would give under the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # read by setting it: there is no other way to ask
        os.umask(umask)
        return 0o666 & ~umask


def write_text(path: Path, text: str) -> None:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, payload: Any, default: Callable[[Any], Any] | None = None) -> None:
    write_text(path, json.dumps(payload, indent=2, ensure_ascii=False, default=default) + "\n")


def replace_dir(fresh: Path, dest: Path) -> None:
    """Put the folder ``fresh`` in place of ``dest`` by renames, restoring ``dest`` on failure.

    The old folder is first renamed aside (beside ``dest``, on the same filesystem), so there is
    no moment at which a reader finds neither the old copy nor the new one half-deleted.
    """
    aside = Path(tempfile.mkdtemp(prefix=f".{dest.name}-previous-", dir=dest.parent))
    previous = aside / dest.name
    had_previous = dest.exists()
    if had_previous:
        os.rename(dest, previous)
    try:
        os.rename(fresh, dest)
    except BaseException:
        if had_previous and not dest.exists():
            os.rename(previous, dest)
        raise
    finally:
        if dest.exists():
            shutil.rmtree(aside, ignore_errors=True)


def sha256_file(path: Path) -> str:
    """The file's sha256 in hex, streamed (a large file never has to fit in memory)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def shown_path(path: Path, root: Path) -> str:
    """A path as committed records keep it: relative to the project when inside it, ``~/...``
    under the home folder, else as given; so a report names no user's folder."""
    path = Path(path).expanduser().resolve()
    for base, prefix in ((Path(root).resolve(), ""), (Path.home().resolve(), "~/")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return path.as_posix()
