"""interpret writes real figures and words; report fills the README block, idempotently."""

import json
import re
import shutil

import pytest

from conftest import make

KINDS = ("binary", "multiclass", "regression")


@pytest.mark.parametrize("kind", KINDS)
def test_interpret_writes_figures_and_sentences_naming_real_columns(fixture_project, kind):
    project = fixture_project(kind, "data", "train", "interpret")
    result = json.loads((project / "reports" / "interpretation.json").read_text())
    figures = [project / path for path in result["figures"]]
    assert len(figures) >= 3
    for path in figures:
        assert path.is_file() and path.stat().st_size > 10_000, path
    schema = json.loads((project / "data" / "processed" / "schema.json").read_text())
    features = {c["name"] for c in schema["columns"] if c["role"] not in ("id", "target")}
    assert {row["feature"] for row in result["permutation"]} <= features
    assert {row["feature"] for row in result["shap"]} <= features
    named = set(re.findall(r"`([^`]+)`", " ".join(result["sentences"])))
    assert named & features, result["sentences"]
    assert len(result["sentences"]) >= 3


@pytest.mark.parametrize("kind", KINDS)
def test_report_fills_the_block_idempotently_and_keeps_the_prose(fixture_project, tmp_path, kind):
    project = shutil.copytree(
        fixture_project(kind, "data", "train", "interpret"), tmp_path / "project"
    )
    readme = project / "README.md"
    head, tail = "My own words before the results.\n", "\n## Afterword\nAnd after them.\n"
    readme.write_text(head + readme.read_text() + tail)
    assert make(project, "report").returncode == 0
    once = readme.read_text()
    result = make(project, "report")
    assert result.returncode == 0, result.stderr
    assert readme.read_text() == once
    assert once.startswith(head) and once.endswith(tail)
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    block = once.split("<!-- results:start -->")[1].split("<!-- results:end -->")[0]
    assert f"{metrics['best_score']:.4f}" in block
    assert "{{" not in once and "{%" not in once and "Results appear here" not in once
    for link in re.findall(r"\]\((reports/[^)]+)\)", block):
        assert (project / link).is_file(), link
    assert block.count("reports/figures/") >= 3


def test_report_without_markers_says_how_to_restore_them(fixture_project, tmp_path):
    project = shutil.copytree(fixture_project("binary", "data", "train"), tmp_path / "project")
    (project / "README.md").write_text("# Mine\n\nNo block here.\n")
    result = make(project, "report")
    assert result.returncode != 0
    assert "ERROR: README.md needs exactly one results block" in result.stderr
    assert (project / "README.md").read_text() == "# Mine\n\nNo block here.\n"
