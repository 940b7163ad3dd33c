"""What a raw folder means: which file is train, the target, id, task, metric and column roles.

The detection rules live in :mod:`.detect` (the metric's in :mod:`..metrics.choice`); this
module applies them to one folder, checks that the user's answers fit the data (a named target
exists, a forced task suits its values, a chosen metric scores the task), and returns the schema
and the typed tables that `make data` writes to data/processed.

A train CSV too large for memory goes through :mod:`.stream` instead of pandas: the same rules,
with counts, shares and classes exact and the column roles judged on a seeded sample of rows
(``schema["sample"]`` says so); its typed tables come back as Parquet files, not frames.
"""

import warnings
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from ..errors import ProjectError
from ..metrics import choose_metric
from ..schema import day_first_columns
from . import stream
from .detect import (
    ID_NAME,
    describe_columns,
    detect_id,
    detect_target,
    detect_task,
    find_files,
    json_labels,
    parse_dates,
)
from .tables import csv_suffix, read_table, sniff


def _check_target(train: pd.DataFrame, target: str, source: str) -> None:
    if target not in train.columns:
        columns = ", ".join(map(str, train.columns))
        raise ProjectError(
            f"the target column {target!r} (data.target in config.yaml) is not in {source}; "
            f"its columns are: {columns}."
        )


def _text_columns(answers: dict, train: pd.DataFrame, source: str) -> set[str]:
    """The columns config.yaml's data.text_columns names, each checked to hold text in train."""
    named = answers.get("text_columns") or []
    for name in named:
        if name not in train.columns:
            raise ProjectError(
                f"data.text_columns in config.yaml names {name!r}, which {source} does not have; "
                "remove it or spell it as the file's header does."
            )
        values = train[name]
        if not (pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values)):
            raise ProjectError(
                f"data.text_columns in config.yaml names {name!r}, which holds {values.dtype} "
                "values, not text: remove it from data.text_columns."
            )
    return set(named)


def _warn_train_only(
    train: pd.DataFrame, test: pd.DataFrame | None, target: str, name: str | None
) -> None:
    """A WARNING naming the train columns that test lacks: no model can use them."""
    if test is None:
        return
    missing = [str(c) for c in train.columns if c != target and c not in test.columns]
    if missing:
        some = ", ".join(repr(c) for c in missing[:5]) + (" ..." if len(missing) > 5 else "")
        warnings.warn(
            f"{len(missing)} training column(s) are not in {name} ({some}): the rows to predict "
            "lack them, so no model uses them (the EDA and the audit still show them); if one "
            "is the column to predict, set data.target in config.yaml.",
            stacklevel=2,
        )


def _drop_missing_target(train: pd.DataFrame, target: str) -> tuple[pd.DataFrame, int]:
    """Rows without a target cannot be learned from; labels keep train's spelling (0, not 0.0)."""
    missing = int(train[target].isna().sum())
    if missing:
        rows = "row has" if missing == 1 else "rows have"
        warnings.warn(
            f"{missing} training {rows} no value for the target {target!r}; left out of "
            "data/processed.",
            stacklevel=2,
        )
    train = train.dropna(subset=[target]).reset_index(drop=True)
    y = train[target]
    if missing and pd.api.types.is_float_dtype(y) and bool((y == y.round()).all()):
        train[target] = y.astype("int64")  # the gaps had made integer labels float
    return train, missing


def _check_task_fits(y: pd.Series, task: str) -> None:
    """A task chosen in config.yaml must suit the target's values, or training would crash."""
    classes = y.nunique()
    if task == "binary" and classes != 2:
        raise ProjectError(
            f"data.task is binary but the target {y.name!r} has {classes} distinct values: set "
            "data.task to multiclass, regression or auto in config.yaml."
        )
    if task == "regression" and not pd.api.types.is_numeric_dtype(y):
        raise ProjectError(
            f"data.task is regression but the target {y.name!r} is not numeric: set data.task "
            "to binary, multiclass or auto in config.yaml."
        )


