"""Extract a zip archive only when every member is whole and stays inside the target folder.

A downloaded or user-supplied archive is untrusted input: a member named ``../x`` or ``/etc/x``
would write outside the project (the "zip slip" attack), a symbolic link would let a later member
write through it, and a damaged archive would leave half-written files that look like data. Every
member is therefore checked, and the CRC of every member tested, before a single byte is written.
"""

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

MACOS_METADATA = "__MACOSX"
ENCRYPTED = 0x1  # general-purpose flag bit 0
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


class ArchiveError(ValueError):
    """The archive is unsafe or damaged; the message says which member and why."""


def _check_name(name: str) -> PurePosixPath:
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
    _check_name(info.filename)
    if _is_link(info):
        raise ArchiveError(f"member {info.filename!r} is a symbolic link")
    if info.flag_bits & ENCRYPTED:
        raise ArchiveError(f"member {info.filename!r} is password-protected; unzip it yourself")
    if info.compress_type not in READABLE_METHODS:
        raise ArchiveError(
            f"member {info.filename!r} uses compression method {info.compress_type}, which "
            "Python cannot read; re-zip it with deflate"
        )


def check_archive(zip_path: Path) -> list[zipfile.ZipInfo]:
    """The archive's file members, after proving it safe and undamaged; raises ArchiveError."""
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.infolist()
            for info in members:
                _check_member(info)
            broken = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise ArchiveError(f"it is not a readable zip archive ({exc})") from exc
    except (OSError, EOFError, zipfile.LargeZipFile) as exc:
        raise ArchiveError(f"it could not be read ({exc})") from exc
    if broken is not None:
        raise ArchiveError(f"member {broken!r} fails its CRC check (the archive is damaged)")
    return [info for info in members if not info.is_dir()]


def safe_extract(zip_path: Path, dest: Path) -> list[Path]:
    """Extract ``zip_path`` into ``dest`` after :func:`check_archive`; returns the files written.

    Paths are re-checked against the resolved ``dest`` as a second line of defence, and files are
    streamed, so a large member never has to fit in memory. The ``__MACOSX/`` folder that macOS
    adds to zips it makes holds Finder metadata, not data, and is left out.
    """
    members = check_archive(zip_path)
    root = dest.resolve()
    written = []
    with zipfile.ZipFile(zip_path) as archive:
        for info in members:
            name = _check_name(info.filename)
            if name.parts[0] == MACOS_METADATA:
                continue
            target = (root / name).resolve()
            if not target.is_relative_to(root):
                raise ArchiveError(f"member {info.filename!r} would be written outside {dest}")
            if target.exists():
                raise ArchiveError(f"member {info.filename!r} appears twice")
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, open(target, "xb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
            written.append(target)
    return written
