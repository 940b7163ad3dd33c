"""A small fitted pipeline and a real uvicorn server on a free 127.0.0.1 port.

The training frame has what real tables have: a number with gaps, a category with gaps and a
boolean category, free text and dates. The model comes from the project's own suite, so the
service is tested against the pipelines ``make train`` saves.
"""

import contextlib
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request

import numpy as np
import pandas as pd
import pytest
import uvicorn

from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.serving.inputs import plain

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROWS = 300


def training_frame(rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.normal(10, 3, rows).round(1)
    colour = pd.Series(rng.choice(["red", "green", "blue"], rows), dtype=object)
    colour[rng.random(rows) < 0.15] = None
    member = rng.random(rows) < 0.4
    score = size + np.where(colour == "red", 3, 0) + 2 * member + rng.normal(0, 1, rows)
    frame = pd.DataFrame(
        {
            "size (cm)": np.where(rng.random(rows) < 0.1, np.nan, size),
            "colour": colour,
            "member": member,
            "note": [f"item {w} of batch" for w in rng.choice(["alpha", "beta"], rows)],
            "seen": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), "D"),
            "label": (score > np.median(score)).astype("int64"),
            "amount": score * 10,
        }
    )
    return frame


def schema_for(target: str, task: str) -> dict:
    roles = {
        "size (cm)": "numeric",
        "colour": "categorical",
        "member": "categorical",
        "note": "text",
        "seen": "datetime",
        "label": "target" if target == "label" else "numeric",
        "amount": "target" if target == "amount" else "numeric",
    }
    # The other task's target would leak the answer: it is a train-only column, as Kaggle's
    # outcome columns are, so the model leaves it out.
    other = "amount" if target == "label" else "label"
    return {
        "target": target,
        "task": task,
        "metric": "roc_auc" if task == "binary" else "rmse",
        "classes": [0, 1] if task == "binary" else None,
        "files": {"train": "train.csv", "test": "test.csv"},
        "columns": [
            {"name": name, "role": role, "n_unique": 3, "in_test": name not in (target, other)}
            for name, role in roles.items()
        ],
    }


def fitted(target: str, task: str, name: str):
    train = training_frame()
    schema = schema_for(target, task)
    roles = model_roles(schema)
    X = train.drop(columns=[target])
    model = build_model(name, task, roles, schema, seed=0, rows=len(X)).fit(X, train[target])
    card = {
        "model": name,
        "task": task,
        "target": target,
        "metric": schema["metric"],
        "features": roles,
        "cv": {"mean": 0.8765, "std": 0.0123},
    }
    return model, schema, card, train


@pytest.fixture(scope="session")
def classifier():
    return fitted("label", "binary", "hist_gradient_boosting")


@pytest.fixture(scope="session")
def regressor():
    return fitted("amount", "regression", "linear")


@pytest.fixture(scope="session")
def ensemble():
    """The blend `make train` saves: linear + HistGradientBoosting behind one user step, soft
    voting, each member with its own preprocessing."""
    from kaggle_starter.modeling.ensemble_candidate import ensemble_model

    train = training_frame()
    schema = schema_for("label", "binary")
    roles = model_roles(schema)
    X, y = train.drop(columns=["label"]), train["label"]
    members = {
        name: build_model(name, "binary", roles, schema, seed=0, rows=len(X))
        for name in ("linear", "hist_gradient_boosting")
    }
    model = ensemble_model(members, {"linear": 0.4, "hist_gradient_boosting": 0.6}).fit(X, y)
    card = {"model": "ensemble", "task": "binary", "target": "label", "metric": "roc_auc"}
    return model, schema, {**card, "features": roles, "cv": {"mean": 0.9, "std": 0.01}}, train


@contextlib.contextmanager
def serving(app):
    """Run ``app`` under a real uvicorn server in a thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def call(url: str, body=None, *, raw: bytes | None = None, headers: dict | None = None):
    """(status, decoded JSON or text) of a real HTTP request; POST when a body is given."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def as_records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows as a client would send them: JSON values, missing values left out."""
    return [
        {k: plain(v) for k, v in row.items() if plain(v) is not None}
        for _, row in frame[columns].iterrows()
    ]


# Test files import nothing from here (pytest's importlib mode puts no test folder on sys.path):
# the helpers reach them as fixtures.
@pytest.fixture(scope="session")
def serve():
    return serving


@pytest.fixture(scope="session")
def http():
    return call


@pytest.fixture(scope="session")
def to_records():
    return as_records
