"""The client's warning about a key file other users can read is surfaced, without the key."""

import json
import sys
import types
import warnings

import pytest

from kaggle_starter.ingest import kaggle_api

SECRET = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def home(tmp_path, monkeypatch):
    for name in ("KAGGLE_API_TOKEN", "KAGGLE_USERNAME", "KAGGLE_KEY", "KAGGLE_CONFIG_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    key = tmp_path / ".kaggle" / "kaggle.json"
    key.parent.mkdir()
    key.write_text(json.dumps({"username": "someone", "key": SECRET}))
    # A stand-in client that prints what the real one prints to the stdout connect() silences.
    module = types.ModuleType("kaggle.api.kaggle_api_extended")

    class KaggleApi:
        def authenticate(self):
            print(f"Warning: Your Kaggle API key is readable by other users: chmod 600 {key}")

    module.KaggleApi = KaggleApi
    monkeypatch.setitem(sys.modules, "kaggle", types.ModuleType("kaggle"))
    monkeypatch.setitem(sys.modules, "kaggle.api", types.ModuleType("kaggle.api"))
    monkeypatch.setitem(sys.modules, "kaggle.api.kaggle_api_extended", module)
    return key


def _connect_warnings(capsys):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kaggle_api.connect()
    out = capsys.readouterr()
    return [str(w.message) for w in caught], out.out + out.err


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_key_others_can_read_gives_one_warning(home, capsys, mode):
    home.chmod(mode)
    said, printed = _connect_warnings(capsys)
    assert len(said) == 1 and "readable by other users" in said[0]
    assert f"chmod 600 {home}" in said[0]
    assert SECRET not in said[0] and SECRET not in printed


def test_a_private_key_says_nothing(home, capsys):
    home.chmod(0o600)
    said, printed = _connect_warnings(capsys)
    assert said == [] and printed == ""
