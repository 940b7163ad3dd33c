"""Micro-batching: requests that arrive together are predicted in one call, on one thread.

A pipeline's cost is mostly per call, not per row: an ensemble of a linear model and
HistGradientBoosting takes about as long for eight rows as for one (each member's
``ColumnTransformer`` checks and encodes its columns once per call). Eight clients each paying
a whole call, on threads that take turns at the GIL, gave 26 requests/s and a p99 of 552 ms on
two cores. So requests are validated on their own (a bad one fails alone, before any
batching), then queued for one predicting thread, which takes what is waiting (up to
``BATCH_ROWS`` records), predicts the records in one call and hands each request its own
answers.

The wait is short and bounded: a batch waits at most ``WAIT_S`` for requests already on their
way (received, not yet validated), and not at all when none is, so a lone client never waits
for company. Under load no waiting is needed: requests queue while a batch is predicted.

One thread predicts, with its OpenMP and BLAS pools held to one thread (threadpoolctl, for
this thread's whole life), and every fitted step's ``n_jobs`` set to 1 (:func:`single_threaded`:
LightGBM sizes its OpenMP team from it on each call, past any limit): a booster's OpenMP team
spinning on both cores starves the threads that read and validate requests (one row of an
ensemble of boosters: 33 ms alone, 85 to 850 ms beside other work on two cores).
"""

import concurrent.futures
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable

from threadpoolctl import threadpool_limits

from .body import Problem
from .fitted import estimators_in

BATCH_ROWS = 1000  # records predicted in one call (a larger request is predicted alone)
WAIT_S = 0.003  # the longest a batch waits for requests still being read
STOP = object()  # put on the queue by close(): the predicting thread ends
CLOSE_TIMEOUT_S = 10
STOPPING = "the service is stopping: send the request again once it is back."
LOG = logging.getLogger(__name__)

Job = tuple[list[dict], concurrent.futures.Future]


class Batcher:
    """Predicts queued requests in batches on one thread; ``answer_all`` maps a list of requests
    (each a list of records) to one result per request: its answers, or the exception it gets."""

    def __init__(
        self,
        answer_all: Callable[[list[list[dict]]], list],
        *,
        max_rows: int = BATCH_ROWS,
        wait_s: float = WAIT_S,
    ):
        self.answer_all = answer_all
        self.max_rows = max_rows
        self.wait_s = wait_s
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._arriving = 0  # changed on the event loop only; the predicting thread reads it
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    @contextlib.contextmanager
    def arriving(self):
        """Count a request from its arrival until it is queued, so a batch may wait for it;
        yields the function that queues it (see :meth:`submit`). A queued request no longer
        counts: the batch it starts must not wait for the request itself."""
        counted = True

        def submit(records: list[dict]) -> concurrent.futures.Future:
            nonlocal counted
            if counted:
                counted = False
                self._arriving -= 1
            return self.submit(records)

        self._arriving += 1
        try:
            yield submit
        finally:
            if counted:
                self._arriving -= 1

    def submit(self, records: list[dict]) -> concurrent.futures.Future:
        """Queue one request's validated records; the future gets its answers or its error (a
        503 once the service is stopping)."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:  # nothing is queued behind STOP, where no thread would take it
            if self._closed:
                future.set_exception(Problem(503, STOPPING))
                return future
            self._start()
            self._jobs.put((records, future))
        return future

    def waiting(self) -> int:
        """Requests queued and not yet taken into a batch."""
        return self._jobs.qsize()

    def close(self) -> None:
        """Answer what is queued, then end the predicting thread; later requests get a 503."""
        with self._lock:
            self._closed = True
            thread, self._thread = self._thread, None
            if thread is not None:
                self._jobs.put(STOP)
        if thread is not None:
            thread.join(CLOSE_TIMEOUT_S)

    def _start(self) -> None:
        """Start the predicting thread on first use (under the lock): an app that is built and
        never served (a test, a failed start) leaves no thread behind."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._serve, name="predictor", daemon=True)
            self._thread.start()

    def _serve(self) -> None:
        try:
            limits = threadpool_limits(limits=1)
        except Exception as exc:  # a thread pool threadpoolctl cannot hold: predict regardless
            LOG.warning("Could not hold the predicting thread to one CPU thread (%s).", exc)
            limits = contextlib.nullcontext()
        with limits:
            while (batch := self._collect()) is not None:
                self._run(batch)

    def _collect(self) -> list[Job] | None:
        """The next batch: the first job waited for, then whatever joins it in time."""
        first = self._jobs.get()
        if first is STOP:
            return None
        batch, rows = [first], len(first[0])
        deadline = time.monotonic() + self.wait_s
        while rows < self.max_rows:
            job = self._next(deadline)
            if job is None:
                break
            if job is STOP:
                self._jobs.put(STOP)  # seen by the next _collect, after this batch is answered
                break
            batch.append(job)
            rows += len(job[0])
        return batch

    def _next(self, deadline: float):
        """A queued job; or one that arrives before ``deadline`` while requests are on their
        way; else None."""
        with contextlib.suppress(queue.Empty):
            return self._jobs.get_nowait()
        remaining = deadline - time.monotonic()
        if self._arriving <= 0 or remaining <= 0:
            return None
        with contextlib.suppress(queue.Empty):
            return self._jobs.get(timeout=remaining)
        return None

    def _run(self, batch: list[Job]) -> None:
        """Answer each request of the batch. Whatever fails, every future is settled and the
        thread lives on: a request never waits for an answer that cannot come."""
        # A request whose client has gone (its future cancelled) is not predicted.
        jobs = [
            (records, future) for records, future in batch if future.set_running_or_notify_cancel()
        ]
        if not jobs:
            return
        requests, live = [records for records, _ in jobs], [future for _, future in jobs]
        try:
            results = self.answer_all(requests)
            if len(results) != len(live):
                raise RuntimeError(f"{len(results)} answers for {len(live)} requests")
        except Exception as exc:  # a fault of the service itself: each request gets a 500
            LOG.exception("The predicting thread failed on a batch of %d requests.", len(live))
            results = [exc] * len(live)
        for future, result in zip(live, results, strict=True):
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)


def single_threaded(model) -> None:
    """Set ``n_jobs`` to 1 on every fitted estimator inside ``model`` (an ensemble's members, a
    pipeline's steps): the answers are the same, computed on the predicting thread alone."""
    for estimator in estimators_in(model, set()):
        jobs = getattr(estimator, "n_jobs", None)
        if isinstance(jobs, int) and not isinstance(jobs, bool) and jobs != 1:
            estimator.n_jobs = 1
