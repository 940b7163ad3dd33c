"""The second catalogue of bad inputs (README rows 60 on): sources, archives, encodings, sizes.

Same contract as test_faults.py, whose good project and helpers are reused: each case
either just works, or prints exactly one ``ERROR:`` line with the expected words, exits 1, shows
no traceback and leaves data/raw, data/processed and config.yaml byte-for-byte as they were.
"""

import collections
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import test_faults as faults
from test_faults import TRAIN, Case, run_case, write_competition
from trained import run_cli

good_project = faults.good_project  # the module-scoped project whose `data` already ran


def _raw_names(project: Path) -> set[str]:
    raw = project / "data/raw"
    return {p.relative_to(raw).as_posix() for p in raw.rglob("*")}


def _with_links(folder: Path) -> Path:
    """A competition folder holding a link to itself and a link to a file outside it."""
    write_competition(folder / "data")
    secret = folder / "outside.txt"
    secret.write_text("not data: a file elsewhere on the machine\n")
    (folder / "data/loop").symlink_to(".")
    (folder / "data/up").symlink_to("..")
    (folder / "data/outside.txt").symlink_to(secret)
    return folder / "data"


def _links_not_followed(project: Path) -> None:
    names = _raw_names(project)
    assert {"train.csv", "test.csv", "sample_submission.csv"} <= names
    assert not {"loop", "up", "outside.txt"} & names, names
    assert len(names) == 5, names  # the three tables, manifest.json and metadata.json


def _bomb(folder: Path) -> Path:
    """A 50 kB zip that declares a 48 MiB train.csv (1,000:1): a small zip bomb."""
    folder.mkdir(parents=True)
    path = folder / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("test.csv", TRAIN.to_csv(index=False))
        with zf.open("train.csv", "w") as out:
            out.write(b"PassengerId,Survived\n")
            for _ in range(48):
                out.write(b"0" * (1 << 20))
    return path


def _file_and_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    path = folder / "clash.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("train.csv", TRAIN.to_csv(index=False))
        zf.writestr("extra", "a file named like the folder below\n")
        zf.writestr("extra/notes.csv", "a,b\n1,2\n")
    return path


def _corrupt_member(folder: Path) -> Path:
    """A stored zip whose train.csv has bytes changed after its CRC was recorded."""
    folder.mkdir(parents=True)
    path = folder / "damaged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("test.csv", TRAIN.drop(columns="Survived").to_csv(index=False))
        zf.writestr("train.csv", TRAIN.to_csv(index=False))
    data = bytearray(path.read_bytes())
    at = data.rindex(b"male")
    data[at : at + 4] = b"MALE"
    path.write_bytes(bytes(data))
    return path


def _processed(project: Path) -> pd.DataFrame:
    return pd.read_parquet(project / "data/processed/train.parquet")


WINDOWS_SEX = ["\u201cmale\u201d", "female \u20ac"] * 20  # smart quotes and a euro sign


def _windows_values(project: Path) -> None:
    assert set(_processed(project)["Sex"]) == set(WINDOWS_SEX)


WIDE = 800


def _wide_header(folder: Path) -> Path:
    """800 extra columns with long names: a header of about 78 kB, wider than the 64 KiB
    sniffing window (long names rather than thousands of columns: the audit of 5,000 columns
    costs the test half a minute and tests nothing more about the header)."""
    extra = pd.DataFrame(
        {
            f"measurement_{i:04d}_{'of_a_long_name_' * 6}": range(i, i + len(TRAIN))
            for i in range(WIDE)
        }
    )
    test = faults.TEST
    write_competition(
        folder,
        pd.concat([TRAIN, extra], axis=1),
        pd.concat([test, extra.iloc[: len(test)]], axis=1),
    )
    assert len((folder / "train.csv").read_text().splitlines()[0]) > 64 * 1024
    return folder


def _is_wide(project: Path) -> None:
    assert _processed(project).shape[1] == TRAIN.shape[1] + WIDE


def _has_rows(project: Path) -> None:
    assert len(_processed(project)) == len(TRAIN)


CASES = [
    Case(
        "a local folder with symbolic links (to itself, its parent, a file outside)",
        _with_links,
        warning="3 symbolic links (loop, outside.txt and up), not copied",
        expect=_links_not_followed,
    ),
    Case("a zip bomb (1,000:1)", _bomb, error="more than 100:1, the mark of a zip bomb"),
    Case(
        "a zip with a file and a folder of the same name",
        _file_and_folder,
        error="'extra' is both a file and a folder",
    ),
    Case(
        "a local zip with a damaged member (CRC)",
        _corrupt_member,
        error="member 'train.csv' fails its CRC check",
    ),
    Case(
        "a Windows-1252 CSV (smart quotes, euro sign)",
        lambda d: write_competition(d, TRAIN.assign(Sex=WINDOWS_SEX), encoding="cp1252"),
        warning="train.csv is not UTF-8; read it as Windows-1252 (cp1252)",
        expect=_windows_values,
    ),
    Case(
        "a UTF-16 CSV with a byte-order mark",
        lambda d: write_competition(d, encoding="utf-16"),
        expect=_has_rows,
    ),
    Case("a header wider than 64 KiB (800 columns)", _wide_header, expect=_is_wide),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_catalogue_round2(case, good_project, tmp_path):
    run_case(case, good_project, tmp_path)


def test_too_little_disk_space_is_refused_before_copying(good_project, tmp_path, monkeypatch):
    project = tmp_path / "project"
    shutil.copytree(good_project, project, symlinks=True)
    source = write_competition(tmp_path / "source")
    config = project / "config.yaml"
    config.write_text(config.read_text().replace('ref: "', f'ref: "{source}" #', 1))
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 10**12 - 10**6, 10**6))
    before = faults._fingerprint(project)
    result = run_cli(project, "data")
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert result.returncode == 1 and len(errors) == 1, result.stderr
    assert "has 1.0 MB free" in errors[0] and "free some space" in errors[0], errors[0]
    assert "Traceback" not in result.stderr
    assert faults._fingerprint(project) == before
