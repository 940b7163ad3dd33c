"""The iteration loop: the user's own features, a kept history of runs, exact reruns, and
nothing the user wrote ever overwritten or deleted.

One project on the binary fixture runs `make all` once; each test works on a copy of it
(copytree keeps the files' times, so make sees the copy exactly as up to date as the original).
"""

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from conftest import PYTHON, TEMPLATE, cli, make, run

ENGINE_VERSION = re.search(
    r'__version__ = "(.+)"', (TEMPLATE / "src/kaggle_starter/_version.py").read_text()
)[1]
STAGE_LINE = re.compile(r"-m \w+ (\w+)")


@pytest.fixture(scope="module")
def finished(fixture_project):
    return fixture_project("binary", "all")


@pytest.fixture
def project(finished, tmp_path) -> Path:
    return shutil.copytree(finished, tmp_path / "project", symlinks=True)


def _package(project: Path) -> str:
    return next(p.name for p in (project / "src").iterdir() if (p / "__init__.py").is_file())


def _ran(result) -> set[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return set(STAGE_LINE.findall(result.stdout))


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


def test_an_engine_change_to_interpretation_redoes_interpret_and_report_only(project, tmp_path):
    """The engine taken from a copy of this checkout (as an editable install of a copy would
    be): a new function in an interpretation module redoes interpret and report, not data,
    profile, eda or train. Judged by a real run: `make -n` would list every stage."""
    engine = tmp_path / "engine"
    shutil.copytree(TEMPLATE / "src", engine, ignore=shutil.ignore_patterns("__pycache__"))
    assert _ran(make(project, "all", PYTHONPATH=str(engine))) == set()
    module = engine / "kaggle_starter" / "interpret" / "sentences.py"
    module.write_text(module.read_text() + "\n\ndef _added_in_a_new_release():\n    return None\n")
    assert _ran(make(project, "all", PYTHONPATH=str(engine))) == {"interpret", "report"}
    assert _ran(make(project, "all", PYTHONPATH=str(engine))) == set()


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


# Real runs of two edits; which settings slice each stage depends on is unit-tested for every
# section in tests/engine/test_makestate.py.
CONFIG_EDITS = [
    ("interpret", "sample_rows", 500, {"interpret", "report"}),
    ("train", "log_target", False, {"train", "interpret", "predict", "report"}),
]


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    CONFIG_EDITS,
    ids=[f"{s}.{k}" for s, k, *_ in CONFIG_EDITS],
)
def test_a_config_edit_reruns_exactly_the_stages_that_read_it(
    project, section, key, value, expected
):
    path = project / "config.yaml"
    text = path.read_text()
    old = yaml.safe_load(text)[section][key]
    edited = text
    for written in (json.dumps(old), str(old)):  # quoted by the template, or plain
        line = f"\n  {key}: {written}"
        if line in text:
            edited = text.replace(line, f"\n  {key}: {json.dumps(value)}", 1)
            break
    assert edited != text and yaml.safe_load(edited)[section][key] == value
    path.write_text(edited)
    assert _ran(make(project, "all")) == expected


def test_make_data_with_nothing_changed_leaves_the_processed_data_alone(project):
    schema = project / "data/processed/schema.json"
    before = schema.stat().st_mtime_ns
    assert _ran(make(project, "data", FORCE="1")) == {"data"}
    assert schema.stat().st_mtime_ns == before
    assert _ran(make(project, "all")) == set()


def test_an_edited_notebook_survives_a_config_change_and_make_all(project):
    notebook_path = project / "notebooks/01-eda.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("my_own_analysis = 42"))
    nbformat.write(notebook, notebook_path)
    mine = notebook_path.read_bytes()
    text = (project / "config.yaml").read_text().replace("seed: 42", "seed: 7", 1)
    (project / "config.yaml").write_text(text)
    result = make(project, "all")
    assert "eda" in _ran(result)
    assert notebook_path.read_bytes() == mine
    assert (project / "notebooks/01-eda.generated.ipynb").is_file()
    assert "has your edits, so it was kept" in result.stdout


def test_make_clean_removes_only_what_the_stages_generated(project):
    notebook_path = project / "notebooks/01-eda.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("My notes."))
    nbformat.write(notebook, notebook_path)
    (project / "notebooks/my-own.ipynb").write_text(notebook_path.read_text())
    (project / "submissions/submitted.json").write_text("[]\n")
    result = make(project, "clean")
    assert result.returncode == 0, result.stderr
    for kept in (
        "notebooks/01-eda.ipynb",
        "notebooks/my-own.ipynb",
        "submissions/submitted.json",
        "runs/index.csv",
        "data/raw/manifest.json",
        "models/model.joblib",
        f"src/{_package(project)}/features.py",
    ):
        assert (project / kept).is_file(), kept
    for gone in ("data/processed", "reports/metrics.json", "submissions/submission.csv", ".make"):
        assert not (project / gone).exists(), gone
    assert not list((project / "reports/figures").glob("*.png"))


def test_a_file_the_user_put_in_data_raw_stops_a_fresh_fetch(project):
    (project / "data/raw/my_notes.csv").write_text("a,b\n1,2\n")
    before = sorted(p.name for p in (project / "data/raw").iterdir())
    result = cli(project, "data", "--force")
    assert result.returncode == 1
    assert "data/raw holds 1 file this project did not fetch ('my_notes.csv')" in result.stderr
    assert sorted(p.name for p in (project / "data/raw").iterdir()) == before


def test_config_yaml_is_byte_identical_after_make_data(project):
    path = project / "config.yaml"
    path.write_text(path.read_text() + "\n# my own note about this dataset\n")
    before = path.read_bytes()
    assert cli(project, "data", "--force").returncode == 0
    assert path.read_bytes() == before
