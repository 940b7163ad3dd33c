"""Encodings tried in a sensible order, UTF-16, wide headers, files streamed rather than held."""

import warnings
import zipfile
from pathlib import Path

import pytest

from kaggle_starter.ingest.tables import read_table

WINDOWS = "id,quote,price\n1,\u201cgood\u201d value,\u20ac5\n2,it\u2019s fine,\u20ac7\n"


def _read(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read_table(path)
    return frame, [str(w.message) for w in caught]


def test_windows_1252_is_not_mis_read_as_latin_1(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(WINDOWS.encode("cp1252"))
    frame, said = _read(path)
    assert frame["quote"].tolist() == ["\u201cgood\u201d value", "it\u2019s fine"]
    assert frame["price"].tolist() == ["\u20ac5", "\u20ac7"]
    assert any("not UTF-8; read it as Windows-1252 (cp1252)" in s for s in said), said


def test_bytes_windows_1252_leaves_undefined_fall_back_to_latin_1(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(b"id,name\n1,a\x81b\n2,caf\xe9\n")
    frame, said = _read(path)
    assert frame["name"].tolist() == ["a\x81b", "caf\u00e9"]
    assert any("read it as Latin-1" in s for s in said), said


def test_utf8_says_nothing(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text(WINDOWS, encoding="utf-8")
    frame, said = _read(path)
    assert frame["price"].tolist() == ["\u20ac5", "\u20ac7"] and not said


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read_not_refused(tmp_path, encoding):
    path = tmp_path / "train.csv"
    data = WINDOWS.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    frame, said = _read(path)
    assert list(frame.columns) == ["id", "quote", "price"]
    assert frame["price"].tolist() == ["\u20ac5", "\u20ac7"] and not said


def _wide(columns: int, sep: str = ",") -> str:
    names = [f"measurement_{i}" for i in range(columns)]
    rows = [sep.join(str(i + r) for i in range(columns)) for r in range(3)]
    return "\n".join([sep.join(names), *rows]) + "\n"


@pytest.mark.parametrize("shape", ["comma", "semicolon", "zipped"])
def test_a_header_wider_than_64_kib_is_read_whole(tmp_path, shape):
    text = _wide(5000, ";" if shape == "semicolon" else ",")
    assert len(text.splitlines()[0]) > 64 * 1024
    path = tmp_path / "train.csv"
    path.write_text(text)
    if shape == "zipped":
        with zipfile.ZipFile(tmp_path / "train.csv.zip", "w") as archive:
            archive.write(path, "train.csv")
        path = tmp_path / "train.csv.zip"
    frame = read_table(path)
    assert frame.shape == (3, 5000)
    assert frame.columns[-1] == "measurement_4999" and frame["measurement_4999"].tolist() == [
        4999,
        5000,
        5001,
    ]


def test_files_are_streamed_not_read_whole(tmp_path, monkeypatch):
    """Neither the CSV nor the zip member is read into one bytes object (that cost ~6x)."""
    plain = tmp_path / "train.csv"
    plain.write_bytes(WINDOWS.replace(",", ";").encode("cp1252"))
    with zipfile.ZipFile(tmp_path / "train.csv.zip", "w") as archive:
        archive.write(plain, "train.csv")

    def refuse(*args, **kwargs):
        raise AssertionError("a whole file was read into memory")

    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    for path in (plain, tmp_path / "train.csv.zip"):
        frame, _ = _read(path)
        assert frame["price"].tolist() == ["\u20ac5", "\u20ac7"]
