"""Every stage that reads an artifact fails the same way when it is missing or damaged.

One good project (data and train done) is copied per case; the artifact is removed or truncated,
the stage runs through the project's CLI, and the one ERROR line must be the same sentence
whichever stage reads the file, with nothing else on disk changed.
"""

import shutil

import pytest

from conftest import cli

# artifact path -> (the stage that writes it, the stages that read it)
READERS = {
    "data/processed/schema.json": ("data", ("profile", "eda", "train", "interpret", "predict")),
    "reports/metrics.json": ("train", ("interpret", "report")),
    "models/model.joblib": ("train", ("interpret", "predict")),
}
CASES = [(path, stage) for path, (_, readers) in READERS.items() for stage in readers]


@pytest.fixture(scope="module")
def trained(fixture_project):
    return fixture_project("binary", "data", "train")


def _errors(result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]


@pytest.mark.parametrize(("path", "stage"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_a_missing_artifact_is_the_same_sentence_from_every_reader(trained, tmp_path, path, stage):
    project = shutil.copytree(trained, tmp_path / "project", symlinks=True)
    (project / path).unlink()
    writer = READERS[path][0]
    result = cli(project, stage)
    assert result.returncode == 1
    assert _errors(result) == [f"ERROR: {path} is missing: run `make {writer}` first."]


@pytest.mark.parametrize(("path", "stage"), CASES, ids=[f"{p}-{s}" for p, s in CASES])
def test_a_damaged_artifact_is_the_same_sentence_from_every_reader(trained, tmp_path, path, stage):
    project = shutil.copytree(trained, tmp_path / "project", symlinks=True)
    (project / path).write_bytes((project / path).read_bytes()[:20])
    writer = READERS[path][0]
    result = cli(project, stage)
    assert result.returncode == 1
    assert _errors(result) == [f"ERROR: {path} is damaged: delete it and run `make {writer}`."]
