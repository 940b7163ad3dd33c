"""The engine's unit tests: the package imported in place, an example project active."""

import sys

import example  # renders the example project and makes it the active one
import pytest

from kaggle_starter import owner


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory):
    """The example project after `data` and `train`, built in this process once per session
    (see trained.py); copy it before changing it."""
    from trained import build

    return build(tmp_path_factory.mktemp("trained"), "data", "train")


@pytest.fixture(scope="module")
def scheduler():
    """A Dask scheduler and two single-thread worker processes on 127.0.0.1 for one test
    module (the cluster tests), stopped afterwards."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        host="127.0.0.1",
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    ) as cluster:
        yield cluster


@pytest.fixture(autouse=True)
def example_package_first():
    """Before each test, the example's own package is the one ``import`` finds.

    Tests run other projects with the same package name in this process (copies of the example,
    by trained.py), and a test LocalCluster's scheduler runs here too, where
    ``Client.upload_file`` (the engine ships the owner's package to a ``tcp://`` cluster)
    imports the zip and puts it on ``sys.path``. A later test importing a module it writes into
    the example's package (test_metrics_catalogue) would then look in another copy.
    """
    src = str(example.EXAMPLE / "src")
    loaded = sys.modules.get(example.PACKAGE)
    if loaded is not None and not str(getattr(loaded, "__file__", "")).startswith(src):
        package = example.PACKAGE
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
    if sys.path[0] != src:
        sys.path[:] = [src, *[p for p in sys.path if p != src]]
    owner.activate(example.EXAMPLE)
    yield
