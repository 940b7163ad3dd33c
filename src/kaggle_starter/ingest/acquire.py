"""Make data/raw hold a complete, verified copy of the source, or leave it exactly as it was.

Everything is fetched (or copied) into a temporary folder beside data/raw, on the same
filesystem, then checked: archives are extracted only when every member is safe and passes its
CRC test, and every file Kaggle lists must be present with the size Kaggle lists, so a download
cut short is never taken for data. Only then does the new folder replace data/raw, by a rename.
Any failure, Ctrl-C included, deletes the temporary folder and leaves data/raw untouched.

Kaggle serves some large files as zips inside the archive (``train.csv.zip``). Those are kept as
served: the manifest then hashes exactly what Kaggle published, and the reader opens zipped CSVs.

A second run whose data/raw matches its manifest (same source, every sha256 equal) returns at
once, without a network call or even importing the Kaggle client; ``force=True`` fetches again.
"""

import errno
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from .. import text
from ..config import Config
from ..errors import ProjectError
from ..files import replace_dir, write_json
from .archive import ArchiveError, check_archive, check_name, safe_extract
from .kaggle_api import client_version, connect, explain
from .manifest import (
    BOOKKEEPING,
    MANIFEST_NAME,
    METADATA_NAME,
    build_manifest,
    data_files,
    is_current,
    read_manifest,
)

STAGING_PREFIX = ".raw-incoming-"
RETRY = "make data"
PARTIAL_SUFFIX = ".kaggle-partial"  # the client's resume marker beside an unfinished download
LOCAL_IGNORED = (".*", "__MACOSX", "__pycache__")
# Room left over after the data: a disk filled to the last byte breaks every later stage's writes.
SPACE_MARGIN = 256 * 1024**2


def acquire(
    cfg: Config, *, force: bool = False, check: Callable[[Path, dict], None] | None = None
) -> dict:
    """Fetch or copy the configured source into data/raw and return its metadata.

    The metadata (kind, ref, title, url, evaluation metric or license) is also written to
    data/raw/metadata.json, beside manifest.json. ``check(folder, metadata)`` runs on the new
    copy before it replaces data/raw, so data that turns out unusable (no target, an empty
    train file) never displaces a good copy.
    """
    raw = cfg.layout.raw
    source = {"kind": cfg.source, "ref": cfg.ref}
    if not cfg.ref.strip():
        raise ProjectError(
            "config.yaml has an empty data.ref: set it to the competition slug, the dataset's "
            "owner/name, or the local path of the data."
        )
    if not force and is_current(raw, source):
        count = len(json.loads((raw / MANIFEST_NAME).read_text(encoding="utf-8"))["files"])
        print(
            f"data/raw already holds the {count} files of {cfg.source} '{cfg.ref}', each matching "
            "manifest.json; nothing fetched (FORCE=1 fetches again)."
        )
        return _stored_metadata(raw, source)

    _refuse_foreign_files(raw)
    raw.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(raw.parent)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=raw.parent))
    try:
        fresh = staging / "raw"
        fresh.mkdir()
        fetch = {"competition": _competition, "dataset": _dataset, "local": _local}[cfg.source]
        try:
            metadata, version = fetch(cfg, staging, fresh)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            raise ProjectError(_disk_full(raw.parent)) from exc
        _check_reserved(fresh, cfg)
        manifest = build_manifest(fresh, source, version)
        write_json(fresh / METADATA_NAME, metadata)
        write_json(fresh / MANIFEST_NAME, manifest)
        if check is not None:
            check(fresh, metadata)
        replace_dir(fresh, raw)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _print_summary(manifest)
    return metadata


