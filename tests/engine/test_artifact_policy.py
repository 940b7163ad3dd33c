"""Every stage that reads an artifact fails the same way when it is missing or damaged.

One good project (data and train done, in this process: see trained.py) is copied per case; the
artifact is removed or truncated, the stage runs through the CLI's entry point, and the one ERROR
line must be the same sentence whichever stage reads the file.
"""

import shutil

import pytest
from trained import run_cli

# artifact path -> (the stage that writes it, the stages that read it)
READERS = {
    "data/processed/schema.json": ("data", ("profile", "eda", "train", "interpret", "predict")),
    "reports/metrics.json": ("train", ("interpret", "report")),
    "models/model.joblib": ("train", ("interpret", "predict")),
}
CASES = [(path, stage) for path, (_, readers) in READERS.items() for stage in readers]


def _errors(project, stage: str) -> list[str]:
    """Run ``stage`` in ``project`` as `kaggle-starter <stage>` would; its ERROR lines."""
    result = run_cli(project, stage)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]


@pytest.mark.parametrize(("path", "stage"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_a_missing_artifact_is_the_same_sentence_from_every_reader(
    trained_project, tmp_path, path, stage
):
    project = shutil.copytree(trained_project, tmp_path / "project", symlinks=True)
    (project / path).unlink()
    writer = READERS[path][0]
    expected = [f"ERROR: {path} is missing: run `make {writer}` first."]
    assert _errors(project, stage) == expected


@pytest.mark.parametrize(("path", "stage"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_a_damaged_artifact_is_the_same_sentence_from_every_reader(
    trained_project, tmp_path, path, stage
):
    project = shutil.copytree(trained_project, tmp_path / "project", symlinks=True)
    (project / path).write_bytes((project / path).read_bytes()[:20])
    writer = READERS[path][0]
    expected = [f"ERROR: {path} is damaged: delete it and run `make {writer}`."]
    assert _errors(project, stage) == expected
