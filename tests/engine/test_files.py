"""How committed records name a path: never a user's folder."""

from pathlib import Path

from kaggle_starter.files import shown_path


def test_a_path_is_shown_relative_to_the_project_or_the_home_folder(tmp_path, monkeypatch):
    home, project = tmp_path / "home", tmp_path / "home" / "work" / "project"
    project.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    assert shown_path(project / "batches" / "a.csv", project) == "batches/a.csv"
    assert shown_path(home / "downloads" / "b.csv", project) == "~/downloads/b.csv"
    assert shown_path(Path("~/c.csv"), project) == "~/c.csv"
    assert shown_path(tmp_path / "d.csv", project) == (tmp_path / "d.csv").resolve().as_posix()
