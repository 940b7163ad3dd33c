"""Data-quality audit: what a reviewer finds in the first hour, with the fix for ``clean()``.

Pure functions of DataFrames: ``audit(train, test, target=..., task=..., id_column=...)`` runs
every registered check and returns ``Finding`` objects; ``residual_outliers`` is the one check
that needs out-of-fold predictions, so it runs after training. Writing the findings anywhere is
the caller's business (``[f.to_dict() for f in findings]`` is JSON-ready).
"""

from .checks import CHECK_NAMES, CHECKS, audit
from .findings import SEVERITIES, Finding
from .residuals import residual_outliers

__all__ = ["CHECKS", "CHECK_NAMES", "SEVERITIES", "Finding", "audit", "residual_outliers"]
