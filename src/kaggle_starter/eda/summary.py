"""Everything the EDA notebook states and ``reports/eda.json`` records, computed once.

:func:`summarise` runs the analysis and writes the sentences, so the notebook's markdown, its
code cells and eda.json all show the same numbers.
"""

import pandas as pd

from .. import shift
from ..modeling.preprocessing import high_cardinality
from ..schema import feature_columns
from .analysis import (
    MAX_PLOTS,
    associations,
    date_summary,
    level_table,
    missing_shares,
    numeric_by_target,
    positive_class,
    shift_roles,
    target_summary,
    text_summary,
)
from .prose import (
    adversarial_sentence,
    findings,
    level_sentence,
    next_steps,
    numeric_sentences,
    target_sentences,
)


def summarise(
    schema: dict, train: pd.DataFrame, test: pd.DataFrame | None, metric: str, seed: int = 0
) -> dict:
    """Everything the notebook states and ``reports/eda.json`` records, computed once."""
    target, task = schema["target"], schema["task"]
    groups = feature_columns(schema)
    features = [c for cols in groups.values() for c in cols]
    target_info = target_summary(train[target], task)
    missing = missing_shares(  # a column test lacks is absent there, not missing
        train[features], None if test is None else test[[c for c in features if c in test]]
    )
    ranked = associations(train, groups, target, task, seed)
    shifted, adversarial = _shift(train, test, groups, seed)
    train_only = [] if test is None else [c for c in features if c not in test.columns]
    ranked_names = list(ranked["feature"])
    numeric = [c for c in ranked_names if c in groups["numeric"]][: MAX_PLOTS["numeric"]]
    many = set(high_cardinality(schema))
    plotted = [c for c in ranked_names if c in groups["categorical"] and c not in many]
    categorical = plotted[: MAX_PLOTS["categorical"]]
    positive = positive_class(schema["classes"]) if task == "binary" else None
    levels = [
        level_sentence(level_table(train, c, target, task, positive), c, task) for c in categorical
    ]
    by_target = numeric_by_target(train, numeric[:3], target, task) if numeric else None
    texts = {c: text_summary(train, c, target, task) for c in groups["text"]}
    dates = {c: date_summary(train, test, c) for c in groups["datetime"]}
    return {
        "target": target,
        "task": task,
        "metric": metric,
        "rows": {"train": len(train), "test": None if test is None else len(test)},
        "groups": groups,
        "target_summary": target_info,
        "target_sentences": target_sentences(target_info, target, task, metric),
        "missing": {c: round(float(v), 4) for c, v in missing["train"].items() if v > 0},
        "missing_test": (
            {c: round(float(v), 4) for c, v in missing["test"].fillna(0).items()}
            if test is not None
            else None
        ),
        "top_features": ranked.head(15).to_dict("records"),
        "numeric_plots": numeric,
        "numeric_sentences": []
        if by_target is None
        else numeric_sentences(by_target, target, task),
        "categorical_plots": categorical,
        "level_sentences": levels,
        "drift": None if shifted is None else shifted.head(15).to_dict("records"),
        "adversarial_auc": None if adversarial is None else adversarial.auc,
        "adversarial_sentence": adversarial_sentence(
            adversarial, [] if shifted is None else list(shifted["feature"])
        ),
        "train_only": train_only,
        "text": texts,
        "dates": dates,
        "high_cardinality": sorted(many),
    }


def _shift(
    train: pd.DataFrame, test: pd.DataFrame | None, groups: dict, seed: int
) -> tuple[pd.DataFrame | None, shift.Adversarial | None]:
    """Train against test as the audit and the monitor measure it (None without a test)."""
    if test is None:
        return None, None
    roles = shift_roles(groups, train, test)
    features = shift.compare_features(train, test, roles, seed=seed)
    return shift.table(features), shift.adversarial(train, test, roles, seed=seed)


def eda_json(summary: dict, figures: list[str]) -> dict:
    """The contract's ``reports/eda.json``: findings, next steps and the key numbers."""
    return {
        "findings": findings(summary),
        "next_steps": next_steps(summary),
        "adversarial_auc": summary["adversarial_auc"],
        "missing": summary["missing"],
        "top_features": summary["top_features"],
        "figures": figures,
    }
