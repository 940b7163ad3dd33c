"""`make serve` and `make monitor` on trained fixture projects, through the projects' own make.

The real service runs as a subprocess on a free 127.0.0.1 port and gets real HTTP requests: one
record, the whole test table as one batch (answers must be *identical* to `make predict`'s
submission for the same ids: labels, probabilities or values), and every kind of bad input
(each a 4xx naming the field). Its log must hold what it answered. Then `make monitor` must name
the features of a deliberately shifted batch and stay quiet on a batch drawn from train.
"""

import contextlib
import hashlib
import http.client
import json
import math
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import PYTHON, TEMPLATE, make, project_env

sys.path.insert(0, str(TEMPLATE / "scripts"))

from service import call, free_port, stop  # noqa: E402  (the demo's own helpers)

START_SECONDS = 90  # importing scikit-learn and the boosters on a busy two-core machine


@contextlib.contextmanager
def serving(project: Path, log: Path, command: list[str] | None = None, port: int | None = None):
    """`make serve` (or ``command``) on a free port; yields its base URL and stops it whatever
    happens."""
    port = port or free_port()
    with open(log, "w") as out:
        process = subprocess.Popen(
            command or ["make", "--no-print-directory", "serve", f"PYTHON={PYTHON}"],
            cwd=project,
            env=project_env(PORT=str(port)),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop reaches the server too
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(OSError):
                if call(f"{url}/health")[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"`make serve` did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        stop(process)


def _keep_alive_ms(url: str, requests: int = 9) -> float:
    """Median time of GET /health on one keep-alive connection, in milliseconds."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        connection.request("GET", "/health")
        connection.getresponse().read()
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return sorted(times)[requests // 2]


def _plain(value):
    """A table value as a client would send it in JSON (missing values left out)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def _records(project: Path, rows: pd.DataFrame) -> list[dict]:
    card = json.loads((project / "models" / "model_card.json").read_text())
    columns = [c for names in card["features"].values() for c in names]
    records = []
    for row in rows[columns].to_dict("records"):
        records.append({k: _plain(v) for k, v in row.items() if _plain(v) is not None})
    return records


def _copy(project: Path, dest: Path) -> Path:
    copy = Path(shutil.copytree(project, dest / project.name, symlinks=True))
    shutil.rmtree(copy / "monitoring", ignore_errors=True)
    return copy


def _set(project: Path, old: str, new: str) -> None:
    config = project / "config.yaml"
    text = config.read_text()
    assert old in text
    config.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def projects(fixture_project, tmp_path_factory):
    """Trained copies: penguins (labels), tumours scored by ROC AUC (probabilities in the
    submission), disease progression (values)."""
    made = {}

    def get(kind: str) -> Path:
        if kind in made:
            return made[kind]
        if kind == "binary":
            source = fixture_project("binary", "data")
            project = _copy(source, tmp_path_factory.mktemp("serve-binary"))
            _set(project, 'metric: "auto"', "metric: roc_auc")
            _set(project, "models: [", "models: [dummy, linear]  # [")  # quick, probabilities
            result = make(project, "predict")
            assert result.returncode == 0, result.stdout + result.stderr
        else:
            source = fixture_project(kind, "data", "train", "predict")
            project = _copy(source, tmp_path_factory.mktemp(f"serve-{kind}"))
        made[kind] = project
        return project

    return get


def _expected(project: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The processed test rows in the submission's id order, and the submission itself."""
    schema = json.loads((project / "data" / "processed" / "schema.json").read_text())
    test = pd.read_parquet(project / "data" / "processed" / "test.parquet")
    # round_trip: the CSV's floats read back exactly, so "identical" can mean identical.
    submission = pd.read_csv(
        project / "submissions" / "submission.csv", float_precision="round_trip"
    )
    id_column = submission.columns[0]
    assert id_column == schema["id"]
    rows = test.set_index(test[id_column].astype(str)).loc[submission[id_column].astype(str)]
    return rows.reset_index(drop=True), submission


def _agrees(answer: dict, expected: pd.Series, schema: dict, probabilities: bool) -> bool:
    """Whether one answer says exactly what the submission's row says."""
    column, value = str(expected.index[-1]), expected.iloc[-1]
    if schema["task"] == "regression":
        return answer["prediction"] == value
    if not probabilities:
        return str(answer["prediction"]) == str(value)
    if column in answer["probabilities"]:  # one column per class
        return answer["probabilities"][column] == value
    return answer["probabilities"][str(schema["classes"][-1])] == value  # P(positive class)


# Binary last: its project starts from the binary fixture, which test_reruns (scheduled first on
# the other worker) is building under the fixture lock; by then it is built, not awaited.
@pytest.mark.parametrize("kind", ["multiclass", "regression", "binary"])
def test_served_answers_are_identical_to_make_predict_and_are_logged(projects, kind, tmp_path):
    project = projects(kind)
    schema = json.loads((project / "data" / "processed" / "schema.json").read_text())
    rows, submission = _expected(project)
    records = _records(project, rows)
    values = submission.columns[1:]
    probabilities = schema["task"] != "regression" and all(
        pd.api.types.is_float_dtype(submission[c]) for c in values
    )
    assert probabilities == (kind == "binary")  # the binary copy is scored by ROC AUC
    with serving(project, tmp_path / "serve.log") as url:
        health = call(f"{url}/health")[1]
        one_status, one = call(f"{url}/predict", records[0])
        many_status, many = call(f"{url}/predict", records)
    assert one_status == 200 and many_status == 200, (one, many)
    assert len(many["predictions"]) == len(submission)
    assert _agrees(one["predictions"][0], submission.iloc[0], schema, probabilities)
    disagree = [
        i
        for i, answer in enumerate(many["predictions"])
        if not _agrees(answer, submission.iloc[i], schema, probabilities)
    ]
    assert not disagree, f"{len(disagree)} rows differ from the submission, first {disagree[0]}"
    if schema["task"] != "regression":
        assert set(many["predictions"][0]["probabilities"]) == {str(c) for c in schema["classes"]}
    assert many["version"] == health["version"] == one["version"]

    with sqlite3.connect(project / "monitoring" / "predictions.db") as db:
        query = "SELECT version, inputs, outputs FROM predictions ORDER BY id"
        logged = db.execute(query).fetchall()
    assert len(logged) == 1 + len(records)
    assert {version for version, _, _ in logged} == {health["version"]}
    assert json.loads(logged[0][1]) == records[0]
    assert json.loads(logged[1 + 5][2])["prediction"] == many["predictions"][5]["prediction"]
    assert "Serving" in (tmp_path / "serve.log").read_text()


BAD = [
    # (name, body or raw bytes, expected status, words the message must hold)
    ("unknown field", {"bill_lenght_mm": 40.1}, 422, ["bill_lenght_mm", "unknown field"]),
    ("text for a number", {"bill_length_mm": "long"}, 422, ["bill_length_mm"]),
    ("true for a number", {"flipper_length_mm": True}, 422, ["flipper_length_mm"]),
    ("second record wrong", [{}, {"year": "last year"}], 422, ["record 2", "year"]),
    ("a record that is no object", [{"sex": "male"}, 7], 422, ["record 2", "object"]),
    ("a bare string", "Adelie", 422, ["object"]),
    ("empty list", [], 422, ["empty"]),
    ("empty body", b"", 400, ["empty"]),
    ("malformed JSON", b'{"island": "Dream",', 400, ["not valid JSON"]),
    ("too many records", [{}] * 1001, 413, ["1,001", "1,000"]),
    ("huge body", b"[" + b" " * 1_100_000 + b"]", 413, ["bytes"]),
]


def test_bad_input_is_a_4xx_naming_the_field_and_the_monitor_finds_shifts(projects, tmp_path):
    project = _copy(projects("multiclass"), tmp_path)  # without the log the test above wrote
    nothing = make(project, "monitor")
    assert nothing.returncode != 0
    assert "make serve" in nothing.stderr and "BATCH=" in nothing.stderr, nothing.stderr

    rows, _ = _expected(project)
    with serving(project, tmp_path / "serve.log") as url:
        for name, body, status, words in BAD:
            raw = body if isinstance(body, bytes) else None
            got, answer = call(f"{url}/predict", None if raw is not None else body, raw=raw)
            assert got == status, (name, got, answer)
            assert all(w in answer["detail"] for w in words), (name, answer)
        got, answer = call(f"{url}/predict", {"island": "Atlantis", "bill_length_mm": 300.0})
        assert got == 200
        warnings = " ".join(answer["predictions"][0]["warnings"])
        assert "island" in warnings and "bill_length_mm" in warnings
        assert call(f"{url}/predict", _records(project, rows))[0] == 200
        assert call(f"{url}/health")[0] == 200  # still up after all of it
        assert _keep_alive_ms(url) < 30  # Nagle's algorithm off: no 40 ms delayed-ACK stall

    # The logged rows are the test set (plus one odd record): drawn like train, no alarm.
    logged = make(project, "monitor")
    assert logged.returncode == 0, logged.stderr
    report = json.loads((project / "reports" / "monitoring.json").read_text())
    assert report["source"]["kind"] == "log" and report["rows"]["served"] == 1 + len(rows)
    assert (project / "reports" / "monitoring.html").is_file()

    raw = project / "data" / "raw"
    shifted = pd.read_csv(raw / "test.csv")
    shifted["body_mass_g"] *= 1.4
    shifted["bill_length_mm"] += 12
    shifted.to_csv(tmp_path / "shifted.csv", index=False)
    flagged = make(project, "monitor", BATCH=str(tmp_path / "shifted.csv"))
    assert flagged.returncode == 0, flagged.stderr
    report = json.loads((project / "reports" / "monitoring.json").read_text())
    assert report["alarm"] and set(report["drifted"]) == {"body_mass_g", "bill_length_mm"}
    line = flagged.stdout.strip().splitlines()[-2]
    assert line.startswith("Drift in 2 of") and "body_mass_g" in line and "bill_length_mm" in line

    drawn = pd.read_csv(raw / "train.csv").drop(columns=["species"]).sample(100, random_state=3)
    drawn.to_csv(project / "from train.csv", index=False)  # a space: BATCH is quoted
    (project / "reports/figures/monitoring-mine.png").write_bytes(b"my own figure")
    quiet = make(project, "monitor", BATCH=str(project / "from train.csv"))
    assert quiet.returncode == 0, quiet.stderr
    report = json.loads((project / "reports" / "monitoring.json").read_text())
    assert not report["alarm"] and report["drifted"] == [], report["summary"]
    assert report["source"]["path"] == "from train.csv"  # no path of this machine is recorded
    assert report["figures"] and all((project / f).is_file() for f in report["figures"])
    assert (project / "reports/figures/monitoring-mine.png").read_bytes() == b"my own figure"
    assert quiet.stdout.strip().splitlines()[-2].startswith("No drift: 100 served rows")


def _log(project: Path, version: str, rows: pd.DataFrame, labels: pd.Series) -> None:
    """Log ``rows`` as answered by model ``version`` with ``labels``, in the service's table."""
    log = project / "monitoring" / "predictions.db"
    log.parent.mkdir(exist_ok=True)
    with contextlib.closing(sqlite3.connect(log)) as db, db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS predictions (id INTEGER PRIMARY KEY, time TEXT NOT NULL, "
            "version TEXT NOT NULL, inputs TEXT NOT NULL, outputs TEXT NOT NULL)"
        )
        db.executemany(
            "INSERT INTO predictions (time, version, inputs, outputs) VALUES (?, ?, ?, ?)",
            [
                (
                    "2026-01-01T00:00:00",
                    version,
                    json.dumps(record),
                    json.dumps({"prediction": label}),
                )
                for record, label in zip(_records(project, rows), labels, strict=True)
            ],
        )


def _model_version(project: Path) -> str:
    return hashlib.sha256((project / "models" / "model.joblib").read_bytes()).hexdigest()[:12]


def test_after_a_retrain_monitor_reports_each_model_version(projects, tmp_path):
    """A service still running the model from before `make train` logs under that model's
    version: monitor compares those rows with train too, and names every version's rows."""
    project = _copy(projects("multiclass"), tmp_path)
    rows, submission = _expected(project)
    labels = submission.iloc[:, -1]  # what the saved model answers for these rows
    shifted = rows.assign(body_mass_g=rows["body_mass_g"] * 1.4)
    shifted["bill_length_mm"] += 12
    old, current = "0123456789ab", _model_version(project)

    _log(project, old, shifted, labels)  # only the old model has served since the retrain
    only_old = make(project, "monitor")
    assert only_old.returncode == 0, only_old.stderr
    report = json.loads((project / "reports" / "monitoring.json").read_text())
    assert report["source"]["version"] == old and not report["source"]["current"]
    assert report["alarm"] and set(report["drifted"]) == {"body_mass_g", "bill_length_mm"}
    said = f"Model {old} (an older model, {len(rows)} logged rows): Drift in 2 of"
    assert said in only_old.stdout, only_old.stdout

    _log(
        project, current, rows, labels
    )  # the retrained model is served too, on rows drawn like train
    both = make(project, "monitor")
    assert both.returncode == 0, both.stderr
    report = json.loads((project / "reports" / "monitoring.json").read_text())
    assert report["source"] == {**report["source"], "version": current, "current": True}
    assert not report["alarm"] and report["rows"]["served"] == len(rows)
    listed = {v["version"]: v for v in report["versions"]}
    assert listed.keys() == {old, current}
    assert listed[old]["rows"] == listed[old]["compared"] == len(rows) and listed[old]["alarm"]
    assert listed[current]["rows"] == len(rows) and listed[current]["alarm"] is False
    lines = both.stdout.splitlines()
    assert any(line.startswith(f"Model {current} (the saved model, {len(rows)}") for line in lines)
    assert any(line.startswith(f"Model {old} (an older model, {len(rows)}") for line in lines)
    page = (project / "reports" / "monitoring.html").read_text()
    assert old in page and current in page


def test_a_missing_damaged_or_busy_start_is_one_sentence(projects, tmp_path):
    project = _copy(projects("multiclass"), tmp_path)
    model = project / "models" / "model.joblib"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = make(project, "serve", PORT=str(busy.getsockname()[1]))
    assert taken.returncode != 0
    assert "PORT=8001 make serve" in taken.stderr, taken.stderr

    model.write_bytes(b"not a pickle")
    damaged = make(project, "serve")
    assert damaged.returncode != 0
    sentence = "ERROR: models/model.joblib is damaged: delete it and run `make train`."
    assert sentence in damaged.stderr

    model.unlink()
    missing = make(project, "serve")
    assert missing.returncode != 0
    assert "ERROR: models/model.joblib is missing: run `make train` first." in missing.stderr
    assert "Traceback" not in missing.stderr + damaged.stderr + taken.stderr
    assert not (project / "monitoring").exists()  # a failed start leaves no empty log behind


def test_a_damaged_or_locked_log_is_named_as_what_it_is(projects, tmp_path):
    """A log that is not a database stops `make serve` and `make monitor` with one sentence; a
    locked one is "locked" (never "delete it"), and neither command touches the file."""
    project = _copy(projects("multiclass"), tmp_path)
    log = project / "monitoring" / "predictions.db"
    log.parent.mkdir(exist_ok=True)
    log.write_bytes(b"not a database " * 100)
    for target in ("serve", "monitor"):
        result = make(project, target)
        errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR:")]
        assert result.returncode != 0 and len(errors) == 1, result.stderr
        assert "monitoring/predictions.db is damaged" in errors[0], errors[0]
        assert "move it aside" in errors[0] and "Traceback" not in result.stderr
    assert log.read_bytes() == b"not a database " * 100

    log.unlink()
    version = subprocess.run(
        [PYTHON, "-c", "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read())"
         ".hexdigest()[:12])", str(project / "models" / "model.joblib")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    holder = sqlite3.connect(log)
    holder.execute(
        "CREATE TABLE predictions (id INTEGER PRIMARY KEY, time TEXT, version TEXT, "
        "inputs TEXT, outputs TEXT)"
    )
    holder.execute(
        "INSERT INTO predictions (time, version, inputs, outputs) VALUES ('t', ?, '{}', '{}')",
        (version,),
    )
    holder.commit()
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        locked = make(project, "monitor")
    finally:
        holder.rollback()
        holder.close()
    errors = [line for line in locked.stderr.splitlines() if line.startswith("ERROR:")]
    assert locked.returncode != 0 and len(errors) == 1, locked.stderr
    assert "is locked by another program" in errors[0] and "delete" not in errors[0]


def _raw(url: str, path: str, body: bytes | None, headers: dict) -> int:
    """The status of one request sent with exactly these headers (a browser's, a foreign page's)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET" if body is None else "POST", path, body, headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_without_sample_rows_the_service_publishes_no_row_and_refuses_other_sites(
    projects, tmp_path
):
    """profile.samples off (a competition's default) reaches the service: its example is typical
    values, not a training row; and another site's page can neither write nor read."""
    project = _copy(projects("multiclass"), tmp_path)
    _set(project, "samples: auto", "samples: false")
    train = pd.read_parquet(project / "data" / "processed" / "train.parquet")
    rows = _records(project, train)
    with serving(project, tmp_path / "serve.log") as url:
        schema = call(f"{url}/schema")[1]
        openapi = call(f"{url}/openapi.json")[1]
        plain_text = _raw(url, "/predict", b"{}", {"Content-Type": "text/plain"})
        foreign = _raw(url, "/health", None, {"Host": "attacker.example"})
        local = _raw(url, "/health", None, {"Host": "localhost:8000"})
    assert schema["example_is_row"] is False and schema["example"] not in rows
    body = openapi["paths"]["/predict"]["post"]["requestBody"]["content"]["application/json"]
    assert body["examples"]["one record"]["value"] == schema["example"]
    assert (plain_text, foreign, local) == (415, 400, 200)


def test_the_readme_uvicorn_command_serves_the_same_model(projects, tmp_path):
    """The generated README's one command for running the service anywhere really runs it."""
    project = _copy(projects("multiclass"), tmp_path)
    line = next(
        line
        for line in (project / "README.md").read_text().splitlines()
        if line.startswith("uvicorn ")
    )
    assert "--host 0.0.0.0" in line and "--port 8000" in line
    port = free_port()
    local = line.replace("--host 0.0.0.0", "--host 127.0.0.1").replace("8000", str(port))
    command = [PYTHON, "-m", *shlex.split(local)]
    rows, submission = _expected(project)
    with serving(project, tmp_path / "uvicorn.log", command, port) as url:
        status, answer = call(f"{url}/predict", _records(project, rows.iloc[:3]))
    assert status == 200, answer
    labels = [a["prediction"] for a in answer["predictions"]]
    assert labels == submission.iloc[:3, -1].tolist()
    assert (project / "monitoring" / "predictions.db").is_file()
