"""The whole journey in one project: `make all` from a fresh render to a filled README, and a
second `make all` that finds nothing to redo."""

import json
import re

from conftest import make, render
from kaggle_fixtures import build_competition


def test_make_all_fills_the_readme_and_a_second_run_does_nothing(tmp_path):
    source = build_competition("regression", tmp_path / "source")
    project = render(
        tmp_path, data_source="local", dataset=str(source), project_name="Journey", metric="rmsle"
    )

    first = make(project, "all")
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]

    readme = (project / "README.md").read_text()
    block = readme.split("<!-- results:start -->")[1].split("<!-- results:end -->")[0]
    metrics = json.loads((project / "reports/metrics.json").read_text())
    assert f"{metrics['best_score']:.4f}" in block
    assert "RMSLE" in block
    figures = re.findall(r"\]\((reports/figures/[^)]+\.png)\)", block)
    assert len(figures) >= 3 and all((project / f).is_file() for f in figures)
    assert (project / "submissions/submission.csv").is_file()
    assert (project / "notebooks/01-eda.ipynb").is_file()
    assert "{{" not in readme and "_Results appear here" not in readme

    second = make(project, "all")
    assert second.returncode == 0, second.stderr
    assert " -m journey " not in second.stdout, second.stdout  # no stage ran again
