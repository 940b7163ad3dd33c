"""The iteration loop: the user's own features reach the model, the history and the service.

One project on the binary fixture runs `make all` once; each test works on a copy of it
(copytree keeps the files' times, so make sees the copy exactly as up to date as the original).
Exact reruns and what make clean keeps are in test_reruns.py.
"""

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import PYTHON, TEMPLATE, cli, make, run, stages_ran

ENGINE_VERSION = re.search(
    r'__version__ = "(.+)"', (TEMPLATE / "src/kaggle_starter/_version.py").read_text()
)[1]


@pytest.fixture
def project(finished_copy) -> Path:
    """The finished project with a two-model suite: these tests retrain five times, and what
    they check (the owner's code reaching the model, the history, the service) does not depend
    on which models the suite holds."""
    config = finished_copy / "config.yaml"
    text = config.read_text()
    start = text.index("  models: [")
    config.write_text(text[:start] + "  models: [dummy, linear]" + text[text.index("\n", start) :])
    return finished_copy


def _package(project: Path) -> str:
    return next(p.name for p in (project / "src").iterdir() if (p / "__init__.py").is_file())


_ran = stages_ran


def _numeric(project: Path) -> list[str]:
    schema = json.loads((project / "data/processed/schema.json").read_text())
    return [c["name"] for c in schema["columns"] if c["role"] == "numeric"]


def _add_feature(project: Path, body: str) -> None:
    path = project / "src" / _package(project) / "features.py"
    text = path.read_text()
    marker = 'def add_features(frame: pd.DataFrame) -> pd.DataFrame:\n    """'
    head, tail = text.split(marker, 1)
    docstring, rest = tail.split('"""\n', 1)
    path.write_text(f'{head}{marker}{docstring}"""\n{body}\n{rest}')


def _learn(project: Path, body: str) -> None:
    path = project / "src" / _package(project) / "features.py"
    head, tail = path.read_text().rsplit("    return []\n", 1)
    path.write_text(f"{head}{body}\n{tail}")


MODEL_FEATURES = r"""
import joblib
model = joblib.load("models/model.joblib")
core = model.steps[-1][1]
core = getattr(core, "regressor", core)
print(*core.named_steps["features"].named_steps["columns"].get_feature_names_out(), sep="\n")
"""


def test_a_learned_step_reaches_the_saved_model_and_the_run_history(project):
    schema = json.loads((project / "data/processed/schema.json").read_text())
    by = next(c["name"] for c in schema["columns"] if c["role"] == "categorical")
    _learn(project, f"    return [GroupStatistic(by={by!r})]")
    trained = cli(project, "train", NOTE="learned")
    assert trained.returncode == 0, trained.stderr
    assert f"features.py: learns in each fold {by}_mean_target." in trained.stdout
    [last] = sorted((project / "runs").glob("0*"))[-1:]
    assert json.loads((last / "run.json").read_text())["learned"] == [f"{by}_mean_target"]
    seen = run([PYTHON, "-c", MODEL_FEATURES], project, PYTHONPATH=str(project / "src"))
    assert seen.returncode == 0, seen.stderr
    assert f"learned__{by}_mean_target" in seen.stdout.splitlines()


def test_serve_refuses_a_model_trained_with_other_features(project):
    """The card records the engine and the code; an edited features.py is not served."""
    card = json.loads((project / "models/model_card.json").read_text())
    assert card["engine"] == ENGINE_VERSION
    assert len(card["code_sha256"]["features.py"]) == 64
    _add_feature(project, "    frame['constant_feature'] = 1")
    result = run([PYTHON, "-m", "kaggle_starter", "serve"], project, PORT="1")
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert result.returncode == 1 and len(errors) == 1, result.stderr
    assert f"src/{_package(project)}/features.py changed since" in errors[0]
    assert "make train" in errors[0] and "Traceback" not in result.stderr


