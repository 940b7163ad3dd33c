"""The catalogue of bad inputs: each either just works or stops with one sentence, losing nothing.

Every case copies a project whose local source is a small Titanic-shaped folder built here and
whose `data` already ran on good data, changes the source (or config.yaml) and runs the command
again, in this process through the CLI's entry point (see trained.py).
A failure must print exactly one ``ERROR:`` line holding the expected words, exit 1, show no
traceback, and leave data/raw, data/processed and config.yaml byte-for-byte as they were.
"""

import hashlib
import importlib.util
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from trained import local_copy, run_cli

TRAIN = pd.DataFrame(
    {
        "PassengerId": range(1, 41),
        "Pclass": [1, 2, 3, 3] * 10,
        "Sex": ["male", "female"] * 20,
        "Age": [22.0, None, 26.0, 35.0, 54.0] * 8,
        "Survived": [0, 1, 1, 0, 1, 0, 0, 1] * 5,
    }
)
TEST = TRAIN.drop(columns=["Survived"]).assign(PassengerId=range(41, 81))
SAMPLE = pd.DataFrame({"PassengerId": range(41, 81), "Survived": 0})


def write_competition(
    folder: Path, train: pd.DataFrame = TRAIN, test: pd.DataFrame = TEST, **csv_options
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    csv_options.setdefault("index", False)
    train.to_csv(folder / "train.csv", **csv_options)
    test.to_csv(folder / "test.csv", **csv_options)
    SAMPLE.to_csv(folder / "sample_submission.csv", index=False)
    return folder


def _train_only_age(project: Path) -> None:
    schema = json.loads((project / "data" / "processed" / "schema.json").read_text())
    [age] = [c for c in schema["columns"] if c["name"] == "Age"]
    assert schema["target"] == "Survived" and age["in_test"] is False


@dataclass
class Case:
    name: str
    make_source: Callable[[Path], Path]
    error: str | None = None  # the words of the one ERROR line; None: it must just work
    warning: str | None = None
    config_edit: tuple[str, ...] | None = None  # (old, new, old, new, ...) replacements
    expect: Callable[[Path], None] | None = None


def _text_file(folder: Path, name: str, content: bytes) -> Path:
    write_competition(folder)
    (folder / name).write_bytes(content)
    return folder


def _zip_of(folder: Path) -> Path:
    source = write_competition(folder / "unzipped")
    archive = folder / "competition.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in source.iterdir():
            zf.write(path, path.name)
    return archive


def _unsafe_zip(folder: Path) -> Path:
    archive = folder / "evil.zip"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("train.csv", TRAIN.to_csv(index=False))
        zf.writestr("../../escaped.csv", "a,b\n1,2\n")
    return archive


def _duplicated_age(folder: Path) -> Path:
    write_competition(folder)
    for name, frame in (("train.csv", TRAIN), ("test.csv", TEST)):
        text = frame.assign(Age2=frame["Age"]).to_csv(index=False).replace("Age2", "Age")
        (folder / name).write_text(text)
    return folder


def _only_notes(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "notes.txt").write_text("nothing tabular here")
    return folder


def _processed(project: Path) -> pd.DataFrame:
    return pd.read_parquet(project / "data/processed/train.parquet")


def _odd_names_kept(project: Path) -> None:
    assert "Age (years)" in _processed(project).columns


def _stripped(project: Path) -> None:
    assert set(_processed(project)["Sex"]) == {"male", "female"}


def _renamed(project: Path) -> None:
    assert "Age_2" in _processed(project).columns


def _rows_dropped(project: Path) -> None:
    train = _processed(project)
    assert len(train) == len(TRAIN) - 4
    assert pd.api.types.is_integer_dtype(train["Survived"])  # labels stay 0/1, not 0.0/1.0


def _index_is_an_id(project: Path) -> None:
    schema = json.loads((project / "data/processed/schema.json").read_text())
    assert {c["name"]: c["role"] for c in schema["columns"]}["unnamed"] == "id"


def _single_csv(folder: Path) -> Path:
    write_competition(folder)
    return folder / "train.csv"


def _has_rows(project: Path) -> None:
    assert len(_processed(project)) == len(TRAIN)


def _with_target_gaps() -> pd.DataFrame:
    train = TRAIN.copy().astype({"Survived": "float"})
    train.loc[:3, "Survived"] = None
    return train


CASES = [
    # --- must just work -------------------------------------------------------------------
    Case(
        "latin-1 CSV",
        lambda d: write_competition(
            d, TRAIN.assign(Sex=["mâle", "fémale"] * 20), encoding="latin-1"
        ),
        expect=_has_rows,
    ),
    Case("UTF-8 with BOM", lambda d: write_competition(d, encoding="utf-8-sig"), expect=_has_rows),
    Case("semicolon-separated", lambda d: write_competition(d, sep=";"), expect=_has_rows),
    Case("tab-separated", lambda d: write_competition(d, sep="\t"), expect=_has_rows),
    Case("a zip of the CSVs", _zip_of, expect=_has_rows),
    Case("a single CSV file", _single_csv, expect=_has_rows),
    Case(
        "column names with spaces and punctuation",
        lambda d: write_competition(
            d,
            TRAIN.rename(columns={"Age": "Age (years)"}),
            TEST.rename(columns={"Age": "Age (years)"}),
        ),
        expect=_odd_names_kept,
    ),
    Case(
        "stray spaces around values",
        lambda d: write_competition(d, TRAIN.assign(Sex=[" male", "female "] * 20)),
        expect=_stripped,
    ),
    Case(
        "duplicated column names",
        lambda d: _duplicated_age(d),
        warning="'Age' appears more than once",
        expect=_renamed,
    ),
    Case(
        "target with some missing values",
        lambda d: write_competition(d, _with_target_gaps()),
        warning="4 training rows have no value for the target",
        expect=_rows_dropped,
    ),
    Case(
        "a train column the test file lacks",
        lambda d: write_competition(d, test=TEST.drop(columns=["Age"])),
        warning="1 training column(s) are not in test.csv ('Age')",
        expect=_train_only_age,
    ),
    Case(
        "a saved DataFrame index as the first column",
        lambda d: write_competition(d, index=True),
        expect=_index_is_an_id,
    ),
    # --- must stop with a sentence ----------------------------------------------------------
    Case("empty train file", lambda d: _text_file(d, "train.csv", b""), error="train.csv is empty"),
    Case(
        "header only",
        lambda d: _text_file(d, "train.csv", b"PassengerId,Survived\n"),
        error="train.csv has a header but no rows",
    ),
    Case(
        "binary file named .csv",
        lambda d: _text_file(d, "train.csv", b"\x89PNG\x00\x00\x01"),
        error="train.csv is not a text table",
    ),
    Case(
        "no such target column",
        write_competition,
        config_edit=('target: ""', "target: Fate"),
        error="the target column 'Fate' (data.target in config.yaml) is not in train.csv; its "
        "columns are: PassengerId, Pclass, Sex, Age, Survived",
    ),
    Case(
        "a task in config.yaml that the target cannot have",
        _single_csv,
        config_edit=('target: ""', "target: Sex", 'task: "auto"', "task: regression"),
        error="data.task is regression but the target 'Sex' is not numeric",
    ),
    Case(
        "single-class target",
        lambda d: write_competition(d, TRAIN.assign(Survived=1)),
        error="has a single value",
    ),
    Case("local path that does not exist", lambda d: d / "nowhere", error="nowhere"),
    Case("folder without a table", lambda d: _only_notes(d), error="holds no table"),
    Case(
        "unknown id column",
        write_competition,
        config_edit=('id: ""', "id: Ticket"),
        error="the id column 'Ticket' (data.id in config.yaml) is in neither train nor test",
    ),
    Case("archive escaping its folder", _unsafe_zip, error="escaped.csv"),
    Case(
        "config.yaml that does not parse",
        write_competition,
        config_edit=("cv:\n  folds: 5", "cv:\n  folds: [5"),
        error="config.yaml does not parse at line",
    ),
    Case(
        "unknown key in config.yaml",
        write_competition,
        config_edit=("folds: 5", "fold: 5"),
        error="unknown key cv.fold: allowed keys in 'cv' are folds, seed",
    ),
    Case(
        "unknown metric",
        write_competition,
        config_edit=('metric: "auto"', "metric: auroc"),
        error="data.metric is 'auroc', which is not allowed; use one of auto, accuracy",
    ),
    Case(
        "metric that does not fit the task",
        write_competition,
        config_edit=('metric: "auto"', "metric: rmse"),
        error="metric 'rmse' does not apply to a binary task",
    ),
]


def _fingerprint(project: Path) -> dict[str, str]:
    paths = [project / "config.yaml", *sorted((project / "data").rglob("*"))]
    return {
        str(p.relative_to(project)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in paths
        if p.is_file()
    }


@pytest.fixture(scope="module")
def good_project(tmp_path_factory):
    """A project whose `data` stage already ran on good data; each case works on a copy."""
    root = tmp_path_factory.mktemp("faults")
    source = write_competition(root / "good")
    project = local_copy(root, source)
    result = run_cli(project, "data")
    assert result.returncode == 0, result.stderr
    return project


def run_case(case: Case, good: Path, tmp_path: Path) -> None:
    """Run `data` on a copy of the good project with the case's source; check the contract."""
    project = tmp_path / "project"
    shutil.copytree(good, project, symlinks=True)
    source = case.make_source(tmp_path / "source")
    config = project / "config.yaml"
    text = config.read_text().replace('ref: "', f'ref: "{source}" #', 1)
    edits = case.config_edit or ()
    for old, new in zip(edits[::2], edits[1::2], strict=True):
        assert old in text, old
        text = text.replace(old, new, 1)
    config.write_text(text)
    before = _fingerprint(project)

    result = run_cli(project, "data")

    assert "Traceback" not in result.stderr, result.stderr
    if case.error is None:
        assert result.returncode == 0, result.stderr
        if case.warning:
            assert "WARNING:" in result.stderr and case.warning in result.stderr, result.stderr
        case.expect(project)
        return
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert result.returncode == 1, result.stdout + result.stderr
    assert len(errors) == 1, result.stderr
    assert case.error in errors[0], errors[0]
    assert _fingerprint(project) == before, "a failed run changed files already on disk"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_catalogue(case, good_project, tmp_path):
    run_case(case, good_project, tmp_path)


def test_the_catalogue_is_large_enough():
    assert len(CASES) >= 24


STAGE_ORDER = [
    ("train", "data/processed/schema.json is missing: run `make data` first"),
    ("profile", "run `make data` first"),
    ("predict", "models/model.joblib is missing: run `make train` first"),
    ("report", "reports/metrics.json is missing: run `make train`"),
]


@pytest.mark.parametrize(("stage", "message"), STAGE_ORDER, ids=[s for s, _ in STAGE_ORDER])
def test_a_stage_run_too_early_names_the_one_to_run_first(stage, message, good_project, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(good_project, project, symlinks=True)
    if stage in ("train", "profile"):
        shutil.rmtree(project / "data" / "processed")
    before = _fingerprint(project)
    result = run_cli(project, stage)
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert result.returncode == 1 and len(errors) == 1, result.stderr
    assert message in errors[0] and "Traceback" not in result.stderr
    assert _fingerprint(project) == before


def test_readme_without_result_markers_is_refused_and_kept(good_project, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(good_project, project, symlinks=True)
    reports = project / "reports"
    reports.mkdir(exist_ok=True)  # make data already wrote data_quality.json there
    (reports / "metrics.json").write_text("{}")
    readme = project / "README.md"
    readme.write_text("# My own write-up\n\nNo markers here.\n")
    result = run_cli(project, "report")
    assert result.returncode == 1 and "results:start" in result.stderr
    assert readme.read_text() == "# My own write-up\n\nNo markers here.\n"


@pytest.mark.skipif(
    importlib.util.find_spec("catboost") is not None, reason="needs a model that is not installed"
)
def test_a_suite_with_nothing_installed_is_refused(good_project, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(good_project, project, symlinks=True)
    config = project / "config.yaml"
    text = config.read_text()
    start = text.index("  models: [")
    config.write_text(text[:start] + "  models: [catboost]" + text[text.index("\n", start) :])
    result = run_cli(project, "train")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "ERROR: none of train.models (catboost) can run here" in result.stderr
    assert not (project / "models").exists()
