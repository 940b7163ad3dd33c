"""The audit's checks: one small function per problem, all listed once in ``CHECKS``.

Each check takes the ``AuditTable`` and returns its findings (usually none or one: a problem
found in several columns reads better as one finding naming them all). The checks live in one
module per family (``missing``, ``duplicates``, ``columns``, ``categories``, ``outliers``,
``order``, ``relations``, ``influence``, ``leakage``, ``mismatch``, ``target``; what several
share is in ``common``); this package holds
the registry. Adding a check is one function in its family's module and one entry in
``CHECKS``; its name is the finding's ``check`` key.

The rules are the ones a reviewer applies to any table, with thresholds chosen to stay quiet on
clean data: a placeholder must repeat, a sentinel must sit farther from the other values than
they spread, an outlier must be beyond three interquartile ranges on the scale the column is
naturally read on (log for a skewed quantity), a leak must score 0.99 on its own.
"""

import pandas as pd

from ..findings import SEVERITIES, Finding
from ..table import AuditTable
from .categories import (
    inconsistent_levels,
    mixed_types,
    near_levels,
    numbers_as_text,
    stray_numbers,
)
from .columns import (
    constant_columns,
    correlated_columns,
    id_like_columns,
    numeric_codes,
    one_to_one_columns,
)
from .duplicates import conflicting_labels, duplicate_rows, near_duplicates
from .influence import influential_rows
from .leakage import leaky_features, order_carries_target, train_only_columns
from .mismatch import distribution_shift, missing_rate_shift, out_of_range, unseen_categories
from .missing import missing_means_none, mostly_missing, placeholder_values, sentinel_numbers
from .order import impossible_order
from .outliers import extreme_values, impossible_negatives
from .relations import forced_amounts, sum_relations
from .target import skewed_features, target_shape

# The registry: every check, in report order within a severity. A check's name is its key.
CHECKS = (
    placeholder_values,
    sentinel_numbers,
    missing_means_none,
    mostly_missing,
    duplicate_rows,
    near_duplicates,
    conflicting_labels,
    constant_columns,
    one_to_one_columns,
    correlated_columns,
    id_like_columns,
    numeric_codes,
    inconsistent_levels,
    stray_numbers,
    near_levels,
    numbers_as_text,
    mixed_types,
    impossible_negatives,
    impossible_order,
    sum_relations,
    forced_amounts,
    extreme_values,
    influential_rows,
    leaky_features,
    order_carries_target,
    train_only_columns,
    distribution_shift,
    unseen_categories,
    out_of_range,
    missing_rate_shift,
    target_shape,
    skewed_features,
)
CHECK_NAMES = tuple(check.__name__ for check in CHECKS)
# Checks a project adds in its extend.py (kaggle_starter.extend.check), run after the built-in ones.
EXTRA_CHECKS: list = []


def audit(
    train: pd.DataFrame,
    test: pd.DataFrame | None = None,
    *,
    target: str | None = None,
    task: str | None = None,
    id_column: str | None = None,
    seed: int = 0,
    roles: dict[str, str] | None = None,
) -> list[Finding]:
    """Every registered check on train (and test), most severe first, then in registry order.

    ``train`` holds the target column when ``target`` is given; ``task`` is "binary",
    "multiclass" or "regression" (inferred from the target when None). Pure: no files, no
    config, the frames are not modified. ``roles`` (column -> role, from schema.json) makes the
    train-versus-test checks compare each column as the EDA and the monitor do.
    """
    if id_column is not None and id_column not in train.columns:
        raise ValueError(f"id_column {id_column!r} is not a column of train")
    table = AuditTable(
        train, test, target=target, task=task, id_column=id_column, seed=seed, roles=roles
    )
    checks = (*CHECKS, *EXTRA_CHECKS)
    findings = [finding for check in checks for finding in check(table)]
    rank = {check.__name__: i for i, check in enumerate(checks)}
    return sorted(findings, key=lambda f: (SEVERITIES.index(f.severity), rank[f.check]))
