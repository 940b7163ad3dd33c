"""The engine's unit tests: the package imported in place, an example project active."""

import example  # noqa: F401  (renders the example project and makes it the active one)
import pytest


@pytest.fixture(scope="session")
def trained_project(tmp_path_factory):
    """The example project after `data` and `train`, built in this process once per session
    (see trained.py); copy it before changing it."""
    from trained import build

    return build(tmp_path_factory.mktemp("trained"), "data", "train")