def _refuse_foreign_files(raw: Path) -> None:
    """A fresh copy replaces data/raw whole, so files the user put there would be lost: refuse."""
    if not raw.is_dir():
        return
    manifest = read_manifest(raw) or {}
    listed = {entry.get("path") for entry in manifest.get("files", []) if isinstance(entry, dict)}
    foreign = [p.as_posix() for p in data_files(raw) if p.as_posix() not in listed]
    if foreign:
        raise ProjectError(
            f"data/raw holds {text.count(len(foreign), 'file')} this project did not fetch "
            f"({text.names(foreign, quote=chr(39), most=3)}), which a new copy would replace: "
            "move them out of data/raw (keep your own files elsewhere, or make them a local "
            "source), then run `make data` again."
        )


def _disk_full(folder: Path) -> str:
    return (
        f"The disk holding {folder} filled up while writing the data; data/raw is unchanged: "
        f"free some space (or move the project to a larger disk) and run `{RETRY}` again."
    )


def _ensure_space(folder: Path, needed: int, what: str) -> None:
    """Refuse before writing when ``needed`` bytes (plus a margin) will not fit on the disk."""
    free = shutil.disk_usage(folder).free
    if needed + SPACE_MARGIN > free:
        raise ProjectError(
            f"{what} needs {text.size(needed)} but the disk holding {folder} has "
            f"{text.size(free)} free; data/raw is unchanged: free some space (or move the "
            f"project to a larger disk) and run `{RETRY}` again."
        )


def _extract(archive: Path, fresh: Path, what: str, advice: str) -> None:
    """Extract after checking headers and free space; ``advice`` ends the refusal sentence."""
    try:
        members = check_archive(archive)
        needed = sum(info.file_size for info in members)
        _ensure_space(fresh, needed, f"Extracting {what}")
        safe_extract(archive, fresh)
    except ArchiveError as exc:
        raise ProjectError(
            f"{what} was not extracted because {exc}; data/raw is unchanged: {advice}"
        ) from exc


