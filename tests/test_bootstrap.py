"""Generation with bootstrap on: environment, data, profile and notebook, or a clear next step.

The hook uses the interpreter named by the PYTHON environment variable instead of creating .venv,
so these tests run the real bootstrap with the test environment's Python.
"""

from conftest import PYTHON, render
from kaggle_fixtures import build_competition


def bootstrap_env(monkeypatch):
    monkeypatch.setenv("PYTHON", PYTHON)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("DEBUG", raising=False)


def test_bootstrap_ends_with_the_profile_and_the_notebook(tmp_path, monkeypatch, capfd):
    bootstrap_env(monkeypatch)
    data = build_competition("multiclass", tmp_path / "source")
    project = render(
        tmp_path / "out",
        bootstrap=True,
        data_source="local",
        dataset=str(data),
        project_name="Bootstrapped Penguins",
    )
    out = capfd.readouterr().out
    assert (project / "reports" / "profile.html").is_file(), out
    assert (project / "notebooks" / "01-eda.ipynb").is_file(), out
    assert (project / "reports" / "eda.html").is_file(), out
    assert "did not finish" not in out


def test_a_bad_local_path_still_generates_with_a_next_step(tmp_path, monkeypatch, capfd):
    bootstrap_env(monkeypatch)
    project = render(
        tmp_path,
        bootstrap=True,
        data_source="local",
        dataset=str(tmp_path / "no-such-folder"),
        project_name="Missing Data",
    )
    out = capfd.readouterr().out
    assert (project / "config.yaml").is_file()
    assert not (project / "reports" / "profile.html").exists()
    assert "`make data` did not finish" in out
    assert "make data profile eda" in out
