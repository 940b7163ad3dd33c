"""`make data`'s acquisition and `make submit`, end to end through the real `kaggle` client.

The client talks to the stand-in server in kaggle_server.py. Every fault must give one ``ERROR:``
sentence, exit 1, no traceback, and leave data/raw byte for byte as it was.
"""

import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import PYTHON, project_env, render, run
from kaggle_fixtures import COMPETITION_METADATA, build_competition
from kaggle_server import KaggleServer, corrupt_zip, unsafe_zip, zip_folder

FAKE_KEY = "KGAT_fake_secret_123"
META = COMPETITION_METADATA["binary"]
SLUG = META["ref"]
DATASET = "someone/penguin-measurements"


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("kaggle")
    server = KaggleServer().start()
    folder = build_competition("binary", root / "competition")
    server.add_competition(
        SLUG, folder, title=META["title"], evaluationMetric=META["evaluationMetric"]
    )
    dataset = build_competition("multiclass", root / "dataset")
    (dataset / "docs").mkdir()
    (dataset / "docs" / "codebook.txt").write_text("species: Adelie, Chinstrap, Gentoo\n")
    server.add_dataset(DATASET, dataset, "Penguin Measurements", "CC0-1.0")
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_server(server):
    server.heal()
    yield
    server.heal()


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("home")


def cli(project: Path, server: KaggleServer, home: Path, *args: str, **extra: str):
    """Run the project's CLI with the client pointed at the server; never leak the fake key."""
    env = {**server.env(home, FAKE_KEY), "PYTHONPATH": str(project / "src"), **extra}
    env = {k: v for k, v in env.items() if v is not None}
    result = run([PYTHON, "-m", "kaggle_starter", *args], project, **env)
    assert FAKE_KEY not in result.stdout + result.stderr
    return result


def assert_refused(result, *phrases: str) -> None:
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
    assert result.returncode == 1, result.stderr
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for phrase in phrases:
        assert phrase in errors[0], errors[0]


@pytest.fixture(scope="module")
def competition(tmp_path_factory, server, home) -> Path:
    project = render(tmp_path_factory.mktemp("comp"), data_source="competition", dataset=SLUG)
    result = cli(project, server, home, "data")
    assert result.returncode == 0, result.stderr
    return project


