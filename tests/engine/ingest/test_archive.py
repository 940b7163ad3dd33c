"""Archives cannot write outside their folder, and the manifest catches any changed byte."""

import hashlib
import os
import stat
import zipfile

import pytest

from kaggle_starter.files import write_json
from kaggle_starter.ingest.archive import ArchiveError, check_archive, safe_extract
from kaggle_starter.ingest.manifest import build_manifest, is_current


def make_zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_safe_archive_extracts_nested_folders(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"train.csv": "a\n1\n", "images/x/1.txt": "one"})
    written = safe_extract(archive, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "images/x/1.txt",
        "train.csv",
    ]
    assert (tmp_path / "out" / "images" / "x" / "1.txt").read_text() == "one"


def test_macos_metadata_is_left_out(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"train.csv": "a\n1\n", "__MACOSX/._train.csv": "x"})
    safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out" / "__MACOSX").exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.csv", "'..'"),
        ("data/../../evil.csv", "'..'"),
        ("/etc/evil.csv", "absolute"),
        ("C:/evil.csv", "absolute"),
        ("..\\evil.csv", "'..'"),
    ],
)
def test_member_escaping_the_folder_is_refused_before_writing(tmp_path, name, reason):
    archive = make_zip(tmp_path / "a.zip", {"train.csv": "a\n1\n", name: "evil"})
    with pytest.raises(ArchiveError, match=reason):
        safe_extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("evil.csv"))


def test_symbolic_link_is_refused(tmp_path):
    link = zipfile.ZipInfo("link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr(link, "/etc")
    with pytest.raises(ArchiveError, match="symbolic link"):
        check_archive(tmp_path / "a.zip")


def test_damaged_member_fails_the_crc_check(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("train.csv", "a,b\n" + "1,2\n" * 100)
    data = bytearray(path.read_bytes())
    offset = data.index(b"1,2\n")
    data[offset : offset + 8] = b"9,9\n9,9\n"
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="CRC"):
        safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _stored_zip(path, patch):
    """A one-member stored zip whose local and central headers are then edited by ``patch``."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("train.csv", "a,b\n1,2\n")
    data = bytearray(path.read_bytes())
    for header, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        patch(data, data.index(header) + offset)  # offset of the general-purpose flag field
    path.write_bytes(bytes(data))
    return path


def _encrypted(data, flags):
    data[flags] |= 0x1


def _deflate64(data, flags):
    data[flags + 2 : flags + 4] = (9).to_bytes(2, "little")  # compression method 9


@pytest.mark.parametrize(
    ("patch", "reason"),
    [(_encrypted, "password-protected"), (_deflate64, "compression method 9")],
)
def test_a_member_zipfile_cannot_read_is_refused_before_writing(tmp_path, patch, reason):
    path = _stored_zip(tmp_path / "a.zip", patch)
    with pytest.raises(ArchiveError, match=reason):
        safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04truncated"])
def test_unreadable_archive_is_refused(tmp_path, content):
    path = tmp_path / "a.zip"
    path.write_bytes(content)
    with pytest.raises(ArchiveError, match="not a readable zip"):
        safe_extract(path, tmp_path / "out")


SOURCE = {"kind": "competition", "ref": "titanic"}


def recorded(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "train.csv").write_text("a\n1\n")
    (tmp_path / "sub" / "test.csv").write_text("a\n2\n")
    manifest = build_manifest(tmp_path, SOURCE, "2.2.5")
    write_json(tmp_path / "manifest.json", manifest)
    return manifest


def test_manifest_lists_every_file_with_size_and_hash(tmp_path):
    manifest = recorded(tmp_path)
    assert [f["path"] for f in manifest["files"]] == ["sub/test.csv", "train.csv"]
    assert manifest["files"][1]["bytes"] == 4
    assert manifest["files"][1]["sha256"] == hashlib.sha256(b"a\n1\n").hexdigest()
    assert manifest["source"] == SOURCE
    assert manifest["client"] == {"name": "kaggle", "version": "2.2.5"}
    assert is_current(tmp_path, SOURCE)


def test_manifest_detects_a_changed_byte_of_the_same_size(tmp_path):
    recorded(tmp_path)
    path = tmp_path / "train.csv"
    stamp = path.stat().st_mtime
    path.write_text("a\n9\n")
    os.utime(path, (stamp, stamp))
    assert not is_current(tmp_path, SOURCE)


@pytest.mark.parametrize("change", ["extra file", "missing file", "other source", "no manifest"])
def test_manifest_is_stale_after_other_changes(tmp_path, change):
    recorded(tmp_path)
    source = SOURCE
    if change == "extra file":
        (tmp_path / "new.csv").write_text("x\n")
    elif change == "missing file":
        (tmp_path / "sub" / "test.csv").unlink()
    elif change == "other source":
        source = {"kind": "competition", "ref": "house-prices"}
    else:
        (tmp_path / "manifest.json").unlink()
    assert not is_current(tmp_path, source)
