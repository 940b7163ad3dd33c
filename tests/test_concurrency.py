"""Two `make data` (and two `make train`) at once: the second says one sentence.

Real processes: one holds the stage's lock, a real `make` started meanwhile must exit with one
``ERROR:`` line naming the holder's pid, and the next run must finish with whole, verified
outputs (nothing truncated or deleted).
"""

import hashlib
import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import PYTHON, make, project_env, render, run

ROWS = 200_000


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("concurrency")
    source = root / "source"
    source.mkdir()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(ROWS, 4))
    train = pd.DataFrame(x, columns=["a", "b", "c", "d"]).assign(
        id=range(ROWS), kind=rng.choice(["p", "q", "r"], ROWS), y=(x[:, 0] > 0).astype(int)
    )
    train.to_csv(source / "train.csv", index=False)
    project = render(root, data_source="local", dataset=str(source), project_name="Concurrency")
    config = project / "config.yaml"
    text = config.read_text()
    start = text.index("  models: [")
    config.write_text(text[:start] + "  models: [dummy, linear]" + text[text.index("\n", start) :])
    return project


HOLD = """
import sys, time
from pathlib import Path
from kaggle_starter.cli import stage_lock
with stage_lock(Path("."), {stage!r}):
    print("held", flush=True)
    time.sleep(600)
"""


def _race(project: Path, stage: str):
    """A real process holds the stage's lock (as a running `make <stage>` does, through the
    same function); a real `make <stage>` started meanwhile must say so in one sentence. Holding
    the lock from a helper, rather than from a first `make`, keeps the race certain on a fast
    machine; the real run afterwards must leave whole outputs."""
    holder = subprocess.Popen(
        [PYTHON, "-c", HOLD.format(stage=stage)],
        cwd=project,
        env={**project_env(), "PYTHONPATH": str(project / "src")},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        second = make(project, stage, FORCE="1")
    finally:
        holder.kill()
        holder.wait()
    errors = [line for line in second.stderr.splitlines() if line.startswith("ERROR:")]
    assert second.returncode != 0 and len(errors) == 1, second.stderr
    assert f"another `make {stage}` is running in this project (pid {holder.pid})" in errors[0]
    assert "Traceback" not in second.stderr
    first = make(project, stage, FORCE="1")
    assert first.returncode == 0, first.stderr


def test_two_make_data_at_once(project):
    _race(project, "data")
    raw = project / "data/raw"
    manifest = json.loads((raw / "manifest.json").read_text())
    for entry in manifest["files"]:  # every file whole: the sha256 the manifest recorded
        digest = hashlib.sha256((raw / entry["path"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], entry["path"]
    assert len(pd.read_parquet(project / "data/processed/train.parquet")) == ROWS
    assert not list((project / "data").glob(".raw-incoming-*"))


def test_two_make_train_at_once(project):
    assert make(project, "data").returncode == 0
    _race(project, "train")
    check = "import joblib; assert hasattr(joblib.load('models/model.joblib'), 'predict')"
    loaded = run([PYTHON, "-c", check], project, PYTHONPATH=str(project / "src"))
    assert loaded.returncode == 0, loaded.stderr  # whole, not truncated by the second run
