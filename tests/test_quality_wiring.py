"""The data-quality audit end to end, on the ``quality`` fixture (planted "?" placeholders, a
garage grade missing exactly where there is no garage, two huge houses sold cheaply):
`make data` writes data_quality.json (the huge houses already named as influential rows), `make
eda` shows it with the clean() to paste, `make interpret` names the badly predicted huge houses,
and the README lists it all."""

import json
import shutil

import nbformat
import pytest

from conftest import make
from kaggle_fixtures import HUGE_CHEAP

PLANTED_IDS = {str(position + 1) for position in HUGE_CHEAP}  # Id is position + 1


@pytest.fixture(scope="module")
def project(fixture_project):
    return fixture_project("quality", "data", "eda", "train", "interpret")


def findings(project) -> dict:
    report = json.loads((project / "reports" / "data_quality.json").read_text())
    return {f["check"]: f for f in report["findings"]}


def test_make_data_writes_the_audit_with_the_planted_problems(project):
    report = json.loads((project / "reports" / "data_quality.json").read_text())
    assert report["target"] == "price" and report["id"] == "Id" and report["task"] == "regression"
    found = findings(project)
    placeholder, means_none = found["placeholder_values"], found["missing_means_none"]
    assert placeholder["columns"] == ["condition"] and placeholder["counts"]["condition"] > 0
    assert "frame['condition'].isin(['?'])" in placeholder["fix"]
    assert means_none["columns"] == ["GarageQual"]
    keys = {"check", "title", "columns", "counts", "message", "fix", "severity", "feature"}
    assert set(placeholder) == keys
    assert "frame['GarageQual']" in report["clean"] and report["clean"].startswith("def clean(")
    # the huge houses sold cheaply are named before training too, by id
    influential = found["influential_rows"]["counts"]
    assert {f"Id {planted}" for planted in PLANTED_IDS} <= set(influential)


def test_the_notebook_has_an_executed_data_quality_section_with_a_figure(project):
    notebook = nbformat.read(project / "notebooks" / "01-eda.ipynb", as_version=4)
    headings = [c.source.split("\n")[0] for c in notebook.cells if c.cell_type == "markdown"]
    assert "## Data quality" in headings
    at = next(i for i, c in enumerate(notebook.cells) if c.source.startswith("## Data quality"))
    text, cell = notebook.cells[at].source, notebook.cells[at + 1]
    assert "condition" in text and "GarageQual" in text
    assert "```python\ndef clean(frame: pd.DataFrame) -> pd.DataFrame:" in text
    assert "features.py" in text
    assert cell.cell_type == "code" and cell.execution_count
    assert not [o for o in cell.outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in cell.outputs)
    assert (project / "reports" / "figures" / "eda-quality.png").stat().st_size > 10_000
    eda = json.loads((project / "reports" / "eda.json").read_text())
    assert "reports/figures/eda-quality.png" in eda["figures"]
    assert any("clean() in src/" in step and "condition" in step for step in eda["next_steps"])
    assert any("condition" in line and "stored as data" in line for line in eda["findings"])


def test_the_audit_reruns_nothing_when_the_data_has_not_changed(project):
    before = (project / "reports" / "data_quality.json").stat().st_mtime_ns
    result = make(project, "data", "FORCE=1")
    assert result.returncode == 0, result.stderr
    assert "Data quality: " in result.stdout
    assert (project / "reports" / "data_quality.json").stat().st_mtime_ns == before
    notebook = (project / "reports" / "eda.html").stat().st_mtime_ns
    again = make(project, "eda")  # `make -n` would list it: it cannot see the unchanged mtime
    assert again.returncode == 0 and "Nothing to be done" in again.stdout, again.stdout
    assert (project / "reports" / "eda.html").stat().st_mtime_ns == notebook


def test_interpret_names_the_huge_cheap_houses(project):
    result = json.loads((project / "reports" / "interpretation.json").read_text())
    (outliers,) = result["residual_outliers"]
    assert outliers["check"] == "residual_outliers"
    assert set(outliers["counts"]) >= PLANTED_IDS
    assert {"living area", "LotArea"} <= set(outliers["columns"])


def test_the_readme_lists_the_findings_and_points_at_the_fixes(project, tmp_path):
    copy = shutil.copytree(project, tmp_path / "project")
    result = make(copy, "report")
    assert result.returncode == 0, result.stderr
    block = (copy / "README.md").read_text().split("<!-- results:start -->")[1]
    section = block.split("### Data quality\n\n")[1].split("\n### ")[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert lines[0].startswith("- Badly predicted rows at extreme values (high): ")
    assert all(f"{planted}," in lines[0] or f"{planted} " in lines[0] for planted in PLANTED_IDS)
    placeholder = "- Placeholder strings hide missing values (high): condition "
    assert any(line.startswith(placeholder) for line in lines)
    assert any("GarageQual" in line for line in lines)
    assert "features.py" in section and "(notebooks/01-eda.ipynb)" in section
