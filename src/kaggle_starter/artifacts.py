"""The one way a stage reads another stage's output, with one policy for every file.

Stages talk only through files (see :mod:`.layout`), so every read goes through here and fails
the same way wherever it happens:

- missing: "reports/metrics.json is missing: run `make train` first."
- damaged (unparsable, truncated, written by other code): "reports/metrics.json is damaged:
  delete it and run `make train`." The Makefile redoes a stage when any of its outputs is
  missing, so that advice holds for every artifact.

The notebook and the user's own code load data through the same functions.
"""

import hashlib
import io
import json
import pickle
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .config import Config
from .errors import ProjectError
from .files import sha256_file

UNREADABLE = (ValueError, OSError, EOFError, pickle.UnpicklingError, KeyError)  # a damaged file
SNAPSHOT_TRIES = 20  # reads of model and card before they are taken for an interrupted train
SNAPSHOT_PAUSE_S = 0.25  # between them: train writes the card right after the model


@dataclass(frozen=True)
class Artifact:
    """A file one stage writes and others read: where it lives and who makes it."""

    attribute: str  # the Layout property holding its path
    stage: str  # the make target that writes it


ARTIFACTS = {
    "schema": Artifact("schema", "data"),
    "train": Artifact("train_table", "data"),
    "test": Artifact("test_table", "data"),
    "manifest": Artifact("manifest", "data"),
    "source_metadata": Artifact("source_metadata", "data"),
    "data_quality": Artifact("data_quality", "data"),
    "metrics": Artifact("metrics", "train"),
    "cv_results": Artifact("cv_results", "train"),
    "oof": Artifact("oof_predictions", "train"),
    "model": Artifact("model", "train"),
    "model_card": Artifact("model_card", "train"),
    "tuned_params": Artifact("tuned_params", "tune"),
    "tuning_log": Artifact("tuning_log", "tune"),
    "interpretation": Artifact("interpretation", "interpret"),
    "eda_summary": Artifact("eda_summary", "eda"),
    "predictions": Artifact("predictions_log", "serve"),
}


def path_of(cfg: Config, name: str) -> Path:
    return getattr(cfg.layout, ARTIFACTS[name].attribute)


def _shown(cfg: Config, path: Path) -> str:
    try:
        return path.relative_to(cfg.root).as_posix()
    except ValueError:
        return str(path)


def missing(cfg: Config, name: str) -> ProjectError:
    """The sentence for an artifact that is not there yet."""
    stage = ARTIFACTS[name].stage
    return ProjectError(f"{_shown(cfg, path_of(cfg, name))} is missing: run `make {stage}` first.")


def damaged(cfg: Config, name: str) -> ProjectError:
    """The sentence for an artifact that exists but cannot be read.

    Deleting any output of a stage makes make redo that stage (the Makefile lists every output
    it watches), so the advice is the same for every artifact.
    """
    stage = ARTIFACTS[name].stage
    shown = _shown(cfg, path_of(cfg, name))
    return ProjectError(f"{shown} is damaged: delete it and run `make {stage}`.")


def _read(cfg: Config, name: str, reader, required: bool):
    path = path_of(cfg, name)
    if not path.is_file():
        if required:
            raise missing(cfg, name)
        return None
    try:
        return reader(path)
    except UNREADABLE as exc:
        raise damaged(cfg, name) from exc


def _json(path: Path) -> Any:
    value = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(value, dict | list):
        raise ValueError(f"{path.name} holds a {type(value).__name__}, not JSON records")
    return value


def read_json(cfg: Config, name: str, *, required: bool = True) -> Any:
    """A JSON artifact; ``required=False`` gives None when its stage has not run."""
    return _read(cfg, name, _json, required)


def load_schema(cfg: Config) -> dict:
    """data/processed/schema.json, checked against the target config.yaml names."""
    schema = read_json(cfg, "schema")
    if not isinstance(schema, dict) or "columns" not in schema or "target" not in schema:
        raise damaged(cfg, "schema")
    if cfg.target and cfg.target != schema.get("target"):
        raise ProjectError(
            f"config.yaml names the target {cfg.target!r} but data/processed was built for "
            f"{schema.get('target')!r}: run `make data` to rebuild it."
        )
    return schema


def load_quality(cfg: Config) -> list[dict]:
    """The data-quality findings `make data` wrote to data_quality.json, most severe first."""
    report = read_json(cfg, "data_quality")
    if not isinstance(report, dict) or not isinstance(report.get("findings"), list):
        raise damaged(cfg, "data_quality")
    return report["findings"]


