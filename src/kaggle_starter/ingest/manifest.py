"""data/raw/manifest.json: proof of what was fetched, and the test of whether to fetch again.

The manifest lists every source file in data/raw with its size and sha256, the source it came
from (kind and ref), the Kaggle client's version and the time of the fetch. A later run that
finds every file matching it knows the data is whole and unchanged and skips the network.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from ..files import sha256_file

MANIFEST_NAME = "manifest.json"
METADATA_NAME = "metadata.json"
BOOKKEEPING = frozenset({MANIFEST_NAME, METADATA_NAME})


def data_files(folder: Path) -> list[Path]:
    """Every source file under ``folder`` (relative, sorted), without the bookkeeping files."""
    return sorted(
        path.relative_to(folder)
        for path in folder.rglob("*")
        if path.is_file() and path.relative_to(folder).as_posix() not in BOOKKEEPING
    )


def build_manifest(folder: Path, source: dict[str, str], client_version: str | None) -> dict:
    """The manifest of ``folder`` as it is now."""
    files = [
        {
            "path": rel.as_posix(),
            "bytes": (folder / rel).stat().st_size,
            "sha256": sha256_file(folder / rel),
        }
        for rel in data_files(folder)
    ]
    return {
        "source": {"kind": source["kind"], "ref": source["ref"]},
        "client": {"name": "kaggle", "version": client_version} if client_version else None,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": files,
    }


def read_manifest(folder: Path) -> dict | None:
    """The manifest in ``folder``, or None when there is none or it does not parse."""
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def is_current(folder: Path, source: dict[str, str]) -> bool:
    """True when ``folder`` holds exactly the manifest's files, unchanged, from ``source``.

    Sizes are compared first so a truncated or replaced file is caught without hashing it; then
    every file is hashed, because a same-sized edit must not pass as the original data.
    """
    manifest = read_manifest(folder)
    if manifest is None or not isinstance(manifest.get("files"), list):
        return False
    recorded = manifest.get("source") or {}
    if (recorded.get("kind"), recorded.get("ref")) != (source["kind"], source["ref"]):
        return False
    try:
        listed = {entry["path"]: entry for entry in manifest["files"]}
        if set(listed) != {rel.as_posix() for rel in data_files(folder)}:
            return False
        for rel, entry in listed.items():
            path = folder / rel
            if path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
                return False
    except (OSError, KeyError, TypeError):
        return False
    return True