def test_a_user_adds_a_feature_and_the_history_shows_what_it_changed(project):
    first, second = _numeric(project)[:2]
    _add_feature(project, f"    frame['ratio_feature'] = frame[{first!r}] / frame[{second!r}]")
    ran = _ran(make(project, "all", NOTE="ratio of two columns"))
    assert ran == {"train", "interpret", "predict", "report"}

    history = pd.read_csv(project / "runs" / "index.csv", keep_default_na=False)
    assert len(history) == 2 and history["note"].iloc[-1] == "ratio of two columns"
    shown = make(project, "runs").stdout
    assert "ratio of two columns" in shown and re.search(r"[+−±]\d\.\d{4}", shown)
    folder = project / "runs" / history["run"].iloc[-1]
    assert "ratio_feature" in (folder / "features.py").read_text()
    assert json.loads((folder / "run.json").read_text())["engineered"] == ["ratio_feature"]

    readme = (project / "README.md").read_text()
    experiments = readme.split("### Experiments", 1)[1].split("###", 1)[0]
    assert all(run in experiments for run in history["run"])
    assert (project / "reports/figures/runs.png").stat().st_size > 10_000

    interpretation = json.loads((project / "reports/interpretation.json").read_text())
    assert "ratio_feature" in {row["feature"] for row in interpretation["permutation"]}
    test_rows = len(pd.read_parquet(project / "data/processed/test.parquet"))
    assert len(pd.read_csv(project / "submissions/submission.csv")) == test_rows
    assert _ran(make(project, "all")) == set()


def test_using_the_target_in_add_features_is_one_sentence_naming_the_line(project):
    target = json.loads((project / "data/processed/schema.json").read_text())["target"]
    _add_feature(project, f"    frame['leak'] = frame[{target!r}] * 2")
    before = (project / "reports/metrics.json").read_bytes()
    result = cli(project, "train")
    [error] = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"uses the target column {target!r} at features.py line" in error
    assert (project / "reports/metrics.json").read_bytes() == before


def test_a_feature_that_fails_on_the_test_table_is_named_before_any_fit(project):
    rows = len(pd.read_parquet(project / "data/processed/test.parquet"))
    _add_feature(
        project, f"    if len(frame) == {rows}:\n        raise ValueError('no such column')"
    )
    result = cli(project, "train")
    [error] = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert "features.add_features failed on the test rows at features.py line" in error
    assert "ValueError: no such column" in error


def test_a_note_on_makes_command_line_is_data_not_code(project):
    """`make train NOTE='$(shell ...)'` runs nothing and keeps `$5`; the run records the note
    as written."""
    note = '=HYPERLINK("x") $(shell touch pwned) $5'
    command = ["make", "--no-print-directory", "train", f"NOTE={note}", "FORCE=1"]
    result = run([*command, f"PYTHON={PYTHON}"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (project / "pwned").exists()
    [last] = sorted((project / "runs").glob("0*"))[-1:]
    assert json.loads((last / "run.json").read_text())["note"] == note
    cells = pd.read_csv(project / "runs/index.csv", dtype=str, keep_default_na=False)["note"]
    assert cells.iloc[-1] == "'" + note  # a spreadsheet shows it as text, not a formula


def test_a_damaged_history_stops_train_and_the_restored_one_trains_again(project):
    """Train fails before fitting on an unreadable runs/index.csv and leaves make's target as it
    was, so once the index is restored the next `make train` trains (and records) again."""
    index = project / "runs/index.csv"
    kept, before = index.read_bytes(), (project / "reports/metrics.json").read_bytes()
    index.write_text("run,note\n001,x\n")
    (project / "src" / _package(project) / "features.py").touch()
    failed = make(project, "train")
    [error] = [line for line in failed.stderr.splitlines() if line.startswith("ERROR:")]
    assert failed.returncode != 0 and "runs/index.csv lacks the column" in error
    assert (project / "reports/metrics.json").read_bytes() == before
    index.write_bytes(kept)
    assert _ran(make(project, "train")) == {"train"}
    assert len(pd.read_csv(index)) == len(pd.read_csv(io.StringIO(kept.decode()))) + 1
