"""The competition's submission format: what a valid file looks like, and the predictions in it.

Kaggle scores a file only when its columns, ids and value spelling match the sample submission,
and a rejected file still costs one of the day's submissions; so the file is built from the
sample (its columns, its id order) and checked by :func:`validate_submission` before it is
written. The submit stage runs the same check on the file it is about to send.
"""

import numpy as np
import pandas as pd

from . import artifacts
from .config import Config
from .errors import ProjectError
from .metrics import CLASSIFICATION, get_metric
from .modeling.estimators import BATCH_ROWS, in_slices  # BATCH_ROWS: rows per prediction call
from .modeling.threshold import apply_threshold


def _shown(cfg: Config) -> str:
    return cfg.layout.submission.relative_to(cfg.root).as_posix()


def _id_column(cfg: Config, schema: dict, sample: pd.DataFrame | None) -> str | None:
    """The id column: config's or the schema's, else the sample submission's first column."""
    named = cfg.id or schema.get("id")
    if sample is None:
        return named or None
    return named if named in sample.columns else str(sample.columns[0])


def expected_layout(
    cfg: Config, schema: dict, sample: pd.DataFrame | None, test: pd.DataFrame | None
):
    """(id column or None, value columns, expected ids or None) of a valid submission."""
    id_column = _id_column(cfg, schema, sample)
    if sample is not None:
        values = [c for c in sample.columns if c != id_column]
        ids = sample[id_column] if id_column in sample.columns else None
        return (id_column if ids is not None else None), values, ids
    if test is not None and id_column in test.columns:
        return id_column, [cfg.target], test[id_column]
    return None, [cfg.target], None


def column_order(id_column: str | None, values: list[str], sample: pd.DataFrame | None) -> list:
    """The submission's columns in the sample's order (the id need not come first), else the
    id then the values."""
    shown = ([id_column] if id_column else []) + values
    if sample is not None and set(map(str, sample.columns)) == set(map(str, shown)):
        return list(sample.columns)
    return shown


def _probability_columns(cfg: Config, values: list[str]) -> bool:
    """Whether the value columns hold probabilities: one per class, or the metric needs them."""
    if cfg.task not in CLASSIFICATION:
        return False
    return len(values) > 1 or (
        get_metric(cfg.metric, cfg.task).needs_proba and cfg.task == "binary"
    )


def validate_submission(cfg: Config, frame: pd.DataFrame) -> None:
    """Raise :class:`ProjectError` naming the first way ``frame`` differs from a valid submission.

    Checks, in order: the columns and their order, the row count, missing values, the ids and
    their order, label values spelled as in train, probabilities within 0..1. Values are compared
    as text, so a frame read back from the CSV validates the same as the one written.
    """
    schema = artifacts.load_schema(cfg)
    sample = artifacts.load_sample_submission(cfg)
    test = artifacts.load_test(cfg)
    id_column, values, ids = expected_layout(cfg, schema, sample, test)
    expected = column_order(id_column, values, sample)
    where = (
        f"{_shown(cfg)} (as the sample submission requires)" if sample is not None else _shown(cfg)
    )
    redo = "run `make predict` again"
    if [str(c) for c in frame.columns] != [str(c) for c in expected]:
        raise ProjectError(
            f"{where} must have the columns {', '.join(map(str, expected))} in that order, but "
            f"has {', '.join(map(str, frame.columns))}: {redo}."
        )
    rows = len(ids) if ids is not None else (len(test) if test is not None else len(frame))
    if len(frame) != rows:
        raise ProjectError(f"{where} must have {rows:,} rows but has {len(frame):,}: {redo}.")
    gaps = [c for c in frame.columns if frame[c].isna().any()]
    if gaps:
        raise ProjectError(f"{where} has missing values in column {gaps[0]!r}: {redo}.")
    if ids is not None:
        given, wanted = frame[id_column].astype(str).to_numpy(), ids.astype(str).to_numpy()
        wrong = np.flatnonzero(given != wanted)
        if wrong.size:
            row = int(wrong[0])
            raise ProjectError(
                f"{where} has id {given[row]!r} in row {row + 1} where {wanted[row]!r} belongs "
                f"(ids must follow the sample's order): {redo}."
            )
    if _probability_columns(cfg, values):
        for column in values:
            proba = pd.to_numeric(frame[column], errors="coerce")
            if proba.isna().any() or not proba.between(0, 1).all():
                raise ProjectError(
                    f"{where}: column {column!r} must hold probabilities between 0 and 1: {redo}."
                )
    elif cfg.task in CLASSIFICATION:
        labels = {str(c) for c in schema.get("classes") or []}
        for column in values:
            spelled = frame[column].astype(str)
            unknown = spelled[~spelled.isin(labels)]
            if len(unknown):
                raise ProjectError(
                    f"{where}: column {column!r} has the label {unknown.iloc[0]!r}, which is not "
                    f"a class of the training data ({', '.join(sorted(labels))}): {redo}."
                )


