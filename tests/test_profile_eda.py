"""The profile and EDA stages end to end on the fixture competitions: a classification and a
regression (a multiclass target takes the classification path the binary one does, and
tests/engine/eda covers what differs by task: a third run of both stages would test nothing more).

Each kind's project runs `make data profile eda` once (session-cached); the tests read the outputs.
"""

import json
import re
import shutil

import nbformat
import pandas as pd
import pytest

from conftest import cli

KINDS = ("binary", "regression")
TARGETS = {"binary": "diagnosis", "regression": "progression"}
NETWORK = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


@pytest.fixture(scope="module", params=KINDS)
def project(request, fixture_project):
    return request.param, fixture_project(request.param, "data", "profile", "eda")


def offline(html: str) -> bool:
    """No script, stylesheet or image fetched from elsewhere (plain links are fine)."""
    return not NETWORK.search(html) and "@import url(http" not in html


def test_profile_reports_exist_and_open_offline(project):
    kind, root = project
    for name in ("profile.html", "profile-train-vs-test.html"):
        html = (root / "reports" / name).read_text(encoding="utf-8")
        assert offline(html), name
        assert "Profile mode: full" in html, name
    assert f"{kind.title()} Fixture: training data profile" in (
        root / "reports" / "profile.html"
    ).read_text(encoding="utf-8")


def test_comparison_profiles_both_sides(project):
    _, root = project
    rows = json.loads((root / "data/processed/schema.json").read_text())["rows"]
    html = (root / "reports/profile-train-vs-test.html").read_text(encoding="utf-8")
    observed = re.search(r"Number of observations<td[^>]*>([\d,]+)<td[^>]*>([\d,]+)", html)
    assert observed, "the comparison has no test side"
    assert [int(n.replace(",", "")) for n in observed.groups()] == [rows["train"], rows["test"]]


def test_a_column_empty_in_test_is_left_out_of_the_comparison_and_named(fixture_project, tmp_path):
    """The profiler refuses to compare a column of different kinds (numbers / all missing)."""
    root = fixture_project("binary", "data", "profile", "eda")
    copy = shutil.copytree(root, tmp_path / "project", symlinks=True)
    path = copy / "data/processed/test.parquet"
    pd.read_parquet(path).assign(**{"Mean area": float("nan")}).to_parquet(path)
    result = cli(copy, "profile")
    assert result.returncode == 0, result.stderr
    assert "(left out, empty or of another kind in one file: Mean area)" in result.stdout
    html = (copy / "reports/profile-train-vs-test.html").read_text(encoding="utf-8")
    assert "Mean radius" in html and offline(html)


def test_notebook_executed_with_figures_and_prose(project):
    kind, root = project
    notebook = nbformat.read(root / "notebooks" / "01-eda.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    markdown = [c for c in notebook.cells if c.cell_type == "markdown"]
    outputs = [o for c in code for o in c.outputs]
    assert len(code) >= 8 and len(markdown) >= 5
    assert all(c.execution_count for c in code)
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 4
    assert TARGETS[kind] in notebook.cells[0].source
    assert "from " in code[0].source and ".artifacts import" in code[0].source
    prose = "\n".join(c.source for c in markdown)
    assert re.search(r"\d\.\d", prose), "the markdown states computed numbers"
    if kind != "regression":
        assert re.search(r"\d+\.\d %", prose), "the markdown states class shares"


def test_eda_html_is_offline(project):
    _, root = project
    html = (root / "reports" / "eda.html").read_text(encoding="utf-8")
    assert offline(html)
    assert "data:image/png;base64" in html


def test_eda_json_has_the_contract_keys(project):
    kind, root = project
    summary = json.loads((root / "reports" / "eda.json").read_text(encoding="utf-8"))
    assert set(summary) >= {
        "findings",
        "next_steps",
        "adversarial_auc",
        "missing",
        "top_features",
        "figures",
    }
    assert summary["findings"] and summary["next_steps"]
    assert 0.0 <= summary["adversarial_auc"] <= 1.0
    assert all(0 < share <= 1 for share in summary["missing"].values())
    assert {"feature", "association", "measure"} <= set(summary["top_features"][0])
    assert all((root / path).is_file() for path in summary["figures"])
    assert len(summary["figures"]) >= 4
