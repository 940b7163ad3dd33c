"""SHAP values of the final model, per original column, with each column's direction of effect.

Exact explainers (tree, linear) run on the model's preprocessed matrix and are summed back onto
the original columns, so a one-hot encoded or vectorised column is ranked as the one column it
was. Models shap cannot read exactly (HistGradientBoosting with native categorical splits) get a
batched sampled-Shapley estimate through the whole pipeline instead.
"""

import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline

from ..modeling.estimators import LabelEncodedClassifier, SampledFit
from ..modeling.pipeline import pipelines_per_prediction

MAX_LEVELS_NAMED = 30  # categories of a column that a sentence may name as raising/lowering
KERNEL_ROWS = 200  # rows explained when only the model-agnostic Shapley sampling applies
SHAPLEY_BATCH_ROWS = 100_000  # composite rows predicted at once by that sampling
BACKGROUND_ROWS = 100  # rows a linear model's SHAP values are centred on
TREE_MODELS = (
    "LGBM",
    "XGB",
    "CatBoost",
    "RandomForest",
    "ExtraTrees",
    "DecisionTree",
    "GradientBoosting",
)


def _unwrap(model) -> tuple[object, Pipeline | None, object, bool]:
    """(model answering on the explained scale, preprocessing, final estimator, log target?).

    A log-target regressor is explained on the log scale it was fitted on; XGBoost's label
    encoding wrapper is looked through, as it only renames classes.
    """
    if isinstance(model, SampledFit):  # fitted on a sample, explained like any fit
        model = model.estimator_
    log_target = isinstance(model, TransformedTargetRegressor)
    inner = model.regressor_ if log_target else model
    preprocess, estimator = None, inner
    if isinstance(inner, Pipeline) and len(inner.steps) > 1:
        preprocess, estimator = inner[:-1], inner[-1]
    if isinstance(estimator, LabelEncodedClassifier):
        estimator = estimator.estimator_
    return inner, preprocess, estimator, log_target


def _dense(matrix) -> np.ndarray:
    matrix = matrix.toarray() if hasattr(matrix, "toarray") else matrix
    return np.asarray(matrix, dtype=float)


def column_owners(preprocess, X: pd.DataFrame) -> np.ndarray:
    """For each preprocessed column, the position of the original column it comes from (-1: none).

    Found by experiment rather than by parsing generated names (which may contain the same
    punctuation as the original ones): rotating one original column by a row changes exactly the
    outputs that depend on it. Outputs constant over the sample stay unassigned.
    """
    base = _dense(preprocess.transform(X))
    owners = np.full(base.shape[1], -1)
    for j, column in enumerate(X.columns):
        rotated = X.copy()
        rotated[column] = np.roll(X[column].to_numpy(), 1)
        changed = ~np.isclose(_dense(preprocess.transform(rotated)), base, equal_nan=True).all(0)
        owners[changed & (owners == -1)] = j
    return owners


def _tree_explainable(estimator) -> bool:
    """Whether shap's TreeExplainer gives exact values for this estimator.

    shap reads HistGradientBoosting's categorical (bitset) splits as numeric thresholds: on the
    penguins its values missed the model's log-odds by 14; such models take the generic path.
    """
    names = [kind.__name__ for kind in type(estimator).__mro__]  # the engine's subclasses too
    if any(name.startswith("HistGradientBoosting") for name in names):
        categorical = getattr(estimator, "is_categorical_", None)
        return categorical is None or not categorical.any()
    return any(name.startswith(TREE_MODELS) for name in names)


