"""The service reads model, card and version as one snapshot while `make train` replaces them.

Each race is made real and deterministic: the test writes the files as train does (model first,
then card, each renamed into place) at the exact moment between two of the reader's reads.
"""

import json
import shutil
from pathlib import Path

import joblib
import pytest
from example import EXAMPLE

from kaggle_starter import artifacts
from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError
from kaggle_starter.files import replacing, sha256_file, write_json


@pytest.fixture
def cfg(tmp_path):
    shutil.copy(EXAMPLE / "config.yaml", tmp_path / "config.yaml")
    return load_config(tmp_path)


def save_model(cfg, name: str) -> str:
    """Train's first write: the model file; returns its sha256."""
    with replacing(cfg.layout.model) as tmp:
        joblib.dump({"model": name}, tmp)
    return sha256_file(cfg.layout.model)


def save_card(cfg, name: str, digest: str | None) -> dict:
    """Train's second write: the card, naming the model's sha256 (None: a card from before
    train recorded it)."""
    card = {"model": name, **({"model_sha256": digest} if digest else {})}
    write_json(cfg.layout.model_card, card)
    return card


def train(cfg, name: str, recorded: bool = True) -> dict:
    digest = save_model(cfg, name)
    return save_card(cfg, name, digest if recorded else None)


def test_the_new_model_beside_the_old_card_is_read_again_once_the_card_follows(cfg, monkeypatch):
    train(cfg, "old")
    digest = save_model(cfg, "new")  # train has written the model, not yet the card
    pauses = []

    def card_lands(seconds):  # train writes its card while the reader waits
        pauses.append(seconds)
        save_card(cfg, "new", digest)

    monkeypatch.setattr(artifacts.time, "sleep", card_lands)
    trained = artifacts.load_trained(cfg)
    assert trained.model == {"model": "new"} and trained.card["model"] == "new"
    assert trained.version == digest[:12] == artifacts.model_version(cfg)
    assert len(pauses) == 1


@pytest.mark.parametrize("recorded", [True, False], ids=["sha in card", "older card"])
def test_a_train_finishing_between_the_reads_is_read_again(cfg, monkeypatch, recorded):
    train(cfg, "old", recorded)
    read_bytes, reads = Path.read_bytes, []

    def train_runs_first(path: Path) -> bytes:
        # The first read of the model comes after the card was read: a whole train lands here.
        if path == cfg.layout.model:
            reads.append(path)
            if len(reads) == 1:
                train(cfg, "new", recorded)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", train_runs_first)
    monkeypatch.setattr(artifacts.time, "sleep", lambda seconds: None)
    trained = artifacts.load_trained(cfg)
    assert trained.model == {"model": "new"} and trained.card["model"] == "new"
    assert trained.version == artifacts.model_version(cfg)
    assert len(reads) == 2  # the first snapshot was refused


def test_a_model_and_card_from_different_runs_are_one_sentence(cfg, monkeypatch):
    train(cfg, "old")
    save_model(cfg, "new")  # an interrupted train: the card never followed
    monkeypatch.setattr(artifacts.time, "sleep", lambda seconds: None)
    with pytest.raises(ProjectError, match=r"come from different `make train` runs"):
        artifacts.load_trained(cfg)


def test_a_damaged_model_is_still_called_damaged(cfg, monkeypatch):
    train(cfg, "old")
    cfg.layout.model.write_bytes(b"not a pickle")
    monkeypatch.setattr(artifacts.time, "sleep", lambda seconds: None)
    with pytest.raises(ProjectError, match=r"models/model.joblib is damaged"):
        artifacts.load_trained(cfg)
    cfg.layout.model.unlink()
    with pytest.raises(ProjectError, match=r"models/model.joblib is missing"):
        artifacts.load_trained(cfg)
    assert json.loads(cfg.layout.model_card.read_text())["model"] == "old"
