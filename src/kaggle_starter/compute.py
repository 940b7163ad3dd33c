"""Where the heavy loops run: in this process, on a Dask cluster on this machine, or on a cluster.

``compute.cluster`` in config.yaml (or ``DASK_SCHEDULER_ADDRESS``) names it: empty, the default,
keeps everything in this process as before; ``local`` starts a ``distributed.LocalCluster`` of
single-thread worker processes here; ``tcp://host:port`` (or ``tls://``) connects to a scheduler
someone already runs. Inside :func:`on_cluster` the engine's own joblib loops enter joblib's Dask
backend through :func:`spread` (cross-validation folds in :mod:`.modeling.validation`,
permutation importance, the folds of each tuning trial), so they run as tasks on the workers;
everything else (loading, refitting the best model, writing, scikit-learn's own inner joblib
calls, which :func:`sequential` keeps in the task) stays where it is. Dask itself is an
optional extra (``kaggle-starter[dask]``): without a cluster named, nothing here imports it.

No dashboard (and so no Bokeh server) is started, and nothing is sent anywhere but to the
scheduler named.
"""

import asyncio
import contextlib
import hashlib
import logging
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import joblib

from . import owner, workers
from .config import Config
from .errors import ProjectError

IN_PROCESS = "in-process"
LOCAL_WORKERS = 2  # `local`: two single-thread worker processes (one per core of a small machine)
CONNECT_SECONDS = 30  # how long to wait for a scheduler, and then for its first worker
INSTALL = (
    'pip install "kaggle-starter[dask]" (or uv add "kaggle-starter[dask]"), the same version on '
    "the workers"
)

BACKEND = "kaggle-starter-dask"


def n_jobs() -> int:
    """joblib's ``n_jobs`` for the loops that can spread: every worker under a cluster, else one
    (in-process stays sequential, so its order, memory and output are as they always were)."""
    return -1 if workers.active() else 1


def spread():
    """The context for one of the engine's joblib loops: joblib's Dask backend on the active
    cluster's client, or nothing in-process. Scoped to that loop, so scikit-learn's own joblib
    calls elsewhere in the stage (a ColumnTransformer, a refit) are not sent to the workers."""
    client = workers.client()
    if client is None:
        return contextlib.nullcontext()
    return joblib.parallel_backend(_backend(), client=client)


def sequential():
    """Inside a task: scikit-learn's inner joblib calls run right there, one after another,
    rather than as more Dask tasks from inside a task."""
    return joblib.parallel_config(backend="sequential")


@contextlib.contextmanager
def on_cluster(cfg: Config) -> Iterator[str]:
    """Run the body where ``cfg.cluster`` says; yields where, for the run record.

    Every client and cluster opened here is closed on the way out, also after an error.
    """
    address = cfg.cluster
    if not address:
        yield IN_PROCESS
        return
    distributed = _distributed(address)
    with contextlib.ExitStack() as stack:
        client = _client(distributed, address, stack)
        if address != "local":
            _ship_owner(client, cfg.root, stack)
        where = _describe(address, client)
        print(f"compute: cross-validation, tuning and permutation importance run on {where}.")
        stack.callback(workers.enter(where, client))
        try:
            yield where
        except distributed.KilledWorker as exc:  # Dask already retried it on other workers
            raise ProjectError(
                f"Dask workers of {where} kept dying while running {exc.task!r} (out of memory, "
                "or killed): give them more memory or fewer threads each, then run the command "
                "again."
            ) from None


def _backend() -> str:
    """joblib's Dask backend, with one fix: a task Dask gives up on (its workers kept dying)
    reaches joblib as an error. joblib 1.6's backend only marks its future, and Parallel waits
    for ever; nothing else does this, so it is written here (a subclass; the plain backend
    when a future joblib lacks the coroutine it overrides)."""
    from joblib._dask import DaskDistributedBackend

    if not hasattr(DaskDistributedBackend, "_collect"):
        return "dask"

    class Backend(DaskDistributedBackend):
        async def _collect(self):
            while self._continue:
                async for future, result in self.waiting_futures:
                    cf_future = self._results.pop(future)
                    callback = self._callbacks.pop(future)
                    if future.status == "error":
                        cf_future.set_exception(result[1])
                        callback(result[1])  # joblib raises it in the caller
                    else:
                        cf_future.set_result(result)
                        callback(result)
                await asyncio.sleep(0.01)

    joblib.register_parallel_backend(BACKEND, Backend)
    return BACKEND


def _distributed(address: str):
    """The ``distributed`` module, or the one sentence that says what to install."""
    try:
        import distributed
    except ImportError:
        raise ProjectError(
            f"compute.cluster is {address!r} but Dask is not installed here: {INSTALL}, or "
            "leave compute.cluster empty (and DASK_SCHEDULER_ADDRESS unset) to run in-process."
        ) from None
    return distributed


def _client(distributed, address: str, stack: contextlib.ExitStack):
    """A client of a new LocalCluster (``local``) or of the scheduler at ``address``, with at
    least one worker; both are closed when ``stack`` unwinds."""
    if address == "local":
        with warnings.catch_warnings():
            # The scheduler's health/metrics endpoint (not a dashboard) takes another port on
            # 127.0.0.1 when 8787 is busy, say with a notebook's cluster; no need to warn.
            warnings.filterwarnings("ignore", "Port .* is already in use", UserWarning)
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=LOCAL_WORKERS,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,  # no Bokeh dashboard
                    silence_logs=logging.ERROR,
                )
            )
        return stack.enter_context(distributed.Client(cluster, set_as_default=False))
    try:
        client = distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (TypeError, ValueError) as exc:  # tls:// without Dask's TLS settings, say
        raise ProjectError(
            f"Dask cannot connect to {address} as it is set up here ({exc}); a tls:// scheduler "
            "needs Dask's distributed.comm.tls settings (certificates) on this machine."
        ) from None
    except (OSError, TimeoutError) as exc:
        raise ProjectError(
            f"No Dask scheduler answered at {address} within {CONNECT_SECONDS} s ({exc}): start "
            "it, check the address in compute.cluster (or DASK_SCHEDULER_ADDRESS), or leave it "
            "empty to run in-process."
        ) from None
    stack.enter_context(client)
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError):
        raise ProjectError(
            f"The Dask scheduler at {address} has no workers after {CONNECT_SECONDS} s: start "
            f"some (dask worker {address}), or leave compute.cluster empty to run in-process."
        ) from None
    return client


def _ship_owner(client, root: Path, stack: contextlib.ExitStack) -> None:
    """Send the owner's package (features.py, extend.py) to the workers as a zip on their
    sys.path: the pipelines hold references to its functions, which a worker on another
    machine could not import otherwise. The engine itself must be installed there.

    The zip is named by its content and the workers forget the package's modules first, so a
    long-lived cluster runs today's features.py, not the one of an earlier run.
    """
    project = owner.find_or_none(root)
    if project is None or not project.folder.is_dir():
        return
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    archive = Path(
        shutil.make_archive(str(folder / "owner"), "zip", project.folder.parent, project.package)
    )
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:12]
    named = archive.rename(folder / f"{project.package}-{digest}.zip")
    client.run(_forget, project.package)
    client.upload_file(str(named), load=True)


def _forget(package: str) -> None:
    """On a worker: drop the owner's package from the imported modules."""
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]


def _describe(address: str, client) -> str:
    count = len(workers.worker_info(client))
    unit = "worker" if count == 1 else "workers"
    return f"{'local cluster' if address == 'local' else address} ({count} {unit})"
