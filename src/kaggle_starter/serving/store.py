"""The prediction log: every served answer in an embedded SQLite database, best effort.

SQLite (the standard library's ``sqlite3``) because the log must survive restarts, be readable
by ``make monitor`` while the service runs, and need no server. WAL mode lets that reader work
without blocking the writer; ``synchronous=NORMAL`` is WAL's recommended setting (a power cut
may lose the last transactions, never corrupt the file).

The log never holds up an answer. A request puts its rows on a bounded queue and returns; one
writer thread drains the queue in short transactions, waiting at most ``WRITE_TIMEOUT_MS`` for
another program's lock (a SQLite browser, a monitor). Rows that cannot be written (the file
locked or the disk full, the queue full) are dropped and counted: ``GET /health`` shows the
count, and the server's output says so once.

The log is bounded too. Text longer than ``LONG_CHARS`` is stored cut, with its length and
sha256 digest (a request can carry a megabyte of text, a monitor needs a few words of it), and
when the rows outgrow ``max_bytes`` the writer deletes the oldest fifth of them; SQLite reuses
the freed pages, so the file stops growing near the cap. ``make monitor`` reads at most the
``READ_ROWS`` most recent rows.
"""

import hashlib
import json
import logging
import math
import queue
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..errors import ProjectError

LOG = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 5000  # opening the log at start-up may wait this long for another program
WRITE_TIMEOUT_MS = 200  # a write waits this long for a lock, then its rows are dropped
QUEUE_REQUESTS = 100  # requests waiting to be written; beyond, their rows are dropped
BATCH_REQUESTS = 50  # queued requests written in one transaction
FLUSH_TIMEOUT_S = 10
LONG_CHARS, KEPT_CHARS = 1000, 200  # text over LONG_CHARS is stored as its first KEPT_CHARS
MAX_LOG_BYTES = 100_000_000
KEEP_SHARE = 0.8  # a trim keeps this share of the cap's worth of rows
READ_ROWS = 100_000  # the most recent rows `make monitor` reads
JOURNAL_LIMIT_BYTES = 8_000_000  # the WAL file is cut back to this after a checkpoint
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
    converts or writes the only copy of the served history. ``max_bytes`` caps the rows kept.
    """

    def __init__(
        self, path: Path | str, *, read_only: bool = False, max_bytes: int = MAX_LOG_BYTES
    ):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.dropped = 0
        self._lock = threading.Lock()  # the connection's; never taken on the answering path
        self._counting = threading.Lock()
        self._queue: queue.Queue | None = None
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
            self._connection.execute(f"PRAGMA journal_size_limit={JOURNAL_LIMIT_BYTES}")
            self._connection.execute(TABLE)
            self._connection.commit()
            self._connection.execute(f"PRAGMA busy_timeout={WRITE_TIMEOUT_MS}")
        self._queue = queue.Queue(QUEUE_REQUESTS)
        self._writer = threading.Thread(target=self._write_forever, name="log-writer", daemon=True)
        self._writer.start()

    def log(self, version: str, inputs: list[dict], outputs: list[dict]) -> None:
        """Queue one request's records and answers for the writer; never waits."""
        stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
        try:
            self._queue.put_nowait((stamp, version, [_bounded(i) for i in inputs], outputs))
        except queue.Full:
            self._drop(len(inputs), "the queue of rows to write is full")

    def flush(self) -> None:
        """Wait (a few seconds at most) until every row queued so far is written or dropped."""
        if self._queue is None or not self._writer.is_alive():
            return
        done = threading.Event()
        try:
            self._queue.put(done, timeout=FLUSH_TIMEOUT_S)
        except queue.Full:
            return
        done.wait(FLUSH_TIMEOUT_S)

    def count(self) -> int:
        self.flush()
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]

    def versions(self) -> list[dict]:
        """Each model version in the log: its rows and the times of its first and last, the
        most recently served first."""
        self.flush()
        with self._lock:
            found = self._connection.execute(
                "SELECT version, COUNT(*), MIN(time), MAX(time) FROM predictions "
                "GROUP BY version ORDER BY MAX(id) DESC"
            ).fetchall()
        return [{"version": v, "rows": n, "first": a, "last": b} for v, n, a, b in found]

    def rows(self, version: str | None = None, limit: int = READ_ROWS) -> pd.DataFrame:
        """The most recent ``limit`` logged records (optionally one model version's), oldest
        first: time, version, inputs, outputs, the last two decoded from JSON."""
        self.flush()
        query = "SELECT time, version, inputs, outputs FROM predictions"
        params: tuple = ()
        if version is not None:
            query, params = query + " WHERE version = ?", (version,)
        with self._lock:
            found = self._connection.execute(
                query + " ORDER BY id DESC LIMIT ?", (*params, limit)
            ).fetchall()
        frame = pd.DataFrame(found[::-1], columns=["time", "version", "inputs", "outputs"])
        for column in ("inputs", "outputs"):
            frame[column] = [json.loads(text) for text in frame[column]]
        return frame

    def close(self) -> None:
        if self._queue is not None and self._writer.is_alive():
            self.flush()
            self._queue.put(None)
            self._writer.join(FLUSH_TIMEOUT_S)
        with self._lock:
            self._connection.close()

    def _write_forever(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH_REQUESTS and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            requests = [item for item in batch if isinstance(item, tuple)]
            try:
                self._write(requests)
            except Exception as exc:  # any failure drops rows, never the writer
                self._drop(sum(len(item[2]) for item in requests), str(exc))
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()
            if None in batch:
                return

    def _write(self, requests: list[tuple]) -> None:
        rows = [
            (stamp, version, _json_text(i), _json_text(o))
            for stamp, version, inputs, outputs in requests
            for i, o in zip(inputs, outputs, strict=True)
        ]
        if not rows:
            return
        with self._lock, self._connection:
            self._connection.executemany(
                "INSERT INTO predictions (time, version, inputs, outputs) VALUES (?, ?, ?, ?)",
                rows,
            )
            self._trim()

    def _trim(self) -> None:
        """Delete the oldest rows once the table outgrows ``max_bytes``, down to KEEP_SHARE of
        it. Ids only grow and only the oldest go, so min and max id give the row count."""
        pragma = self._connection.execute
        size = pragma("PRAGMA page_size").fetchone()[0]
        free = pragma("PRAGMA freelist_count").fetchone()[0]
        pages = pragma("PRAGMA page_count").fetchone()[0] - free
        if pages * size <= self.max_bytes:
            return
        first, last = pragma("SELECT MIN(id), MAX(id) FROM predictions").fetchone()
        share = 1 - KEEP_SHARE * self.max_bytes / (pages * size)
        cut = first + math.ceil((last - first + 1) * share)
        pragma("DELETE FROM predictions WHERE id < ?", (cut,))

    def _drop(self, rows: int, reason: str) -> None:
        with self._counting:
            first = self.dropped == 0
            self.dropped += rows
        if first:
            LOG.warning(
                "WARNING: predictions are not being logged to %s (%s); answers go on, and GET "
                "/health counts the rows dropped.",
                self.path,
                reason,
            )


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


def _bounded(record: dict) -> dict:
    """The record as logged: text over LONG_CHARS cut, with its length and sha256 digest."""
    return {
        name: _cut(value) if isinstance(value, str) and len(value) > LONG_CHARS else value
        for name, value in record.items()
    }


def _cut(text: str) -> dict:
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return {"text": text[:KEPT_CHARS], "length": len(text), "sha256": digest}


def _json_text(value) -> str:
    """JSON as readable text; escaped to ASCII only for a lone surrogate, which UTF-8 (and so
    SQLite) cannot hold."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def served_inputs(rows: pd.DataFrame) -> pd.DataFrame:
    """The logged inputs as a table, one column per field (values as JSON gave them; a text
    stored cut is its first characters)."""
    records = [
        {k: v["text"] if isinstance(v, dict) else v for k, v in inputs.items()}
        for inputs in rows["inputs"]
    ]
    return pd.DataFrame.from_records(records, index=rows.index)


def served_lengths(rows: pd.DataFrame) -> pd.DataFrame:
    """The length in characters of each logged text, a text stored cut included (its recorded
    length); other values are missing."""
    records = [
        {
            k: v["length"] if isinstance(v, dict) else len(v) if isinstance(v, str) else None
            for k, v in inputs.items()
        }
        for inputs in rows["inputs"]
    ]
    return pd.DataFrame.from_records(records, index=rows.index)


def served_predictions(rows: pd.DataFrame) -> pd.DataFrame:
    """The logged answers shaped like the out-of-fold table: ``y_pred`` and ``proba_<class>``."""
    records = []
    for answer in rows["outputs"]:
        entry = {"y_pred": answer.get("prediction")}
        for label, share in (answer.get("probabilities") or {}).items():
            entry[f"proba_{label}"] = share
        records.append(entry)
    return pd.DataFrame.from_records(records, index=rows.index)
