"""One model of the suite behind its feature pipeline: what training fits and prediction loads.

The pipeline takes the raw feature columns (as :func:`..schema.split_target` gives them) and
answers in the target's own spelling and scale, so the saved model needs nothing else at predict
or serve time.
"""

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline

from ..metrics import CLASSIFICATION
from .preprocessing import preprocessor
from .suite import SUITE, Settings, n_jobs


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

    ``roles`` come from ``preprocessing.model_roles(schema)``; ``rows`` (the training size)
    picks the boosters' settings (see ``SMALL_DATA_ROWS``). ``log_target`` fits a regressor on
    log1p(y) and answers with expm1 of its prediction: what RMSLE rewards, and what a positive,
    skewed target usually needs.
    """
    classify = task in CLASSIFICATION
    spec = SUITE[name]
    settings = Settings(seed, rows, len(roles["categorical"]), n_jobs(), dict(params or {}))
    estimator = (spec.classifier if classify else spec.regressor)(settings)
    model = estimator
    if spec.preprocess:
        features = preprocessor(roles, schema, linear=spec.linear, as_codes=spec.as_codes)
        model = Pipeline([("features", features), ("model", estimator)])
    if log_target and not classify:
        return TransformedTargetRegressor(
            regressor=model, func=np.log1p, inverse_func=np.expm1, check_inverse=False
        )
    return model
