"""Start a generated project's `make serve` on a free 127.0.0.1 port, call it, and stop it.

Shared by `make demo` (one call) and ``benchmarks/serve_load.py`` (a bounded load). The service
runs in its own process group, so stopping it reaches the server make started, not only make.
"""

import contextlib
import http.client
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import numpy as np
import pandas as pd

START_SECONDS = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(
    url: str, body=None, *, raw: bytes | None = None, timeout: float = 60
) -> tuple[int, object]:
    """(status, decoded JSON or text) of one HTTP request; POST when a body (or raw bytes) is
    given.

    Written with http.client rather than urllib: a server refusing an oversized body (413) may
    answer and close before the whole body is sent, and the answer must still be read.
    """
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.putrequest("GET" if data is None else "POST", parts.path or "/")
        if data is not None:
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", str(len(data)))
        connection.endheaders()
        if data is not None:
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(data)
        response = connection.getresponse()
        status, text = response.status, response.read().decode()
    finally:
        connection.close()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the whole group, then SIGKILL if it has not ended."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def server_pid(make_pid: int) -> int | None:
    """The Python process `make serve` started (make's child), for its memory."""
    children = Path(f"/proc/{make_pid}/task/{make_pid}/children")
    with contextlib.suppress(OSError, ValueError):
        return int(children.read_text().split()[0])
    return None


@contextlib.contextmanager
def serving(project: Path, log: Path, python: str = sys.executable):
    """`make serve` on a free port; yields (base URL, make's process) and always stops it."""
    port = free_port()
    env = {**os.environ, "PORT": str(port)}
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "serve", f"PYTHON={python}"],
            cwd=project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            with contextlib.suppress(OSError):
                if call(f"{url}/health", timeout=5)[0] == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"`make serve` did not start:\n{log.read_text()}")
            time.sleep(0.3)
        yield url, process
    finally:
        stop(process)


def _plain(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value.item() if isinstance(value, np.generic) else value


def client_records(project: Path) -> list[dict]:
    """The processed test rows as a client sends them: the model's raw columns, gaps left out."""
    card = json.loads((project / "models" / "model_card.json").read_text())
    columns = [c for names in card["features"].values() for c in names]
    test = pd.read_parquet(project / "data" / "processed" / "test.parquet")
    return [
        {k: _plain(v) for k, v in row.items() if _plain(v) is not None}
        for row in test[columns].to_dict("records")
    ]
