"""The audit as the project records and shows it: data_quality.json, clean() code, short lines.

:func:`quality_report` is what `make data` writes to ``reports/data_quality.json``;
:func:`clean_function` turns its findings into a ``clean()`` ready to paste into
``src/<package>/features.py``, :func:`features_function` the features they reveal into an
``add_features()``; :func:`finding_line` is the one-line form the README and the
notebook list; :func:`gap_table` is what the notebook's figure draws; :func:`residual_report` is
the after-training check the interpret stage records. All are pure functions of frames and dicts.
"""

import numpy as np
import pandas as pd

from ..text import names
from .findings import SEVERITIES

ROW_COUNTS = ("rows", "groups", "columns")  # count keys that are not column names
COUNTS_SHOWN = 4
MEANS_NONE, OTHER_MISSING = "missing, means 'none'", "missing, other"
# Checks whose counts are rows of a column that hold no real value: the figure's kinds.
HIDDEN_GAPS = {"placeholder_values": "placeholder string", "sentinel_numbers": "sentinel number"}
GAP_CHECKS = ("missing_means_none", "mostly_missing", *HIDDEN_GAPS)


def quality_report(
    train: pd.DataFrame,
    test: pd.DataFrame | None,
    *,
    target: str | None,
    task: str | None,
    id_column: str | None,
    seed: int = 0,
    roles: dict[str, str] | None = None,
) -> dict:
    """The audit of train (and test) as ``reports/data_quality.json`` records it.

    ``clean`` holds the proposed fixes as one paste-ready function, so the file alone is enough
    to act on the findings; ``add_features`` the features they reveal, commented out. ``seed``
    draws the samples, the project's ``cv_seed`` as for the EDA and the monitor, so their
    train-versus-test numbers agree.
    """
    from .checks import audit  # the checks load only where they run (not for `make report`)

    audited = audit(
        train, test, target=target, task=task, id_column=id_column, seed=seed, roles=roles
    )
    findings = [f.to_dict() for f in audited]
    return {
        "rows": {"train": len(train), "test": None if test is None else len(test)},
        "target": target,
        "task": task,
        "id": id_column,
        "severity": {s: sum(f["severity"] == s for f in findings) for s in SEVERITIES},
        "findings": findings,
        "clean": clean_function(findings),
        "add_features": features_function(findings),
    }


def clean_function(findings: list[dict]) -> str | None:
    """The findings' fixes as a ``clean(frame)`` to paste into features.py, or None if none.

    High and medium fixes are live code; low-severity ones (drop a redundant column, log a
    skewed amount) depend on the model, so they come commented out for the user to choose.
    Each block starts with the finding's title, so the user can see what a line is for.
    """
    return _function("clean", findings, "fix", optional=lambda f: f["severity"] == "low")


def features_function(findings: list[dict]) -> str | None:
    """The features the findings reveal (a rule's total, a part's share, the time between two
    dates) as an ``add_features(frame)`` to paste into features.py, or None if none. All come
    commented out: whether a feature helps is for `make train` to tell, one at a time."""
    return _function("add_features", findings, "feature", optional=lambda f: True)


def _function(name: str, findings: list[dict], key: str, optional) -> str | None:
    blocks = []
    for finding in findings:
        if not finding.get(key):
            continue
        commented = optional(finding)
        lines = finding[key].splitlines()
        header = f"    # {finding['title']}" + (
            " (optional: uncomment to apply)" if commented else ""
        )
        blocks.append("\n".join([header, *(f"    {'# ' if commented else ''}{x}" for x in lines)]))
    if not blocks:
        return None
    body = "\n\n".join(blocks)
    return f"def {name}(frame: pd.DataFrame) -> pd.DataFrame:\n{body}\n    return frame\n"


def _counted(key: str, value: float) -> str:
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    return f"{shown} {key}" if key in ROW_COUNTS else f"{key} {shown}"


def finding_line(finding: dict) -> str:
    """One line per finding: 'Placeholder strings hide missing values (high): colour 25, size 3.'"""
    if finding["check"] == "residual_outliers":  # its counts are row labels and residual z's
        labels = [key for key in finding["counts"] if key != "rows"]
        rows = _counted("rows", finding["counts"]["rows"])
        return (
            f"{finding['title']} ({finding['severity']}): {rows} ({names(labels)}) at extreme "
            f"{names(finding['columns'])}."
        )
    counts = list(finding["counts"].items())
    shown = [_counted(key, value) for key, value in counts[:COUNTS_SHOWN]]
    if len(counts) > COUNTS_SHOWN:
        shown.append(f"and {len(counts) - COUNTS_SHOWN} more")
    detail = ", ".join(shown) if shown else names(finding["columns"])
    return f"{finding['title']} ({finding['severity']}): {detail}."


def gap_table(train: pd.DataFrame, findings: list[dict]) -> pd.DataFrame:
    """Per column, the share of training rows with no real value, by kind: explicit gaps that
    mean "none", other explicit gaps, placeholder strings and sentinel numbers.

    Only the columns a gap finding names are listed, the most affected first; the table is
    empty when the audit found no hidden or meaningful gaps (the missing-value chart says it all).
    """
    rows = max(len(train), 1)
    shares: dict[str, dict[str, float]] = {}
    for finding in (f for f in findings if f["check"] in GAP_CHECKS):
        for column in finding["columns"]:
            kinds = shares.setdefault(column, {})
            explicit = int(train[column].isna().sum()) if column in train else 0
            if finding["check"] == "missing_means_none":
                kinds[MEANS_NONE] = finding["counts"][column] / rows
            elif finding["check"] in HIDDEN_GAPS:
                kinds[HIDDEN_GAPS[finding["check"]]] = finding["counts"][column] / rows
            kinds[OTHER_MISSING] = max(explicit / rows - kinds.get(MEANS_NONE, 0.0), 0.0)
    order = [MEANS_NONE, OTHER_MISSING, *HIDDEN_GAPS.values()]
    table = pd.DataFrame.from_dict(shares, orient="index").reindex(columns=order).fillna(0.0)
    table = table.loc[:, (table > 0).any()]  # a kind no column has would be an empty legend entry
    return table.loc[table.sum(axis=1).sort_values(ascending=False).index]


def residual_report(
    train: pd.DataFrame,
    oof: pd.DataFrame,
    *,
    target: str,
    id_column: str | None,
    log_scale: bool,
) -> list[dict]:
    """Badly predicted rows at extreme feature values, from `make train`'s out-of-fold rows.

    ``oof`` is indexed by row position in ``train`` (only the rows a fold validated); rows are
    named by the id column when there is one, so the finding points at rows a user can look up.
    Residuals are taken on the scale the metric scores (log1p for a log-scaled metric), where a
    miss on a cheap and an expensive item weigh alike.
    """
    rows = train.loc[oof.index]
    features = rows.drop(columns=[c for c in (target, id_column) if c])
    if id_column:
        features.index = pd.Index(rows[id_column].to_numpy(), name=id_column)
    truth = oof["y_true"].to_numpy(dtype="float64")
    predicted = oof["y_pred"].to_numpy(dtype="float64")
    if log_scale:  # a log-scored target is positive; predictions below -1 would be undefined
        truth, predicted = np.log1p(truth), np.log1p(np.maximum(predicted, 0.0))
    from .residuals import residual_outliers

    found = residual_outliers(features, truth, predicted, target=target)
    return [f.to_dict() for f in found]
