"""Extract a zip archive only when every member is whole and stays inside the target folder.

A downloaded or user-supplied archive is untrusted input: a member named ``../x`` or ``/etc/x``
would write outside the project (the "zip slip" attack), a symbolic link would let a later member
write through it, a "zip bomb" of a few kilobytes would fill the disk, and a damaged archive would
leave half-written files that look like data. Every member's header is therefore checked before a
byte is written; sizes are counted again while extracting (a header can lie), and each member's
CRC is checked by :mod:`zipfile` as it is read to its end, so nothing is decompressed twice. On
any failure the files written so far are removed.
"""

import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

MACOS_METADATA = "__MACOSX"
ENCRYPTED = 0x1  # general-purpose flag bit 0
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# More than any table this project can model: every stage holds the train table in memory, so an
# archive declaring more is a bomb or another kind of data (images, audio) than this project's.
MAX_TOTAL_BYTES = 100 * 1024**3
# Real tables deflate about 3:1 to 20:1 (a mostly-zero sparse CSV reaches ~50:1); a member that
# claims more than 100:1 is a bomb. Small members are exempt: a tiny repetitive file is harmless.
MAX_RATIO = 100
RATIO_FLOOR = 16 * 1024**2
CHUNK = 1 << 20


class ArchiveError(ValueError):
    """The archive is unsafe or damaged; the message says which member and why."""


def check_name(name: str) -> PurePosixPath:
    """The member's relative path, or :class:`ArchiveError` when it could escape the folder."""
    normalised = name.replace("\\", "/")
    path = PurePosixPath(normalised)
    if normalised.startswith("/") or (len(normalised) > 1 and normalised[1] == ":"):
        raise ArchiveError(f"member {name!r} has an absolute path")
    if ".." in path.parts:
        raise ArchiveError(f"member {name!r} points outside the folder with '..'")
    if not path.parts or "\x00" in normalised:
        raise ArchiveError(f"member {name!r} has no usable file name")
    return path


def _is_link(info: zipfile.ZipInfo) -> bool:
    """True for a symbolic link (zip stores the Unix file mode in the high 16 attribute bits)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def _check_member(info: zipfile.ZipInfo) -> None:
    """Refuse a member that is unsafe, or that Python's zipfile could only read with a crash."""
    check_name(info.filename)
    if _is_link(info):
        raise ArchiveError(f"member {info.filename!r} is a symbolic link")
    if info.flag_bits & ENCRYPTED:
        raise ArchiveError(f"member {info.filename!r} is password-protected; unzip it yourself")
    if info.compress_type not in READABLE_METHODS:
        raise ArchiveError(
            f"member {info.filename!r} uses compression method {info.compress_type}, which "
            "Python cannot read; re-zip it with deflate"
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise ArchiveError(
            f"member {info.filename!r} would expand {info.compress_size:,} bytes into "
            f"{info.file_size:,} (more than {MAX_RATIO}:1, the mark of a zip bomb)"
        )


def _check_tree(members: list[zipfile.ZipInfo]) -> None:
    """Refuse a name used twice, or used both for a file and for a folder (``a`` and ``a/b``)."""
    files: set[PurePosixPath] = set()
    folders: set[PurePosixPath] = set()
    for info in members:
        path = check_name(info.filename)
        folders.update(path.parents if not info.is_dir() else (path, *path.parents))
        if info.is_dir():
            continue
        if path in files:
            raise ArchiveError(f"member {info.filename!r} appears twice")
        files.add(path)
    clash = sorted(str(p) for p in files & folders)
    if clash:
        raise ArchiveError(
            f"{clash[0]!r} is both a file and a folder in it, which no file system can hold"
        )


def check_archive(zip_path: Path) -> list[zipfile.ZipInfo]:
    """The archive's file members, after checking every header; raises :class:`ArchiveError`.

    Only headers are read here; the members' contents (and CRCs) are checked while
    :func:`safe_extract` writes them.
    """
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"it is not a readable zip archive ({exc})") from exc
    except (OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise ArchiveError(f"it could not be read ({exc})") from exc
    for info in members:
        _check_member(info)
    _check_tree(members)
    total = sum(info.file_size for info in members)
    if total > MAX_TOTAL_BYTES:
        raise ArchiveError(
            f"it would extract to {total:,} bytes, more than the {MAX_TOTAL_BYTES:,} this project "
            "handles"
        )
    return [info for info in members if not info.is_dir()]


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> int:
    """Stream one member to ``target``, counting bytes rather than trusting the header."""
    written = 0
    with archive.open(info) as source, open(target, "xb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > info.file_size:
                raise ArchiveError(f"member {info.filename!r} is larger than its header says")
            out.write(chunk)
    return written


def safe_extract(zip_path: Path, dest: Path) -> list[Path]:
    """Extract ``zip_path`` into ``dest`` after :func:`check_archive`; returns the files written.

    Paths are re-checked against the resolved ``dest`` as a second line of defence, and files are
    streamed, so a large member never has to fit in memory. The ``__MACOSX/`` folder that macOS
    adds to zips it makes holds Finder metadata, not data, and is left out. When a member fails
    (a bad CRC, a lying header, a full disk) every file written so far is removed.
    """
    members = check_archive(zip_path)
    created = not dest.exists()
    written: list[Path] = []
    try:
        _extract_members(zip_path, dest, members, written)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created:
            shutil.rmtree(dest, ignore_errors=True)
        raise
    return written


def _extract_members(
    zip_path: Path, dest: Path, members: list[zipfile.ZipInfo], written: list[Path]
) -> None:
    root = dest.resolve()
    total = 0
    with zipfile.ZipFile(zip_path) as archive:
        for info in members:
            name = check_name(info.filename)
            if name.parts[0] == MACOS_METADATA:
                continue
            target = (root / name).resolve()
            if not target.is_relative_to(root):
                raise ArchiveError(f"member {info.filename!r} would be written outside {dest}")
            if target.exists():
                raise ArchiveError(f"member {info.filename!r} appears twice")
            target.parent.mkdir(parents=True, exist_ok=True)
            written.append(target)
            try:
                total += _copy_member(archive, info, target)
            except zipfile.BadZipFile as exc:
                raise ArchiveError(
                    f"member {info.filename!r} fails its CRC check (the archive is damaged)"
                    if "CRC" in str(exc)
                    else f"member {info.filename!r} could not be read ({exc})"
                ) from exc
            except (EOFError, zlib.error) as exc:
                raise ArchiveError(f"member {info.filename!r} is truncated or damaged") from exc
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError(f"it extracts to more than {MAX_TOTAL_BYTES:,} bytes")
