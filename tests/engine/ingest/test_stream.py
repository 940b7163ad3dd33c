"""A CSV too large for memory is streamed into the same typed tables and schema, in narrower types.

The streaming road is taken from a size (``STREAM_BYTES``) that these tests lower to a few
bytes, with batches, samples and type inference as small as the tables, so every part of it
(several row groups, roles judged on a sample, a second read when types change) runs on
tables of a few thousand rows.
"""

import json
import warnings
import zipfile

import numpy as np
import pandas as pd
import pytest
import yaml
from example import EXAMPLE

from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError
from kaggle_starter.ingest import stream
from kaggle_starter.ingest.folder import describe_folder
from kaggle_starter.ingest.tables import read_table
from kaggle_starter.stages import data

ROWS = 3_000


@pytest.fixture
def small_settings(monkeypatch):
    """Stream every CSV, in batches of 700 rows, judging roles on samples of 1,200 rows."""
    monkeypatch.setattr(stream, "STREAM_BYTES", 1)
    monkeypatch.setattr(stream, "BATCH_ROWS", 700)
    monkeypatch.setattr(stream, "sample_size", lambda columns, rows: min(rows, 1_200))


def _competition(folder, rows=ROWS):
    """train.csv and test.csv with an id, gaps, padded categories, day-first dates and booleans."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "PassengerId": np.arange(1, rows + 1),
            "size": rng.normal(10, 3, rows).round(3),
            "count": rng.integers(0, 7, rows),
            "big": rng.integers(-40_000, 40_000, rows),
            "grade": rng.choice([" low", "mid ", "high", None], rows),
            "when": pd.date_range("2020-01-01", periods=rows, freq="7h").strftime("%d/%m/%Y"),
            "flag": rng.choice([True, False], rows),
            "label": rng.choice([0.0, 1.0, np.nan], rows, p=[0.5, 0.45, 0.05]),
        }
    )
    frame["size"] = frame["size"].mask(rng.random(rows) < 0.1)
    frame["count"] = frame["count"].astype("Int64").mask(rng.random(rows) < 0.1)
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "train.csv", index=False)
    frame.drop(columns="label").iloc[: rows // 3].to_csv(folder / "test.csv", index=False)
    return folder


def _both_roads(raw, work):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        in_memory = describe_folder({}, {}, raw)
        work.mkdir(exist_ok=True)
        streamed = describe_folder({}, {}, raw, work)
    return in_memory, streamed


def test_a_streamed_csv_gives_the_in_memory_content_and_schema(tmp_path, small_settings):
    raw = _competition(tmp_path / "raw")
    (schema, tables), (streamed, files) = _both_roads(raw, tmp_path / "work")
    assert set(files) == {"train", "test"} and all(p.suffix == ".parquet" for p in files.values())
    for name, frame in tables.items():
        written = pd.read_parquet(files[name])
        pd.testing.assert_frame_equal(written, frame.reset_index(drop=True), check_dtype=False)
    assert streamed.pop("sample")["rows"] < schema["rows"]["train"]  # roles judged on a sample
    dtypes = {c["name"]: c.pop("dtype") for c in streamed["columns"]}
    wide = {c["name"]: c.pop("dtype") for c in schema["columns"]}
    assert streamed == schema  # roles, shares, distinct values, classes, rows, dropped rows
    assert wide == {
        **dict.fromkeys(["PassengerId", "big"], "int64"),
        **dict.fromkeys(["size", "count"], "float64"),
        "grade": "object",
        "when": "datetime64[ns]",
        "flag": "bool",
        "label": "int64",
    }
    # narrower where nothing changes: small whole numbers, and gaps among them as 32-bit floats
    assert dtypes == {**wide, "PassengerId": "int16", "big": "int32", "count": "float32"} | {
        "label": "int8"
    }
    assert dtypes == {c: str(t) for c, t in pd.read_parquet(files["train"]).dtypes.items()}


def test_types_that_change_after_the_inferred_rows_make_a_second_read(
    tmp_path, small_settings, monkeypatch, capsys
):
    monkeypatch.setattr(stream, "INFER_ROWS", 50)
    path = tmp_path / "train.csv"
    path.write_text("a,b\n" + "".join(f"{i},x{i}\n" for i in range(200)) + "2.5,NA\n")
    rows = stream.to_parquet(path, tmp_path / "train.parquet", tmp_path)
    assert rows == 201 and "reading again" in capsys.readouterr().out
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "train.parquet"), read_table(path))


@pytest.mark.parametrize("zipped", [False, True], ids=["plain", "zipped"])
def test_windows_1252_semicolon_files_stream_as_they_read(tmp_path, small_settings, zipped):
    path = tmp_path / "train.csv"
    lines = ["id;quote;price", *(f"{i}; \u201cgood\u201d ;\u20ac{i}" for i in range(100))]
    path.write_bytes("\n".join(lines).encode("cp1252"))
    if zipped:
        with zipfile.ZipFile(tmp_path / "train.csv.zip", "w") as archive:
            archive.write(path, "train.csv")
        path = tmp_path / "train.csv.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = read_table(path)
        stream.to_parquet(path, tmp_path / "out.parquet", tmp_path)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out.parquet"), expected)
    assert not list(tmp_path.glob("*.utf8.csv"))  # the decoded copy is gone


@pytest.mark.parametrize("road", ["streamed", "in memory"])
def test_a_malformed_csv_is_one_sentence_naming_the_file_and_line(tmp_path, monkeypatch, road):
    if road == "streamed":
        monkeypatch.setattr(stream, "STREAM_BYTES", 1)
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = "".join(f"{i},{i % 2},{i * 1.5}\n" for i in range(20))
    (raw / "train.csv").write_text("id,label,x\n" + rows + "20,1,2.5,oops\n" + rows)
    (tmp_path / "work").mkdir()
    with pytest.raises(ProjectError) as caught:
        describe_folder({}, {}, raw, tmp_path / "work")
    message = str(caught.value)
    assert message.startswith("train.csv could not be read as a table")
    assert "line 22" in message and "\n" not in message.strip()


def _project(tmp_path, raw):
    root = tmp_path / "project"
    root.mkdir()
    config = yaml.safe_load((EXAMPLE / "config.yaml").read_text())
    config["data"] |= {"source": "local", "ref": str(raw), "target": "", "id": ""}
    (root / "config.yaml").write_text(yaml.safe_dump(config))
    return load_config(root)


def test_make_data_streams_a_large_csv_and_audits_a_seeded_sample(tmp_path, small_settings, capsys):
    raw = _competition(tmp_path / "source")
    cfg = _project(tmp_path, raw)
    data.run(cfg)
    said = capsys.readouterr().out
    processed = cfg.layout.processed
    assert sorted(p.name for p in processed.iterdir()) == [
        "detected.json",
        "schema.json",
        "test.parquet",
        "train.parquet",
    ]
    assert not list(processed.parent.glob(".ingest-*"))  # the scratch folder is gone
    schema = json.loads((processed / "schema.json").read_text())
    expected = read_table(raw / "train.csv").dropna(subset=["label"])
    assert (
        schema["rows"]["train"]
        == len(expected)
        == len(pd.read_parquet(processed / "train.parquet"))
    )
    report = json.loads(cfg.layout.data_quality.read_text())
    assert report["sample"]["train"] == {"rows": 1_200, "of": len(expected)}
    assert report["sample"]["seed"] == cfg.cv_seed
    roles = schema["sample"]["rows"]  # the sample's rows that have a target
    assert 1_000 < roles < 1_200
    assert f"Column roles from a seeded sample of {roles:,} train rows" in said
    assert f"train audited on a seeded sample of 1,200 rows of {len(expected):,}" in said
    data.run(cfg)  # the same files again, byte for byte: make redoes nothing downstream
    assert "data/processed is unchanged." in capsys.readouterr().out


def test_a_sample_submission_and_a_parquet_test_file_are_read_beside_a_streamed_train(
    tmp_path, small_settings
):
    raw = _competition(tmp_path / "raw")
    test = pd.read_csv(raw / "test.csv")
    (raw / "test.csv").unlink()
    test.to_parquet(raw / "test.parquet", index=False)
    test[["PassengerId"]].assign(label=0).to_csv(raw / "sample_submission.csv", index=False)
    (_, tables), (schema, files) = _both_roads(raw, tmp_path / "work")
    assert (schema["id"], schema["target"]) == ("PassengerId", "label")
    assert schema["rows"]["test"] == len(test)
    pd.testing.assert_frame_equal(pd.read_parquet(files["test"]), tables["test"], check_dtype=False)
