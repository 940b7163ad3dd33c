"""The whole journey in one project, with no connection but loopback: `make all` from a fresh
render to a filled README under the network trap (tests/test_offline.py proves the trap works),
then a second `make all` that finds nothing to redo."""

import json
import re

from conftest import make, render, stages_ran
from kaggle_fixtures import build_competition
from test_offline import attempts, offline_env


def test_make_all_offline_fills_the_readme_and_a_second_run_does_nothing(tmp_path):
    source = build_competition("regression", tmp_path / "source")
    project = render(
        tmp_path, data_source="local", dataset=str(source), project_name="Journey", metric="rmsle"
    )
    env, log = offline_env(tmp_path)

    first = make(project, "all", **env)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert attempts(log) == []  # the profiler's analytics included: nothing left loopback

    readme = (project / "README.md").read_text()
    block = readme.split("<!-- results:start -->")[1].split("<!-- results:end -->")[0]
    metrics = json.loads((project / "reports/metrics.json").read_text())
    assert f"{metrics['best_score']:.4f}" in block
    assert "RMSLE" in block
    figures = re.findall(r"\]\((reports/figures/[^)]+\.png)\)", block)
    assert len(figures) >= 3 and all((project / f).is_file() for f in figures)
    assert (project / "submissions/submission.csv").is_file()
    assert (project / "reports/profile.html").is_file() and (project / "reports/eda.html").is_file()
    assert (project / "notebooks/01-eda.ipynb").is_file()
    assert "{{" not in readme and "_Results appear here" not in readme

    assert stages_ran(make(project, "all")) == set()  # nothing to redo
