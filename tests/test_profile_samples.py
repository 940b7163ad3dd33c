"""profile.samples: raw rows in the reports for open data, none for a competition's by default.

One local project runs `data` once; `profile` and `eda` then run with samples on (auto for a
local source) and off (what auto means for a competition), and the reports are compared.
"""

import json
import shutil

import pytest

from conftest import cli, render
from test_faults import TRAIN, write_competition

SECTION = "section-name>Sample<"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("samples")
    source = write_competition(root / "source")
    project = render(root, data_source="local", dataset=str(source), project_name="Samples")
    assert cli(project, "data").returncode == 0
    return project


def _reports(project, tmp_path, setting: str | None):
    copy = tmp_path / "project"
    shutil.copytree(project, copy, symlinks=True)
    if setting is not None:
        config = copy / "config.yaml"
        text = config.read_text()
        assert "  samples: auto" in text
        config.write_text(text.replace("  samples: auto", f"  samples: {setting}", 1))
    for stage in ("profile", "eda"):
        result = cli(copy, stage)
        assert result.returncode == 0, result.stderr
    notebook = json.loads((copy / "notebooks/01-eda.ipynb").read_text())
    code = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    return (copy / "reports/profile.html").read_text(encoding="utf-8"), code


def test_a_local_source_shows_sample_rows_by_default(project, tmp_path):
    profile, code = _reports(project, tmp_path, None)
    assert SECTION in profile and "train.head()" in code


def test_samples_off_shows_no_raw_rows(project, tmp_path):
    profile, code = _reports(project, tmp_path, "false")
    assert SECTION not in profile and "train.head()" not in code
    assert "train.describe()" in code
    assert str(len(TRAIN)) in profile  # the report itself is still there