def _choose_id(
    answers: dict,
    train: pd.DataFrame,
    test: pd.DataFrame | None,
    sample: pd.DataFrame | None,
    columns: set[str],
) -> str | None:
    """The owner's id column or the detected one; ``columns`` are all of train's and test's."""
    id_column = answers.get("id") or detect_id(train, test, sample, answers.get("target") or None)
    if id_column and id_column not in columns:
        raise ProjectError(
            f"the id column {id_column!r} (data.id in config.yaml) is in neither train nor "
            "test: set it to an existing column, or leave it empty to detect it."
        )
    return id_column


def _choose_target(
    answers: dict,
    train: pd.DataFrame,
    test: pd.DataFrame | None,
    sample: pd.DataFrame | None,
    id_column: str | None,
    files: dict,
) -> str:
    target = answers.get("target") or detect_target(train, test, sample, id_column)
    _check_target(train, target, files["train"])
    _warn_train_only(train, test, target, files["test"])
    return target


def _choose_task(answers: dict, metadata: dict, y: pd.Series) -> tuple[str, str]:
    """The task (the owner's, else detected from the target) and the metric that scores it."""
    detected_task = detect_task(y)
    task = answers.get("task") if answers.get("task") not in (None, "", "auto") else detected_task
    _check_task_fits(y, task)
    metric = choose_metric(
        task, asked=answers.get("metric"), kaggle=metadata.get("evaluation_metric")
    )
    return task, metric


def _schema(found: dict, y: pd.Series, files: dict, rows: dict, columns: list[dict]) -> dict:
    """schema.json: ``found`` holds target, id, task, metric, dropped_rows and source."""
    return {
        "target": found["target"],
        "id": found["id"],
        "task": found["task"],
        "metric": found["metric"],
        "classes": json_labels(y) if found["task"] != "regression" else None,
        "files": files,
        "rows": rows,
        "dropped_rows": found["dropped_rows"],
        "columns": columns,
        "source": found["source"],
    }


def describe_folder(
    answers: dict, metadata: dict, raw: Path, work: Path | None = None
) -> tuple[dict, dict[str, pd.DataFrame | Path]]:
    """Read a raw folder and decide what it means; returns (schema, typed tables).

    ``answers`` is config.yaml's ``data:`` section as the user wrote it: a value there always
    wins over a detected one. With ``work`` (a scratch folder), a train CSV of
    :data:`.stream.STREAM_BYTES` or more is streamed, and its tables are Parquet files there.
    """
    files = find_files(raw)
    if work is not None and stream.streams(raw / files["train"]):
        return _describe_streamed(answers, metadata, raw, files, work)
    train = read_table(raw / files["train"])
    test = read_table(raw / files["test"]) if files["test"] else None
    sample = read_table(raw / files["sample_submission"]) if files["sample_submission"] else None

    everywhere = set(train.columns) | set(() if test is None else test.columns)
    id_column = _choose_id(answers, train, test, sample, everywhere)
    target = _choose_target(answers, train, test, sample, id_column, files)
    train, dropped = _drop_missing_target(train, target)
    task, metric = _choose_task(answers, metadata, train[target])

    text = _text_columns(answers, train, files["train"])
    columns = describe_columns(train, test, target, id_column, text_columns=text)
    dates = [c["name"] for c in columns if c["role"] == "datetime"]
    dayfirst = day_first_columns({"columns": columns})
    tables = {"train": parse_dates(train, dates, dayfirst)}
    if test is not None:
        tables["test"] = parse_dates(test, dates, dayfirst)
    for entry in columns:
        entry["dtype"] = str(tables["train"][entry["name"]].dtype)

    found = {"target": target, "id": id_column, "task": task, "metric": metric}
    found |= {"dropped_rows": dropped, "source": metadata}
    rows = {"train": len(train), "test": None if test is None else len(test)}
    return _schema(found, train[target], files, rows, columns), tables


def _header_only(path: Path) -> pd.DataFrame:
    """A sample submission as a table; of a large one only its columns (all detection reads)."""
    if not stream.streams(path):
        return read_table(path)
    return pd.DataFrame(columns=sniff(path, csv_suffix(path))[2])


