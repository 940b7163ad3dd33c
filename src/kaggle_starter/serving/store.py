"""The prediction log: every served answer in an embedded SQLite database.

SQLite (the standard library's ``sqlite3``) because the log must survive restarts, be readable
by ``make monitor`` while the service runs, and need no server. WAL mode lets that reader work
without blocking the writer; ``synchronous=NORMAL`` is WAL's recommended setting (a power cut
may lose the last transactions, never corrupt the file). One connection is shared behind a lock:
requests run on a thread pool, and a single writer with short transactions is SQLite's own model,
so a lock costs nothing a connection per thread would save. ``busy_timeout`` covers a second
process (another worker, a monitor) holding the write lock for a moment.
"""

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..errors import ProjectError

BUSY_TIMEOUT_MS = 5000
TABLE = """
CREATE TABLE IF NOT EXISTS predictions (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    version TEXT NOT NULL,
    inputs TEXT NOT NULL,
    outputs TEXT NOT NULL
)
"""


READ_TIMEOUT_S = 2  # how long `make monitor` waits for a writer before saying the log is locked
DAMAGED = ("file is not a database", "database disk image is malformed")


class PredictionStore:
    """Append-only log of (time, model version, inputs JSON, outputs JSON), one row per record.

    ``read_only`` opens an existing log for reading alone (`make monitor`): it never creates,
    converts or writes the only copy of the served history.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False):
        self.path = Path(path)
        self._lock = threading.Lock()
        if read_only:
            self._connection = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=READ_TIMEOUT_S
            )
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(
            self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            self._connection.execute(TABLE)
            self._connection.commit()

    def log(self, version: str, inputs: list[dict], outputs: list[dict]) -> None:
        """Record one request's records and answers in a single transaction."""
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        rows = [
            (stamp, version, json.dumps(i, ensure_ascii=False), json.dumps(o, ensure_ascii=False))
            for i, o in zip(inputs, outputs, strict=True)
        ]
        with self._lock, self._connection:
            self._connection.executemany(
                "INSERT INTO predictions (time, version, inputs, outputs) VALUES (?, ?, ?, ?)",
                rows,
            )

    def count(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]

    def rows(self, version: str | None = None) -> pd.DataFrame:
        """Every logged record (optionally one model version's): time, version, inputs, outputs,
        the last two decoded from JSON."""
        query = "SELECT time, version, inputs, outputs FROM predictions"
        params: tuple = ()
        if version is not None:
            query, params = query + " WHERE version = ?", (version,)
        with self._lock:
            found = self._connection.execute(query + " ORDER BY id", params).fetchall()
        frame = pd.DataFrame(found, columns=["time", "version", "inputs", "outputs"])
        for column in ("inputs", "outputs"):
            frame[column] = [json.loads(text) for text in frame[column]]
        return frame

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def log_problem(exc: sqlite3.Error, shown: str, command: str) -> ProjectError:
    """One sentence for a log SQLite cannot use, naming what is wrong: "damaged" only for a file
    that is not a database, since the advice then is to move aside the only copy of the served
    history; a lock or a permission is the owner's to lift, and the file is fine."""
    reason = str(exc)
    if any(text in reason for text in DAMAGED):
        return ProjectError(
            f"{shown} is damaged ({reason}): move it aside (it holds the served history, which "
            f"`make clean` keeps), then run `{command}` again; `make serve` starts a new log."
        )
    if "locked" in reason:
        return ProjectError(
            f"{shown} is locked by another program (a SQLite browser, a second service?): "
            f"close it, then run `{command}` again."
        )
    return ProjectError(
        f"{shown} cannot be opened ({reason}): check the file's and its folder's permissions "
        f"and the free disk space, then run `{command}` again."
    )


def served_inputs(rows: pd.DataFrame) -> pd.DataFrame:
    """The logged inputs as a table, one column per field (values as JSON gave them)."""
    return pd.DataFrame.from_records(list(rows["inputs"]), index=rows.index)


def served_predictions(rows: pd.DataFrame) -> pd.DataFrame:
    """The logged answers shaped like the out-of-fold table: ``y_pred`` and ``proba_<class>``."""
    records = []
    for answer in rows["outputs"]:
        entry = {"y_pred": answer.get("prediction")}
        for label, share in (answer.get("probabilities") or {}).items():
            entry[f"proba_{label}"] = share
        records.append(entry)
    return pd.DataFrame.from_records(records, index=rows.index)
