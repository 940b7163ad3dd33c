"""The one way a stage reads another stage's output, with one policy for every file.

Stages talk only through files (see :mod:`.layout`), so every read goes through here and fails
the same way wherever it happens:

- missing: "reports/metrics.json is missing: run `make train` first."
- damaged (unparsable, truncated, written by other code): "reports/metrics.json is damaged:
  delete it and run `make train`." The Makefile redoes a stage when any of its outputs is
  missing, so that advice holds for every artifact.

The notebook and the user's own code load data through the same functions.
"""

import json
import pickle
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import __version__
from .config import Config
from .errors import ProjectError
from .files import sha256_file


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
    except (ValueError, OSError, EOFError, pickle.UnpicklingError, KeyError) as exc:
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


def _unpickle(path: Path):
    import joblib

    try:
        return joblib.load(path)
    except (ModuleNotFoundError, AttributeError, ImportError) as exc:
        # The pickle names classes by module path; code that moved cannot be unpickled.
        raise ProjectError(
            f"{path.name} was saved by an older version of this project's code and cannot be "
            "loaded: retrain with `make train`."
        ) from exc


def load_model(cfg: Config):
    """The fitted pipeline saved by `make train`; loading it under another engine version warns,
    as scikit-learn does for its own estimators."""
    model = _read(cfg, "model", _unpickle, required=True)
    trained = (read_json(cfg, "model_card", required=False) or {}).get("engine")
    if trained and trained != __version__:
        warnings.warn(
            f"models/model.joblib was trained with kaggle-starter {trained} and is loaded by "
            f"{__version__}: its predictions may differ; run `make train` to retrain it.",
            stacklevel=2,
        )
    return model


def model_version(cfg: Config) -> str:
    """The saved model's id: the start of its file's sha256, so a served answer and its log row
    name exactly the pipeline that made them, and a retrained model gets a new one."""
    path = path_of(cfg, "model")
    if not path.is_file():
        raise missing(cfg, "model")
    return sha256_file(path)[:12]