def _grouped_transformed(preprocess, estimator, X: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Exact SHAP values on the preprocessed matrix, summed onto the original columns.

    shap is imported here, not at the top: it costs seconds to import and the sampled-Shapley
    path (native categorical boosting) never needs it.
    """
    import shap

    Z = preprocess.transform(X) if preprocess is not None else X
    owners = column_owners(preprocess, X) if preprocess is not None else np.arange(X.shape[1])
    if hasattr(estimator, "coef_"):
        Z = _dense(Z)
        masker = shap.maskers.Independent(Z, max_samples=BACKGROUND_ROWS)
        values, kind = shap.LinearExplainer(estimator, masker)(Z).values, "linear"
    else:
        Z = Z if isinstance(Z, pd.DataFrame) else _dense(Z)
        values, kind = shap.TreeExplainer(estimator)(Z, check_additivity=False).values, "tree"
    values = np.asarray(values, dtype=float)
    values = values if values.ndim == 3 else values[:, :, None]
    grouped = np.stack([values[:, owners == j].sum(axis=1) for j in range(X.shape[1])], axis=1)
    return grouped, kind


def sampled_shapley(
    answer, X: pd.DataFrame, seed: int, batch_rows: int = SHAPLEY_BATCH_ROWS
) -> np.ndarray:
    """Shapley values by permutation sampling (Strumbelj & Kononenko), in one batched prediction.

    For each explained row, a few background rows and a random order of the columns (plus its
    reverse): columns switch one at a time from the background row's value to the row's own, and
    each switch's change in prediction is that column's contribution. A row's contributions add
    up exactly to its prediction minus the background's, as SHAP values do. All composite rows
    go through the pipeline in one call; shap's own permutation explainer calls it per row,
    which took minutes on 200 penguins. ``batch_rows`` bounds the composite rows (each row
    explained still gets one pair of orders); a blend's members share it.
    """
    rng = np.random.default_rng(seed)
    n, p = X.shape
    draws = max(1, batch_rows // (2 * n * (p + 1)))
    orders = np.array([rng.permutation(p) for _ in range(n * draws)])
    orders = np.concatenate([orders, orders[:, ::-1]])  # antithetic pairs lower the variance
    rows = np.tile(np.repeat(np.arange(n), draws), 2)
    background = rng.integers(0, n, size=len(rows))
    switched = np.argsort(orders, axis=1)[:, None, :] < np.arange(p + 1)[None, :, None]
    composite = {}
    for c, name in enumerate(X.columns):
        values = X[name].to_numpy()
        mine, theirs = np.repeat(values[rows], p + 1), np.repeat(values[background], p + 1)
        composite[name] = np.where(switched[:, :, c].ravel(), mine, theirs)
    frame = pd.DataFrame(composite).astype(X.dtypes.to_dict())
    predictions = np.asarray(answer(frame), dtype=float).reshape(len(rows), p + 1, -1)
    gains = np.diff(predictions, axis=1)  # composite, step, outputs
    values = np.zeros((n, p, gains.shape[2]))
    for t in range(len(rows)):
        values[rows[t], orders[t]] += gains[t]
    return values / (2 * draws)


def shap_table(model, X: pd.DataFrame, task: str, seed: int) -> dict | None:
    """SHAP values per original column, with each column's direction of effect."""
    inner, preprocess, estimator, log_target = _unwrap(model)
    if type(estimator).__name__.startswith("Dummy"):
        print("interpret: the best model is a constant baseline; SHAP has nothing to explain")
        return None
    if hasattr(estimator, "coef_") or _tree_explainable(estimator):
        rows = X
        grouped, kind = _grouped_transformed(preprocess, estimator, X)
    else:
        rows = X.iloc[:KERNEL_ROWS]
        answer = inner.predict if task == "regression" else inner.predict_proba
        batch = SHAPLEY_BATCH_ROWS // pipelines_per_prediction(model)
        grouped, kind = sampled_shapley(answer, rows, seed, batch), "sampled Shapley"
    print(f"interpret: SHAP ({kind}) of {type(estimator).__name__} on {len(rows):,} rows")
    if task == "binary" and grouped.shape[2] == 2:
        grouped = grouped[:, :, 1:]
    classes = [str(c) for c in getattr(model, "classes_", [])]
    outputs = classes if task == "multiclass" else classes[-1:] or ["prediction"]
    numeric = numeric_view(rows)
    table = []
    for j, name in enumerate(rows.columns):
        strength = np.abs(grouped[:, j, :]).mean(axis=0)
        k = int(strength.argmax())
        row = {
            "feature": name,
            "mean_abs_shap": float(strength.sum()),
            "output": outputs[k],
            **_direction(rows[name], numeric[name], grouped[:, j, k]),
        }
        table.append(row)
    table.sort(key=lambda row: row["mean_abs_shap"], reverse=True)
    if log_target:
        scale = "log of the target"
    elif task == "regression":
        scale = "prediction"
    else:
        scale = "probability" if kind == "sampled Shapley" else "log-odds"
    return {
        "table": table,
        "values": grouped,
        "features": numeric,
        "outputs": outputs,
        "output": {"explainer": kind, "scale": scale, "rows": len(rows)},
    }


def numeric_view(X: pd.DataFrame) -> pd.DataFrame:
    """Columns as numbers where order means something (numbers, booleans, dates); else NaN."""
    view = {}
    for name in X.columns:
        column = X[name]
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            view[name] = column.astype(float)
        elif pd.api.types.is_datetime64_any_dtype(column):
            view[name] = (column - pd.Timestamp("1970-01-01")).dt.days.astype(float)
        else:
            view[name] = pd.Series(np.nan, index=X.index)
    return pd.DataFrame(view, index=X.index)


def _direction(raw: pd.Series, numeric: pd.Series, contribution: np.ndarray) -> dict:
    """How a column moves its SHAP contribution: a correlation, or the strongest categories."""
    known = numeric.notna().to_numpy()
    if known.sum() >= 3 and numeric[known].nunique() > 1:
        if contribution[known].std() == 0:
            return {}
        r = np.corrcoef(numeric.to_numpy()[known], contribution[known])[0, 1]
        return {"correlation": round(float(r), 4)}
    means = pd.Series(contribution, index=raw.index).groupby(raw.astype("string")).mean()
    if not 2 <= len(means) <= MAX_LEVELS_NAMED:  # naming one passenger's name explains nothing
        return {}
    return {"raises": str(means.idxmax()), "lowers": str(means.idxmin())}