def test_competition_download_is_byte_identical_and_recorded(competition, server):
    raw = competition / "data" / "raw"
    served = server.competitions[SLUG].folder
    for name in ("train.csv", "test.csv", "sample_submission.csv"):
        assert (raw / name).read_bytes() == (served / name).read_bytes()
    manifest = json.loads((raw / "manifest.json").read_text())
    assert manifest["source"] == {"kind": "competition", "ref": SLUG}
    assert manifest["client"]["version"]
    assert manifest["fetched_at"]
    assert {e["path"] for e in manifest["files"]} == {p.name for p in served.iterdir()}
    for entry in manifest["files"]:
        data = (raw / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    metadata = json.loads((raw / "metadata.json").read_text())
    assert metadata["title"] == META["title"]
    assert metadata["evaluation_metric"] == META["evaluationMetric"]
    assert metadata["url"].endswith(f"/competitions/{SLUG}")
    assert not list((competition / "data").glob(".raw-incoming-*"))


def test_rerun_makes_no_request_and_force_fetches_again(competition, server, home):
    raw = competition / "data" / "raw"
    before = tree_hashes(raw)
    shutil.rmtree(home / ".kaggle", ignore_errors=True)  # `import kaggle` would recreate it
    server.requests.clear()
    result = cli(competition, server, home, "data")
    assert result.returncode == 0, result.stderr
    assert "nothing fetched" in result.stdout
    assert server.requests == []
    assert not (home / ".kaggle").exists()
    assert tree_hashes(raw) == before

    result = cli(competition, server, home, "data", "--force")
    assert result.returncode == 0, result.stderr
    assert ("GET", f"/files/competitions/{SLUG}.zip") in server.requests
    assert "train.csv" in result.stdout and "sha256" in result.stdout
    after = tree_hashes(raw)
    after.pop("manifest.json"), before.pop("manifest.json")  # only fetched_at differs
    assert after == before


def test_a_changed_file_is_fetched_again(competition, server, home):
    raw = competition / "data" / "raw"
    original = (raw / "test.csv").read_bytes()
    (raw / "test.csv").write_bytes(original.replace(b"1", b"7", 1))
    server.requests.clear()
    result = cli(competition, server, home, "data")
    assert result.returncode == 0, result.stderr
    assert server.api_calls()
    assert (raw / "test.csv").read_bytes() == original


def test_cut_download_is_resumed_by_the_client(competition, server, home):
    server.cut_download(after_bytes=5000)
    server.requests.clear()
    result = cli(competition, server, home, "data", "--force")
    assert result.returncode == 0, result.stderr
    assert server.requests.count(("GET", f"/files/competitions/{SLUG}.zip")) == 2
    served = server.competitions[SLUG].folder
    assert (competition / "data/raw/train.csv").read_bytes() == (served / "train.csv").read_bytes()


def _short_train_zip(server) -> bytes:
    """A valid archive whose train.csv is shorter than the listing says: a partial file."""
    buffer = io.BytesIO()
    folder = server.competitions[SLUG].folder
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            data = path.read_bytes()
            short = data[: len(data) // 2] if path.name == "train.csv" else data
            archive.writestr(path.name, short)
    return buffer.getvalue()


FAULTS = {
    "rules": (
        lambda s: s.fail(403, "DownloadDataFiles"),
        [f"https://www.kaggle.com/competitions/{SLUG}/rules", "HTTP 403"],
    ),
    "credentials": (lambda s: s.fail(401), ["HTTP 401", "Settings → API", "kaggle.json"]),
    "not-found": (lambda s: s.fail(404, "GetCompetition"), [f"no competition '{SLUG}'"]),
    "rate-limit": (
        lambda s: s.fail(429, "ListDataFiles", retry_after="120"),
        ["HTTP 429", "wait 120 seconds"],
    ),
    "unsafe-zip": (
        lambda s: setattr(s, "archive_override", unsafe_zip()),
        ["'../evil'", "outside"],
    ),
    "corrupt-zip": (
        lambda s: setattr(s, "archive_override", corrupt_zip(s.competitions[SLUG].folder)),
        ["CRC"],
    ),
    "truncated-zip": (
        lambda s: setattr(s, "archive_override", s.competitions[SLUG].archive[:-700]),
        ["not a readable zip"],
    ),
    "short-file": (
        lambda s: setattr(s, "archive_override", _short_train_zip(s)),
        ["train.csv", "incomplete"],
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_fault_gives_one_sentence_and_keeps_data_raw(competition, server, home, fault):
    inject, phrases = FAULTS[fault]
    raw = competition / "data" / "raw"
    before = tree_hashes(raw)
    inject(server)
    result = cli(competition, server, home, "data", "--force")
    assert_refused(result, *phrases)
    assert tree_hashes(raw) == before
    assert not list((competition / "data").glob(".raw-incoming-*"))
    assert not list(competition.parent.rglob("evil"))


def test_missing_credentials_are_explained_before_the_client_loads(tmp_path, server):
    project = render(tmp_path, data_source="competition", dataset=SLUG)
    home = tmp_path / "empty-home"
    home.mkdir()
    server.requests.clear()
    result = cli(project, server, home, "data", KAGGLE_USERNAME=None, KAGGLE_KEY=None)
    assert_refused(
        result, "No Kaggle credentials", "KAGGLE_API_TOKEN", "~/.kaggle/kaggle.json", "600"
    )
    assert server.requests == []
    assert not (home / ".kaggle").exists()
    assert not (project / "data" / "raw" / "manifest.json").exists()


def test_access_token_in_the_environment_is_used(tmp_path, server):
    project = render(tmp_path, data_source="competition", dataset=SLUG)
    home = tmp_path / "home"
    home.mkdir()
    result = cli(
        project,
        server,
        home,
        "data",
        KAGGLE_USERNAME=None,
        KAGGLE_KEY=None,
        KAGGLE_API_TOKEN=FAKE_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert (project / "data/raw/train.csv").is_file()


def test_ctrl_c_during_download_leaves_data_raw_as_before(competition, server, home):
    raw = competition / "data" / "raw"
    before = tree_hashes(raw)
    server.chunk_delay = 0.4
    env = project_env(**server.env(home, FAKE_KEY), PYTHONPATH=str(competition / "src"))
    process = subprocess.Popen(
        [PYTHON, "-m", "kaggle_starter", "data", "--force"],
        cwd=competition,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.download_started.wait(60)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Interrupted" in stderr
    assert tree_hashes(raw) == before
    assert not list((competition / "data").glob(".raw-incoming-*"))


def test_dataset_keeps_nested_folders_and_license(tmp_path, server, home):
    project = render(tmp_path, data_source="dataset", dataset=DATASET)
    result = cli(project, server, home, "data")
    assert result.returncode == 0, result.stderr
    raw = project / "data" / "raw"
    served = server.datasets[DATASET].folder
    for name, digest in tree_hashes(served).items():
        assert tree_hashes(raw)[name] == digest
    assert (raw / "docs" / "codebook.txt").is_file()
    metadata = json.loads((raw / "metadata.json").read_text())
    assert metadata == {
        "kind": "dataset",
        "ref": DATASET,
        "title": "Penguin Measurements",
        "license": "CC0-1.0",
        "url": f"https://www.kaggle.com/datasets/{DATASET}",
    }
    manifest = json.loads((raw / "manifest.json").read_text())
    assert "docs/codebook.txt" in {e["path"] for e in manifest["files"]}


def test_unknown_dataset_names_the_ref(tmp_path, server, home):
    project = render(tmp_path, data_source="dataset", dataset="nobody/nothing-here")
    result = cli(project, server, home, "data")
    assert_refused(result, "no dataset 'nobody/nothing-here'", "HTTP 404")
    assert not (project / "data" / "raw" / "manifest.json").exists()


@pytest.mark.parametrize("shape", ["folder", "zip", "csv"])
def test_local_source_is_copied_and_left_untouched(tmp_path, server, home, shape):
    source = build_competition("regression", tmp_path / "source")
    if shape == "zip":
        archive = tmp_path / "source.zip"
        archive.write_bytes(zip_folder(source))
        source = archive
    elif shape == "csv":
        source = source / "train.csv"
    before = (
        tree_hashes(source)
        if source.is_dir()
        else {source.name: hashlib.sha256(source.read_bytes()).hexdigest()}
    )
    project = render(tmp_path / "out", data_source="local", dataset=str(source))
    server.requests.clear()
    result = cli(project, server, home, "data")
    assert result.returncode == 0, result.stderr
    raw = project / "data" / "raw"
    copied = {k: v for k, v in tree_hashes(raw).items() if not k.endswith(".json")}
    expected = tree_hashes(tmp_path / "source") if shape != "csv" else before
    assert copied == expected
    assert source.exists()
    after = (
        tree_hashes(source)
        if source.is_dir()
        else {source.name: hashlib.sha256(source.read_bytes()).hexdigest()}
    )
    assert after == before
    # the hook wrote data.ref relative to the project, so the metadata names no local folder
    ref = os.path.relpath(source, project)
    assert json.loads((raw / "metadata.json").read_text()) == {"kind": "local", "ref": ref}
    assert server.requests == []


def test_local_faults(tmp_path, server, home):
    project = render(tmp_path / "out", data_source="local", dataset=str(tmp_path / "absent"))
    assert_refused(cli(project, server, home, "data"), "does not exist", "data.ref")

    empty = tmp_path / "empty"
    (empty / ".hidden").mkdir(parents=True)
    config = project / "config.yaml"
    absent = os.path.relpath(tmp_path / "absent", project)  # as the hook wrote it
    config.write_text(config.read_text().replace(absent, str(empty)))
    assert_refused(cli(project, server, home, "data"), "holds no files")

    evil = tmp_path / "evil.zip"
    evil.write_bytes(unsafe_zip())
    config.write_text(config.read_text().replace(str(empty), str(evil)))
    assert_refused(cli(project, server, home, "data"), "'../evil'", "not extracted")
    assert not (project / "data" / "evil").exists()


# -- submit -----------------------------------------------------------------------------------
def _prepare_submission(project: Path) -> Path:
    submission = project / "submissions" / "submission.csv"
    submission.parent.mkdir(exist_ok=True)
    shutil.copy(project / "data" / "raw" / "sample_submission.csv", submission)
    reports = project / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "metrics.json").write_text(
        json.dumps(
            {"best_model": "hist_gradient_boosting", "best_score": 0.9312, "metric": "accuracy"}
        )
    )
    return submission


def test_submit_sends_the_file_with_model_and_score(competition, server, home):
    submission = _prepare_submission(competition)
    result = cli(competition, server, home, "submit")
    assert result.returncode == 0, result.stderr
    sent = server.submissions[-1]
    assert sent["competition"] == SLUG
    assert sent["content"] == submission.read_bytes()
    assert "hist_gradient_boosting" in sent["description"]
    assert "0.9312" in sent["description"]

    count = len(server.submissions)
    server.requests.clear()
    again = cli(competition, server, home, "submit")
    assert again.returncode == 0 and "already sent" in again.stdout
    assert server.requests == [] and len(server.submissions) == count
    forced = cli(competition, server, home, "submit", "--force", "--message", "second try")
    assert forced.returncode == 0, forced.stderr
    assert server.submissions[-1]["description"].startswith("second try; ")


def test_submit_faults(competition, server, home, tmp_path):
    submission = _prepare_submission(competition)
    server.fail(403, "StartSubmissionUpload")
    assert_refused(
        cli(competition, server, home, "submit", "--force"),
        f"https://www.kaggle.com/competitions/{SLUG}/rules",
    )
    server.heal()
    server.fail(429, "CreateSubmission", retry_after="60")
    assert_refused(cli(competition, server, home, "submit", "--force"), "wait 60 seconds")
    server.heal()

    submission.write_text("case_id\n1\n")
    assert_refused(cli(competition, server, home, "submit", "--force"), "columns", "make predict")
    submission.unlink()
    assert_refused(cli(competition, server, home, "submit"), "does not exist", "make predict")

    dataset_project = render(tmp_path, data_source="dataset", dataset=DATASET)
    assert_refused(cli(dataset_project, server, home, "submit"), "Only Kaggle competitions")


def test_no_credential_lands_in_any_project_file(competition, home):
    leaked = [
        p for p in competition.rglob("*") if p.is_file() and FAKE_KEY.encode() in p.read_bytes()
    ]
    assert leaked == []