def rows_for_ids(test: pd.DataFrame, id_column: str | None, ids: pd.Series | None) -> np.ndarray:
    """Positions of the test rows in the order of the expected ids."""
    if ids is None or id_column not in test.columns:
        if ids is not None and len(ids) != len(test):
            raise ProjectError(
                f"The sample submission has {len(ids):,} rows but the test data has "
                f"{len(test):,} and no id column to match them by; check data.id in config.yaml."
            )
        return np.arange(len(test))
    keys = pd.Index(test[id_column].astype(str))
    if not keys.is_unique:
        raise ProjectError(
            f"The test data repeats id {keys[keys.duplicated()][0]!r} in column {id_column!r}, so "
            "rows cannot be matched to the sample submission; check data.id in config.yaml."
        )
    positions = keys.get_indexer(ids.astype(str))
    if (positions < 0).any():
        missing = ids.astype(str).to_numpy()[positions < 0][0]
        raise ProjectError(
            f"The sample submission has id {missing!r}, which is not in the test data's "
            f"{id_column!r} column; check that the test file and the sample belong together."
        )
    return positions


PROBE_ROWS = 2_000  # rows predicted whole and in two halves to see if rows are independent


def in_batches(answer, test: pd.DataFrame, batch_rows: int = BATCH_ROWS) -> np.ndarray:
    """``answer(test)`` (a model's predict or predict_proba), called on ``batch_rows`` rows at a
    time and stacked: the same values, with memory bounded by one batch.

    Only when a row's answer does not depend on the rows predicted with it: a features.py that
    computes over the whole frame (a column's mean, a rank) would answer differently per batch,
    so a probe predicted whole and in two halves decides, and a model that fails it predicts
    the table in one call, as it was trained to.
    """
    if len(test) <= batch_rows:
        return np.asarray(answer(test))
    if not _rows_independent(answer, test.iloc[:PROBE_ROWS]):
        print(
            "predict: the model's answers depend on the rows predicted together (features.py "
            "computes over the whole table?), so the test table is predicted in one call."
        )
        return np.asarray(answer(test))
    return in_slices(answer, test, batch_rows)


def _rows_independent(answer, probe: pd.DataFrame) -> bool:
    """Whether ``probe`` predicted whole and in two halves gives the same answers (numbers equal
    but for rounding: a BLAS call on more rows may differ in the last bits)."""
    half = len(probe) // 2
    whole = np.asarray(answer(probe))
    apart = np.concatenate([np.asarray(answer(probe.iloc[:half])), answer(probe.iloc[half:])])
    if whole.dtype.kind in "fc" and apart.dtype.kind in "fc":
        return bool(np.allclose(whole, apart, rtol=1e-9, atol=1e-12, equal_nan=True))
    return bool(np.array_equal(whole, apart))


def predictions(
    cfg: Config,
    model,
    test: pd.DataFrame,
    values: list[str],
    threshold: dict | None = None,
    batch_rows: int = BATCH_ROWS,
) -> dict[str, np.ndarray]:
    """The value columns for every test row: labels, probabilities or numbers, predicted
    ``batch_rows`` rows at a time (:func:`in_batches`).

    ``threshold`` (the model card's, chosen in training for an F1-type metric) turns the
    positive class's probability into labels instead of ``predict``'s 0.5.
    """
    if not _probability_columns(cfg, values):
        if threshold and cfg.task == "binary":
            proba = in_batches(model.predict_proba, test, batch_rows)
            return {values[0]: apply_threshold(proba, model.classes_, threshold)}
        return {values[0]: in_batches(model.predict, test, batch_rows)}
    proba = in_batches(model.predict_proba, test, batch_rows)
    if len(values) == 1:  # binary: the probability of the positive (second, sorted) class
        return {values[0]: proba[:, 1]}
    index = {str(label): i for i, label in enumerate(model.classes_)}
    strangers = [c for c in values if str(c) not in index]
    if strangers:
        raise ProjectError(
            f"The sample submission has a column {strangers[0]!r} that is not a class of the "
            f"training data ({', '.join(index)}); check data.target in config.yaml."
        )
    return {c: proba[:, index[str(c)]] for c in values}


def submission_frame(
    cfg: Config,
    model,
    schema: dict,
    test: pd.DataFrame,
    threshold: dict | None = None,
    batch_rows: int = BATCH_ROWS,
) -> pd.DataFrame:
    """The model's predictions for the test table, in the sample submission's exact layout
    (labels by ``threshold`` when training chose one; ``batch_rows`` at a time: see
    :func:`predictions`)."""
    sample = artifacts.load_sample_submission(cfg)
    id_column, values, ids = expected_layout(cfg, schema, sample, test)
    rows = test.iloc[rows_for_ids(test, id_column, ids)]
    frame = pd.DataFrame(predictions(cfg, model, rows, values, threshold, batch_rows))
    if id_column:
        frame.insert(0, id_column, (ids if ids is not None else rows[id_column]).to_numpy())
    return frame[column_order(id_column, values, sample)]
