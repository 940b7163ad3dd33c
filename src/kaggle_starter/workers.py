"""The cluster the current work runs on, as the code that fits models sees it.

:mod:`.compute` opens the cluster for a stage and enters it here (:func:`enter`); the models
that can train across its workers (:mod:`.modeling.across_workers`) and the loops that decide
where a fold runs read it back: which cluster, its client, and whether a table is too big for
one of its workers. Kept apart from :mod:`.compute`, which reads the project's config, so that
the models (which config names) can ask without an import cycle. Nothing here imports Dask.
"""

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

# A table counts as too big for one worker above this share of the smallest worker's memory: a
# fit there holds the table, the booster's own copy of it (XGBoost's quantised matrix and its
# conversion buffers from pandas) and the gradients at once, a few times the table at its peak,
# and the worker also keeps the task's inputs and outputs (Dask pauses a worker at 80 % of its
# limit and restarts it at 95 %). Such a table is trained across the workers by the models that
# can (:mod:`.modeling.across_workers`).
WORKER_SHARE = 0.25
_active: ContextVar[str] = ContextVar("kaggle_starter_cluster", default="")
_client_var: ContextVar[object] = ContextVar("kaggle_starter_client", default=None)
_spreading: ContextVar[bool] = ContextVar("kaggle_starter_spreading", default=False)


def enter(where: str, client) -> Callable[[], None]:
    """Make ``client`` (described by ``where``) the current work's cluster; returns the call
    that leaves it."""
    token, held = _active.set(where), _client_var.set(client)

    def leave() -> None:
        _client_var.reset(held)
        _active.reset(token)

    return leave


def active() -> str:
    """The description of the cluster the current work runs on, or "" in-process."""
    return _active.get()


def client():
    """The Dask client :func:`.compute.on_cluster` opened for the current work, or None
    in-process (and inside a task on a worker, which has no client of the engine's)."""
    return _client_var.get()


def too_big_for_a_worker(nbytes: int) -> bool:
    """Whether a table of ``nbytes`` bytes is more than ``WORKER_SHARE`` of the smallest
    worker's memory on the active cluster; never in-process."""
    active_client = _client_var.get()
    if active_client is None:
        return False
    return nbytes > WORKER_SHARE * worker_memory(
        worker_info(active_client), lambda: active_client.run(_host_memory)
    )


def worker_memory(workers: dict, host_memory) -> int:
    """The smallest memory limit among ``workers`` (``scheduler_info()["workers"]``), in bytes.

    A worker without a limit (0 or None: Dask's ``memory_limit=0``) can use its machine's
    memory, which ``host_memory()`` returns for every worker ({address: bytes}); it is only
    asked when some worker has no limit.
    """
    limits = {address: info.get("memory_limit") or 0 for address, info in workers.items()}
    if not limits:
        return 0
    if not all(limits.values()):
        hosts = host_memory()
        limits = {address: limit or hosts[address] for address, limit in limits.items()}
    return min(limits.values())


def _host_memory() -> int:
    """On a worker: the memory of its machine (or of its container), as Dask measures it."""
    from distributed.system import MEMORY_LIMIT

    return MEMORY_LIMIT


def too_big(X) -> bool:
    """Whether the table ``X`` is too big for one worker of the active cluster (never
    in-process, where the table is not even measured: a deep count of a column of strings
    takes seconds at millions of rows). Decided on the whole training table: then every fold
    and the refit are fitted on the machine running ``make`` (:func:`fits_spread`), not sent to
    a worker."""
    return _client_var.get() is not None and too_big_for_a_worker(table_bytes(X))


@contextlib.contextmanager
def fits_spread() -> Iterator[None]:
    """Under here the models that can train across the workers do
    (:mod:`.modeling.across_workers`): the table was found :func:`too_big` for one."""
    token = _spreading.set(True)
    try:
        yield
    finally:
        _spreading.reset(token)


def spreading() -> bool:
    """Whether a fit now should train across the active cluster's workers (see fits_spread)."""
    return _spreading.get() and _client_var.get() is not None


def worker_info(client) -> dict:
    """The scheduler's record of every worker, {address: info}: distributed 2025.4 to 2026.6
    list only five unless asked for all (``n_workers=-1``), which earlier versions do not take."""
    try:
        return client.scheduler_info(n_workers=-1)["workers"]
    except TypeError:
        return client.scheduler_info()["workers"]


def table_bytes(X) -> int:
    """The memory a table (or array) holds, strings and categories included."""
    if hasattr(X, "memory_usage"):
        return int(X.memory_usage(deep=True, index=False).sum())
    return int(getattr(X, "nbytes", 0))
