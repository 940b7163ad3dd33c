"""One model of the suite behind its feature pipeline: what training fits and prediction loads.

Every model is ``Pipeline([("user", UserFeatures()), ("model", core)])``: the user's
``clean``/``add_features`` first, then the core (learned steps, preprocessing from column roles,
the estimator; wrapped for a log-scale target). It takes the raw feature columns (as
:func:`..schema.split_target` gives them) and answers in the target's own spelling and scale, so
the saved model needs nothing else at predict or serve time; interpretation explains the core on
the engineered table, so the user's new columns are named in it.
"""

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline

from .. import owner
from ..metrics import CLASSIFICATION
from .engineering import UserFeatures, learned_steps
from .estimators import SampledFit
from .learned import GroupStatistic, told_the_task
from .preprocessing import feature_count, preprocessor, sentence_columns
from .suite import HUGE_LINEAR_ROWS, SUITE, Settings, huge_table, n_jobs


def build_model(
    name: str,
    task: str,
    roles: dict[str, list[str]],
    schema: dict,
    *,
    seed: int,
    rows: int,
    log_target: bool = False,
    params: dict | None = None,
):
    """One model of the suite as a pipeline from feature columns to predictions.

    ``roles`` come from ``preprocessing.model_roles(schema)``; ``rows`` (the training size) and
    the number of feature columns pick the boosters' settings (see ``suite.size_tier``); on a
    huge table the trees read float32 (``preprocessor``'s ``compact``) and the linear model
    fits on a sample (``estimators.SampledFit``).
    ``log_target`` fits a regressor on log1p(y) and answers with expm1 of its prediction: what
    RMSLE rewards, and what a positive, skewed target usually needs.
    """
    classify = task in CLASSIFICATION
    spec = SUITE[name]
    settings = Settings(
        seed,
        rows,
        len(roles["categorical"]),
        n_jobs(),
        dict(params or {}),
        feature_count(roles),
        prose=bool(sentence_columns(schema, roles["text"])),
    )
    estimator = (spec.classifier if classify else spec.regressor)(settings)
    core = estimator
    if spec.preprocess:
        features = preprocessor(
            roles,
            schema,
            linear=spec.linear,
            as_codes=spec.as_codes,
            task=task,
            seed=seed,
            compact=huge_table(rows),
        )
        steps = [told_the_task(step, task) for step in learned_steps()]
        learned = [(f"learned_{i}", step) for i, step in enumerate(steps)]
        core = Pipeline([*learned, ("features", features), ("model", estimator)])
    if log_target and not classify:
        core = TransformedTargetRegressor(
            regressor=core, func=np.log1p, inverse_func=np.expm1, check_inverse=False
        )
    if spec.linear and huge_table(rows):  # a sample pins a linear model (suite.HUGE_ROWS)
        core = SampledFit(core, rows=HUGE_LINEAR_ROWS, seed=seed)
    return with_user_features(core)


def with_user_features(core) -> Pipeline:
    """``core`` behind the user's ``clean``/``add_features`` step, which names the owner's
    package so the saved model finds its code outside the project's folder too."""
    return Pipeline([("user", UserFeatures(owner.current().package)), ("model", core)])


def split_user(model) -> tuple[object | None, object]:
    """(the user step or None, the core) of a saved model."""
    if isinstance(model, Pipeline) and model.steps[0][0] == "user":
        return model.steps[0][1], model.steps[-1][1]
    return None, model


def pipelines_per_prediction(model) -> int:
    """Feature pipelines one prediction of ``model`` runs: a blend's members, else one.

    Interpretation budgets its prediction calls by this, so explaining a blend costs about what
    explaining one model does.
    """
    _, core = split_user(model)
    return max(1, len(getattr(core, "estimators", None) or [None]))


def encodes_targets(model) -> bool:
    """Whether ``model`` turns a column into its levels' mean target (cross-fitted in training).

    Such a model reads its own training rows differently from new ones: fitted on all rows, a
    level only one training row has encodes as that row's answer. Interpretation therefore
    explains these models on rows they never saw.
    """
    from sklearn.preprocessing import TargetEncoder

    return any(
        isinstance(step, TargetEncoder) or (isinstance(step, GroupStatistic) and step.of is None)
        for step in model.get_params(deep=True).values()
    )
