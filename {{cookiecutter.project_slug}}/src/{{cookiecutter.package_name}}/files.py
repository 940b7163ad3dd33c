"""Writing outputs so that a stopped or failed run never leaves half a file behind.

Every output is written under a temporary name beside its destination and renamed into place:
a rename on one filesystem is atomic, so readers (and make's timestamps) see the old file or the
new one, never a mixture.
"""

import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds, it becomes ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, payload: Any, default: Callable[[Any], Any] | None = None) -> None:
    write_text(path, json.dumps(payload, indent=2, ensure_ascii=False, default=default) + "\n")
