"""Archive limits: bombs, lying headers, clashing names, full disks, names from a listing."""

import errno
import shutil
import zipfile
from collections import namedtuple

import pytest
import requests

from kaggle_starter.errors import ProjectError
from kaggle_starter.ingest import acquire, archive
from kaggle_starter.ingest.archive import ArchiveError, check_archive, safe_extract
from kaggle_starter.ingest.kaggle_api import explain


def zeros_zip(path, size):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf, zf.open("train.csv", "w") as out:
        chunk = b"0" * (1 << 20)
        for _ in range(size // len(chunk)):
            out.write(chunk)
    return path


def test_a_zip_bomb_is_refused_from_its_headers(tmp_path):
    path = zeros_zip(tmp_path / "bomb.zip", 32 * 1024**2)
    assert path.stat().st_size < 100_000
    with pytest.raises(ArchiveError, match="zip bomb"):
        safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_total_is_capped(tmp_path, monkeypatch):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("train.csv", "a\n" * 1000)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 100)
    with pytest.raises(ArchiveError, match="would extract to 2,000 bytes"):
        check_archive(path)


def test_a_small_repetitive_member_is_fine(tmp_path):
    path = zeros_zip(tmp_path / "small.zip", 8 * 1024**2)  # > 100:1 but under the floor
    assert [p.name for p in safe_extract(path, tmp_path / "out")] == ["train.csv"]


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["data", "data/train.csv"], "'data' is both a file and a folder"),
        (["data/train.csv", "data"], "'data' is both a file and a folder"),
        (["a/b/c.csv", "a/b"], "'a/b' is both a file and a folder"),
        (["train.csv", "train.csv"], "appears twice"),
    ],
)
def test_names_that_no_folder_can_hold_are_refused_before_writing(tmp_path, names, message):
    path = tmp_path / "a.zip"
    duplicated = len(set(names)) < len(names)
    with (
        pytest.warns(UserWarning, match="Duplicate") if duplicated else _none(),
        zipfile.ZipFile(path, "w") as zf,
    ):
        for name in names:
            zf.writestr(name, "a\n1\n")
    with pytest.raises(ArchiveError, match=message):
        safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


class _none:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_a_header_that_lies_about_the_size_leaves_nothing(tmp_path):
    """A member whose headers declare fewer bytes than it holds: zipfile stops at the declared
    size and the CRC no longer matches, so the member is refused and nothing is kept."""
    path = tmp_path / "a.zip"
    content = b"a,b\n" + b"1,2\n" * 1000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("ok.csv", "a\n1\n")
        zf.writestr("train.csv", content)
    data = bytearray(path.read_bytes())
    for header, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.rindex(header) + offset  # the uncompressed-size field of the last member
        data[at : at + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="train.csv"):
        safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_damaged_member_is_found_in_one_pass(tmp_path, monkeypatch):
    """No testzip() pre-pass: the CRC is checked while extracting, and nothing is left."""
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("good.csv", "a\n1\n")
        zf.writestr("train.csv", "a,b\n" + "1,2\n" * 100)
    data = bytearray(path.read_bytes())
    offset = data.index(b"1,2\n")
    data[offset : offset + 4] = b"9,9\n"
    path.write_bytes(bytes(data))
    monkeypatch.setattr(zipfile.ZipFile, "testzip", lambda self: pytest.fail("testzip called"))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ArchiveError, match="'train.csv' fails its CRC check"):
        safe_extract(path, out)
    assert list(out.iterdir()) == []  # good.csv, written first, was removed again


Usage = namedtuple("Usage", "total used free")


def test_too_little_free_space_is_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "disk_usage", lambda _: Usage(10**9, 10**9 - 10**6, 10**6))
    with pytest.raises(ProjectError, match=r"needs .* but the disk holding .* has .* free"):
        acquire._ensure_space(tmp_path, 5 * 10**6, "Extracting it")


@pytest.mark.parametrize("name", ["../../escaped.csv", "/etc/passwd", "a/../../b.csv", ""])
def test_names_from_a_kaggle_listing_are_checked_like_members(tmp_path, name):
    with pytest.raises(ProjectError, match="cannot be saved safely"):
        acquire._check_listing({"train.csv": 10, name: 10}, tmp_path, "competition 'x'")


def test_a_full_disk_is_not_called_a_connection_failure():
    full = OSError(errno.ENOSPC, "No space left on device")
    text = str(explain(full, "downloading competition 'x'", "competition", "x", "make data"))
    assert "disk filled up" in text and "connection" not in text
    lost = requests.ConnectionError("refused")
    assert "connection to Kaggle failed" in str(
        explain(lost, "downloading competition 'x'", "competition", "x", "make data")
    )
