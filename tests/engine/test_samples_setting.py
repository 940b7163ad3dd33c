"""profile.samples: auto means no raw rows for a competition's data, rows for anything else."""

import shutil

import pytest
from example import EXAMPLE

from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError

PROJECT = EXAMPLE


def _config(tmp_path, source: str, samples: str):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    path = tmp_path / "config.yaml"
    text = path.read_text()
    start = text.index("  source: ")
    text = text[:start] + f"  source: {source}" + text[text.index("  #", start) :]
    path.write_text(text.replace("  samples: auto", f"  samples: {samples}", 1))
    return load_config(tmp_path)


@pytest.mark.parametrize(
    ("source", "samples", "shown"),
    [
        ("competition", "auto", False),
        ("dataset", "auto", True),
        ("local", "auto", True),
        ("competition", "true", True),
        ("local", "false", False),
        ("dataset", "False", False),
    ],
)
def test_auto_hides_rows_only_for_competitions(tmp_path, source, samples, shown):
    assert _config(tmp_path, source, samples).profile_samples is shown


def test_a_wrong_value_is_named(tmp_path):
    with pytest.raises(ProjectError, match="profile.samples is 'some'.*auto, true, false"):
        _config(tmp_path, "local", "some")
