"""Two `make data` (and two `make train`) started together: the second says one sentence.

Real processes: the first run is started, the test waits until it holds the stage's lock, then
starts the second. The second must exit with one ``ERROR:`` line naming the first's pid, and the
first must finish with whole, verified outputs (nothing truncated or deleted under it).
"""

import hashlib
import json
import subprocess
import time
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


def _start(project: Path, target: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["make", "--no-print-directory", target, "FORCE=1", f"PYTHON={PYTHON}"],
        cwd=project,
        env=project_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_lock(project: Path, stage: str, first: subprocess.Popen) -> str:
    lock = project / ".make" / "locks" / f"{stage}.lock"
    for _ in range(600):
        pid = lock.read_text().strip() if lock.exists() else ""
        if pid and Path(f"/proc/{pid}").exists():
            return pid
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def _race(project: Path, stage: str):
    first = _start(project, stage)
    pid = _wait_for_lock(project, stage, first)
    second = _start(project, stage)
    out2, err2 = second.communicate(timeout=600)
    still_running = first.poll() is None
    out1, err1 = first.communicate(timeout=900)
    assert still_running, "the first run ended before the second was refused: no race tested"
    assert first.returncode == 0, err1
    errors = [line for line in err2.splitlines() if line.startswith("ERROR:")]
    assert second.returncode != 0 and len(errors) == 1, err2
    assert f"another `make {stage}` is running in this project (pid {pid})" in errors[0]
    assert "Traceback" not in err2


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