def load_train(cfg: Config) -> pd.DataFrame:
    """The typed training table (rows with a missing target already dropped)."""
    load_schema(cfg)
    return _read(cfg, "train", pd.read_parquet, required=True)


def load_test(cfg: Config) -> pd.DataFrame | None:
    """The typed test table, or None when the source has no test file."""
    return _read(cfg, "test", pd.read_parquet, required=False)


def load_sample_submission(cfg: Config) -> pd.DataFrame | None:
    """The sample submission exactly as Kaggle gave it (raw file), or None when there is none."""
    from .ingest.tables import read_table

    name = load_schema(cfg)["files"].get("sample_submission")
    return read_table(cfg.layout.raw / name) if name else None


def load_oof(cfg: Config) -> pd.DataFrame | None:
    """The best model's out-of-fold predictions, or None before the first `make train`."""
    return _read(cfg, "oof", pd.read_parquet, required=False)


def _unpickle(source: Path | bytes):
    """The pickled model in a file, or in bytes already read (hashed and loaded as one read)."""
    import joblib

    try:
        return joblib.load(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (ModuleNotFoundError, AttributeError, ImportError) as exc:
        # The pickle names classes by module path; code that moved cannot be unpickled.
        raise ProjectError(
            "model.joblib was saved by an older version of this project's code and cannot be "
            "loaded: retrain with `make train`."
        ) from exc


def load_model(cfg: Config):
    """The fitted pipeline saved by `make train`; loading it under another engine version warns,
    as scikit-learn does for its own estimators."""
    model = _read(cfg, "model", _unpickle, required=True)
    _warn_engine(read_json(cfg, "model_card", required=False))
    return model


def _warn_engine(card: dict | None) -> None:
    trained = (card or {}).get("engine")
    if trained and trained != __version__:
        warnings.warn(
            f"models/model.joblib was trained with kaggle-starter {trained} and is loaded by "
            f"{__version__}: its predictions may differ; run `make train` to retrain it.",
            stacklevel=3,
        )


def model_version(cfg: Config) -> str:
    """The saved model's id: the start of its file's sha256, so a served answer and its log row
    name exactly the pipeline that made them, and a retrained model gets a new one."""
    path = path_of(cfg, "model")
    if not path.is_file():
        raise missing(cfg, "model")
    return sha256_file(path)[:12]


@dataclass(frozen=True)
class TrainedModel:
    """The saved model with the card and version that belong to it (see :func:`load_trained`)."""

    model: Any
    card: dict
    version: str  # the start of the sha256 of the very bytes ``model`` was loaded from


def load_trained(cfg: Config) -> TrainedModel:
    """Model, card and version as one snapshot, for a reader that may run while `make train`
    replaces them.

    Train renames each file into place, so each read is whole, but it writes the model before
    the card: read one after the other, they may come from two runs (the new model with the old
    card's code digest, say, which would refuse to serve it). So the card is read, then the
    model's bytes (hashed for the version and unpickled, never read twice), then the card again;
    the snapshot holds when both cards are the same and name the model's sha256 (cards written
    before train recorded it are checked by the re-read alone). Otherwise train is between its
    writes: read again, for a few seconds at most.
    """
    if not path_of(cfg, "model").is_file():
        raise missing(cfg, "model")  # named first: the card is read first, yet follows it
    card, data, together = _snapshot(cfg)
    try:
        model = _unpickle(data)
    except UNREADABLE as exc:
        raise damaged(cfg, "model") from exc
    if not together:
        raise ProjectError(
            f"{_shown(cfg, path_of(cfg, 'model'))} and {_shown(cfg, path_of(cfg, 'model_card'))} "
            "come from different `make train` runs (a train still writing them, or one that was "
            "interrupted): let it finish, or run `make train` again, then serve."
        )
    _warn_engine(card)
    return TrainedModel(model, card, hashlib.sha256(data).hexdigest()[:12])


def _snapshot(cfg: Config) -> tuple[dict, bytes, bool]:
    """(card, the model file's bytes, whether they belong together), read until they do, a few
    seconds at most."""
    for _ in range(SNAPSHOT_TRIES):
        card = _card(cfg)
        data = _read(cfg, "model", Path.read_bytes, required=True)
        digest = hashlib.sha256(data).hexdigest()
        if _card(cfg) == card and card.get("model_sha256", digest) == digest:
            return card, data, True
        time.sleep(SNAPSHOT_PAUSE_S)
    return card, data, False


def _card(cfg: Config) -> dict:
    card = read_json(cfg, "model_card")
    if not isinstance(card, dict):
        raise damaged(cfg, "model_card")
    return card
