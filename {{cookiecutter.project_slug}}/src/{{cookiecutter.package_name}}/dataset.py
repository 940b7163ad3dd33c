"""Load the processed tables: the one way every later stage (and the notebook) reads the data."""

import json

import pandas as pd

from .config import Config
from .errors import ProjectError
from .tables import read_table

FEATURE_ROLES = ("numeric", "categorical", "text", "datetime")


def load_schema(cfg: Config) -> dict:
    """data/processed/schema.json, or a sentence saying to run `make data` first."""
    path = cfg.layout.schema
    if not path.is_file():
        raise ProjectError(f"{path.relative_to(cfg.root)} is missing: run `make data` first.")
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ProjectError(
            f"{path.relative_to(cfg.root)} is damaged: run `make data FORCE=1` to rebuild it."
        ) from exc
    if cfg.target and cfg.target != schema.get("target"):
        raise ProjectError(
            f"config.yaml names the target {cfg.target!r} but data/processed was built for "
            f"{schema.get('target')!r}: run `make data` to rebuild it."
        )
    return schema


def load_train(cfg: Config) -> pd.DataFrame:
    """The typed training table (rows with a missing target already dropped)."""
    load_schema(cfg)
    return pd.read_parquet(cfg.layout.train_table)


def load_test(cfg: Config) -> pd.DataFrame | None:
    """The typed test table, or None when the source has no test file."""
    path = cfg.layout.test_table
    return pd.read_parquet(path) if path.is_file() else None


def load_sample_submission(cfg: Config) -> pd.DataFrame | None:
    """The sample submission exactly as Kaggle gave it (raw file), or None when there is none."""
    name = load_schema(cfg)["files"].get("sample_submission")
    return read_table(cfg.layout.raw / name) if name else None


def feature_columns(schema: dict) -> dict[str, list[str]]:
    """Model inputs by role; id, constant and target columns are left out."""
    grouped: dict[str, list[str]] = {role: [] for role in FEATURE_ROLES}
    for column in schema["columns"]:
        if column["role"] in grouped:
            grouped[column["role"]].append(column["name"])
    return grouped


def split_target(frame: pd.DataFrame, cfg: Config) -> tuple[pd.DataFrame, pd.Series]:
    """Features (in schema order) and the target of a processed table."""
    schema = load_schema(cfg)
    features = [c["name"] for c in schema["columns"] if c["role"] in FEATURE_ROLES]
    return frame[features], frame[schema["target"]]
