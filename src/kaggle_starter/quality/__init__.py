"""Data-quality audit: what a reviewer finds in the first hour, with the fix for ``clean()``.

Pure functions of DataFrames: ``audit(train, test, target=..., task=..., id_column=...)`` runs
every registered check and returns ``Finding`` objects; ``residual_outliers`` is the one check
that needs out-of-fold predictions, so it runs after training. Writing the findings anywhere is
the caller's business (``[f.to_dict() for f in findings]`` is JSON-ready).

The checks (and SciPy under them) load on first use of a name below, not with the package: the
stages that only show findings (`make report`, the site) then start a second sooner.
"""

from importlib import import_module

from .findings import SEVERITIES, Finding

_LAZY = {
    "CHECKS": ".checks",
    "CHECK_NAMES": ".checks",
    "audit": ".checks",
    "residual_outliers": ".residuals",
}

__all__ = ["CHECKS", "CHECK_NAMES", "SEVERITIES", "Finding", "audit", "residual_outliers"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
