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


@pytest.fixture
def example_package_back():
    """After the test, the example's own package is the one imported again.

    A test LocalCluster's scheduler runs in this process, and ``Client.upload_file`` (the
    engine ships the owner's package to a ``tcp://`` cluster's workers) imports the zip there
    too, replacing the package in ``sys.modules`` with one from a folder deleted afterwards.
    A real scheduler runs elsewhere; here the next test would import from the zip.
    """
    yield
    package = example.PACKAGE
    for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
        del sys.modules[name]
    src = str(example.EXAMPLE / "src")
    sys.path[:] = [src, *[p for p in sys.path if p != src]]
    owner.activate(example.EXAMPLE)
