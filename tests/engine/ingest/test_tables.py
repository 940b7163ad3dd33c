"""Reading tables as Kaggle ships them: encodings, delimiters, zips, and clear refusals."""

import warnings
import zipfile

import pytest

from kaggle_starter.errors import ProjectError
from kaggle_starter.ingest.tables import read_table


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [
        ("id,name,x\n1, Zoë ,1.5\n2,Bob,2\n", "utf-8"),
        ("\ufeffid,name,x\n1, Zoë ,1.5\n2,Bob,2\n", "utf-8"),
        ("id;name;x\n1; Zoë ;1.5\n2;Bob;2\n", "latin-1"),
        ("id\tname\tx\n1\t Zoë \t1.5\n2\tBob\t2\n", "utf-8"),
    ],
    ids=["utf8", "bom", "latin1-semicolon", "tab"],
)
def test_encodings_and_delimiters_read_the_same(tmp_path, raw, encoding):
    path = tmp_path / "train.csv"
    path.write_bytes(raw.encode(encoding))
    frame = read_table(path)
    assert list(frame.columns) == ["id", "name", "x"]
    assert frame["name"].tolist() == ["Zoë", "Bob"]
    assert frame["x"].tolist() == [1.5, 2.0]


def test_a_zipped_csv_is_read(tmp_path):
    path = tmp_path / "train.csv.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("train.csv", "a,b\n1,2\n")
    assert read_table(path).to_dict("list") == {"a": [1], "b": [2]}


def test_duplicated_names_are_renamed_with_a_warning(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text(" a ,b,a\n1,2,3\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read_table(path)
    assert list(frame.columns) == ["a", "b", "a_2"]
    assert "'a' appears more than once" in str(caught[0].message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "train.csv is empty"),
        (b"a,b\n", "train.csv has a header but no rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "train.csv is not a text table"),
    ],
)
def test_bad_files_get_a_sentence(tmp_path, content, message):
    path = tmp_path / "train.csv"
    path.write_bytes(content)
    with pytest.raises(ProjectError, match=message):
        read_table(path)