def _stored_metadata(raw: Path, source: dict[str, str]) -> dict:
    try:
        metadata = json.loads((raw / METADATA_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return dict(source)
    return metadata if isinstance(metadata, dict) else dict(source)


def _remove_leftovers(data_dir: Path) -> None:
    """Delete temporary folders that a killed earlier run (SIGKILL, power cut) left behind."""
    for path in data_dir.glob(STAGING_PREFIX + "*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _check_reserved(fresh: Path, cfg: Config) -> None:
    clash = sorted(name for name in BOOKKEEPING if (fresh / name).exists())
    if clash:
        raise ProjectError(
            f"The {cfg.source} '{cfg.ref}' has its own top-level {clash[0]}, a name data/raw "
            "keeps for this project's records: copy the data into a folder of your own, move that "
            "file into a subfolder, and use it as a local source."
        )


def _listing(list_page, items: str) -> dict[str, int | None]:
    """Every file the client lists (name -> bytes), following page tokens to the last page."""
    listed, token = {}, None
    while True:
        page = list_page(token)
        listed.update({item.name: item.total_bytes for item in getattr(page, items)})
        token = page.next_page_token
        if not token:
            return listed


def _competition(cfg: Config, staging: Path, fresh: Path) -> tuple[dict, str | None]:
    """Metadata, listing and archive of a competition through the Kaggle client."""
    import requests
    from kagglesdk.competitions.types.competition_api_service import ApiGetCompetitionRequest

    slug = cfg.ref.strip()
    download = staging / "download"
    doing = f"downloading competition '{slug}'"
    try:
        api = connect()
        request = ApiGetCompetitionRequest()
        request.competition_name = slug
        with api.build_kaggle_client() as client:
            info = client.competitions.competition_api_client.get_competition(request)
        listed = _listing(
            lambda token: api.competition_list_files(slug, page_token=token, page_size=200),
            "files",
        )
        _check_listing(listed, staging, f"competition '{slug}'")
        api.competition_download_files(slug, path=str(download), force=True, quiet=False)
    except (requests.RequestException, OSError, ValueError) as exc:
        raise explain(exc, doing, "competition", slug, RETRY) from exc
    _unpack(download, fresh, listed, f"competition '{slug}'")
    metadata = {
        "kind": "competition",
        "ref": slug,
        "title": info.title or slug,
        "url": info.url or f"https://www.kaggle.com/competitions/{slug}",
        "evaluation_metric": info.evaluation_metric or "",
        "category": info.category or "",
        "reward": info.reward or "",
        "deadline": info.deadline.isoformat() if info.deadline else "",
    }
    return metadata, client_version()


def _dataset(cfg: Config, staging: Path, fresh: Path) -> tuple[dict, str | None]:
    """Metadata, listing and archive of a dataset (``owner/name``) through the Kaggle client."""
    import requests
    from kagglesdk.datasets.types.dataset_api_service import ApiGetDatasetMetadataRequest

    ref = cfg.ref.strip().strip("/")
    parts = ref.split("/")
    if len(parts) != 2 or not all(parts):
        raise ProjectError(
            f"config.yaml: data.ref {cfg.ref!r} is not a Kaggle dataset reference: write it as "
            "owner/name, as in the dataset's address kaggle.com/datasets/owner/name."
        )
    download = staging / "download"
    doing = f"downloading dataset '{ref}'"
    try:
        api = connect()
        request = ApiGetDatasetMetadataRequest()
        request.owner_slug, request.dataset_slug = parts
        with api.build_kaggle_client() as client:
            answer = client.datasets.dataset_api_client.get_dataset_metadata(request)
        listed = _listing(
            lambda token: api.dataset_list_files(ref, page_token=token, page_size=200),
            "dataset_files",
        )
        _check_listing(listed, staging, f"dataset '{ref}'")
        api.dataset_download_files(ref, path=str(download), force=True, quiet=False)
    except (requests.RequestException, OSError, ValueError) as exc:
        raise explain(exc, doing, "dataset", ref, RETRY) from exc
    _unpack(download, fresh, listed, f"dataset '{ref}'")
    info = answer.info
    licenses = [item.name for item in (info.licenses or []) if item.name] if info else []
    metadata = {
        "kind": "dataset",
        "ref": ref,
        "title": (info.title if info else "") or ref,
        "license": ", ".join(licenses) or "unknown",
        "url": f"https://www.kaggle.com/datasets/{ref}",
    }
    return metadata, client_version()


def _check_listing(listed: dict[str, int | None], staging: Path, what: str) -> None:
    """Names from Kaggle become paths: check them as archive members are, and the free space."""
    for name in listed:
        try:
            check_name(name)
        except ArchiveError as exc:
            raise ProjectError(
                f"Kaggle lists a file for {what} that cannot be saved safely: {exc}; data/raw is "
                "unchanged: report it to the owner of the data."
            ) from exc
    _ensure_space(staging, sum(size or 0 for size in listed.values()), f"Downloading {what}")


def _unpack(download: Path, fresh: Path, listed: dict[str, int | None], what: str) -> None:
    """Extract the client's download into ``fresh`` and prove it holds every listed file whole."""
    received = [
        p for p in download.glob("*") if p.is_file() and not p.name.endswith(PARTIAL_SUFFIX)
    ]
    if len(received) != 1:
        raise ProjectError(
            f"The Kaggle client left {len(received)} files instead of one archive for {what}: "
            f"run `{RETRY}` again."
        )
    archive = received[0]
    if archive.suffix.lower() == ".zip":
        _extract(
            archive,
            fresh,
            f"The archive Kaggle sent for {what}",
            f"run `{RETRY}` again, and report it to the owner if it repeats.",
        )
    elif len(listed) == 1:
        shutil.move(archive, fresh / next(iter(listed)))
    else:
        raise ProjectError(
            f"Kaggle sent {archive.name} for {what}, which is not a zip archive: run `{RETRY}` "
            "again."
        )
    for name, size in sorted(listed.items()):
        path = fresh / name
        if not path.is_file():
            raise ProjectError(
                f"Kaggle lists {name} for {what} but the download does not contain it; data/raw "
                f"is unchanged: run `{RETRY}` again."
            )
        if size and path.stat().st_size != size:
            raise ProjectError(
                f"{name} of {what} arrived with {path.stat().st_size} bytes but Kaggle lists "
                f"{size}, so the download is incomplete; data/raw is unchanged: run `{RETRY}` "
                "again."
            )


def _local(cfg: Config, staging: Path, fresh: Path) -> tuple[dict, None]:
    """Copy a folder, extract a zip or copy a single file; the source itself is never touched."""
    path = cfg.local_path()
    if not path.exists():
        raise ProjectError(
            f"The local data source {path} does not exist: set data.ref in config.yaml to a "
            "folder, a .zip or a .csv that exists (relative paths start at the project folder)."
        )
    resolved, raw = path.resolve(), cfg.layout.raw.resolve()
    if resolved == raw or raw in resolved.parents or resolved in raw.parents:
        raise ProjectError(
            f"The local data source {path} overlaps this project's data/raw folder: keep the "
            "source outside data/ and set data.ref in config.yaml to it."
        )
    if path.is_dir():
        _copy_folder(path, fresh)
    elif path.suffix.lower() == ".zip":
        _extract(
            path,
            fresh,
            f"The local archive {path}",
            "replace the archive with a good copy, or unzip it yourself and point data.ref at "
            "the folder.",
        )
    else:
        _ensure_space(fresh, path.stat().st_size, f"Copying {path}")
        shutil.copy2(path, fresh / path.name)
    if not any(p.is_file() for p in fresh.rglob("*")):
        raise ProjectError(
            f"The local data source {path} holds no files: put the train (and test) data in it, "
            "or point data.ref in config.yaml at the folder that has them."
        )
    return {"kind": "local", "ref": cfg.ref}, None


def _copy_folder(path: Path, fresh: Path) -> None:
    """Copy the folder's own files, leaving out symbolic links inside it, with one warning.

    Following links is how a folder copy goes wrong: a link to ``.`` or a parent recurses until
    the disk fills, and a link to a file elsewhere (a key, another project's data) would be
    copied in and hashed as if it were this data. Links are skipped rather than refused because
    they are usually conveniences (a ``latest`` link, a link back up) and the rest of the folder
    is still the data; the warning names them so a linked file that *was* data gets copied in.
    ``data.ref`` itself may be a link: the user named it.
    """
    root, skipped = path.resolve(), []
    patterns = shutil.ignore_patterns(*LOCAL_IGNORED)

    def ignore(folder: str, names: list[str]) -> set[str]:
        ignored = set(patterns(folder, names))
        links = {n for n in names if n not in ignored and os.path.islink(os.path.join(folder, n))}
        skipped.extend(str(Path(folder, n).relative_to(root)) for n in sorted(links))
        return ignored | links

    needed = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    _ensure_space(fresh, needed, f"Copying {path}")
    shutil.copytree(root, fresh, ignore=ignore, dirs_exist_ok=True)
    if skipped:
        warnings.warn(
            f"the local data source {path} holds {text.count(len(skipped), 'symbolic link')} "
            f"({text.names(skipped)}), not copied: links are not followed, so copy a linked "
            "file into the folder if it is part of the data.",
            stacklevel=2,
        )


def _print_summary(manifest: dict) -> None:
    files = manifest["files"]
    width = max((len(entry["path"]) for entry in files), default=0)
    for entry in files:
        size, digest = text.size(entry["bytes"]), entry["sha256"][:12]
        print(f"  {entry['path']:<{width}}  {size:>9}  sha256 {digest}")
    total = text.size(sum(entry["bytes"] for entry in files))
    files_ = text.count(len(files), "file")
    print(f"data/raw: {files_}, {total}, recorded in data/raw/manifest.json")
