"""What a raw folder means: which file is train, the target, id, task, metric and column roles.

The detection rules live in :mod:`.detect` (the metric's in :mod:`..metrics.choice`); this
module applies them to one folder, checks that the user's answers fit the data (a named target
exists, a forced task suits its values, a chosen metric scores the task), and returns the schema
and the typed tables that `make data` writes to data/processed.
"""

import warnings
from pathlib import Path

import pandas as pd

from ..errors import ProjectError
from ..metrics import choose_metric
from ..schema import day_first_columns
from .detect import (
    describe_columns,
    detect_id,
    detect_target,
    detect_task,
    find_files,
    json_labels,
    parse_dates,
)
from .tables import read_table


def _check_target(train: pd.DataFrame, target: str, source: str) -> None:
    if target not in train.columns:
        columns = ", ".join(map(str, train.columns))
        raise ProjectError(
            f"the target column {target!r} (data.target in config.yaml) is not in {source}; "
            f"its columns are: {columns}."
        )


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


def describe_folder(
    answers: dict, metadata: dict, raw: Path
) -> tuple[dict, dict[str, pd.DataFrame]]:
    """Read a raw folder and decide what it means; returns (schema, typed tables).

    ``answers`` is config.yaml's ``data:`` section as the user wrote it: a value there always
    wins over a detected one.
    """
    files = find_files(raw)
    train = read_table(raw / files["train"])
    test = read_table(raw / files["test"]) if files["test"] else None
    sample = read_table(raw / files["sample_submission"]) if files["sample_submission"] else None

    id_column = answers.get("id") or detect_id(train, test, sample, answers.get("target") or None)
    if id_column and id_column not in train.columns and (test is None or id_column not in test):
        raise ProjectError(
            f"the id column {id_column!r} (data.id in config.yaml) is in neither train nor "
            "test: set it to an existing column, or leave it empty to detect it."
        )
    target = answers.get("target") or detect_target(train, test, sample, id_column)
    _check_target(train, target, files["train"])
    _warn_train_only(train, test, target, files["test"])
    train, dropped = _drop_missing_target(train, target)

    detected_task = detect_task(train[target])
    task = answers.get("task") if answers.get("task") not in (None, "", "auto") else detected_task
    _check_task_fits(train[target], task)
    metric = choose_metric(
        task, asked=answers.get("metric"), kaggle=metadata.get("evaluation_metric")
    )

    columns = describe_columns(train, test, target, id_column)
    dates = [c["name"] for c in columns if c["role"] == "datetime"]
    dayfirst = day_first_columns({"columns": columns})
    tables = {"train": parse_dates(train, dates, dayfirst)}
    if test is not None:
        tables["test"] = parse_dates(test, dates, dayfirst)
    for entry in columns:
        entry["dtype"] = str(tables["train"][entry["name"]].dtype)

    schema = {
        "target": target,
        "id": id_column,
        "task": task,
        "metric": metric,
        "classes": json_labels(train[target]) if task != "regression" else None,
        "files": files,
        "rows": {"train": len(train), "test": None if test is None else len(test)},
        "dropped_rows": dropped,
        "columns": columns,
        "source": metadata,
    }
    return schema, tables