def _stage(raw: Path, files: dict, work: Path) -> tuple[dict[str, Path], dict[str, pd.DataFrame]]:
    """Train and test streamed into Parquet in ``work``, and a seeded sample of each."""
    staged = {name: work / f"{name}.csv.parquet" for name in ("train", "test") if files[name]}
    samples = {}
    for name, path in staged.items():
        if stream.csv_bytes(raw / files[name]):
            rows = stream.to_parquet(raw / files[name], path, work)
        else:  # a Parquet test beside a large train CSV is read as it is
            frame = read_table(raw / files[name])
            frame.to_parquet(path, index=False)
            rows = len(frame)
        width = len(pq.read_schema(path))
        samples[name] = stream.sample_rows(path, stream.sample_size(width, rows), stream.SEED)
    return staged, samples


def _id_columns(staged: dict[str, Path], samples: dict, sample: pd.DataFrame | None) -> dict:
    """Whole columns that may be the id (named like one, or the sample submission's first)."""
    first = str(sample.columns[0]) if sample is not None and len(sample.columns) else None
    return {
        name: stream.read_columns(
            path, [c for c in samples[name].columns if ID_NAME.search(str(c)) or c == first]
        )
        for name, path in staged.items()
    }


def _write_streamed(
    staged: dict[str, Path], work: Path, target: str, columns: list[dict], narrow: dict
) -> tuple[dict[str, Path], dict[str, int]]:
    """The typed tables from the staged ones, and their rows; ``narrow`` is train's dtypes
    (:func:`.stream.count_columns`), test's are counted here."""
    dates = [c["name"] for c in columns if c["role"] == "datetime"]
    dayfirst = day_first_columns({"columns": columns})
    tables, rows = {}, {}
    for name, path in staged.items():
        keep = target if name == "train" else None
        small = narrow if name == "train" else stream.count_columns(path)[1]
        tables[name] = work / f"{name}.parquet"
        rows[name] = stream.write_typed(
            path, tables[name], narrow=small, dates=dates, dayfirst=dayfirst, keep=keep
        )
        path.unlink()
    return tables, rows


def _describe_streamed(
    answers: dict, metadata: dict, raw: Path, files: dict, work: Path
) -> tuple[dict, dict[str, Path]]:
    """:func:`describe_folder` for a train CSV too large for memory (see the module docstring)."""
    staged, samples = _stage(raw, files, work)
    train, test = samples["train"], samples.get("test")
    sample = _header_only(raw / files["sample_submission"]) if files["sample_submission"] else None
    everywhere = set(train.columns) | set(() if test is None else test.columns)
    ids = _id_columns(staged, samples, sample) if not answers.get("id") else {}
    id_column = _choose_id(
        answers, ids.get("train", train), ids.get("test", test), sample, everywhere
    )
    target = _choose_target(answers, train, test, sample, id_column, files)
    y, dropped = _drop_missing_target(stream.read_columns(staged["train"], [target]), target)
    task, metric = _choose_task(answers, metadata, y[target])

    counts, narrow = stream.count_columns(staged["train"], keep=target)
    if pd.api.types.is_integer_dtype(y[target]):  # labels keep train's spelling (0, not 0.0)
        narrow[target] = str(pd.to_numeric(y[target], downcast="integer").dtype)
    train = train[train[target].notna()]
    text = _text_columns(answers, train, files["train"])
    columns = describe_columns(train, test, target, id_column, counts, text_columns=text)
    tables, rows = _write_streamed(staged, work, target, columns, narrow)
    dtypes = stream.pandas_dtypes(tables["train"], counts)
    for entry in columns:
        entry["dtype"] = dtypes[entry["name"]]

    found = {"target": target, "id": id_column, "task": task, "metric": metric}
    found |= {"dropped_rows": dropped, "source": metadata}
    rows.setdefault("test", None)
    schema = _schema(found, y[target], files, rows, columns)
    schema["sample"] = {
        "rows": len(train),
        "seed": stream.SEED,
        "note": "column roles and date order judged on a seeded sample of train's rows; row "
        "counts, missing shares, distinct values and classes are exact",
    }
    return schema, tables
