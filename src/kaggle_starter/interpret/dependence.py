"""Partial dependence of the top features: the average prediction as one column alone varies.

Computed by brute force on the whole pipeline, as scikit-learn does, but written out so it accepts
integer columns and categories with gaps, which ``sklearn.inspection`` rejects.
"""

import numpy as np
import pandas as pd

PD_FEATURES = 4
PD_GRID = 20
FLAT_SHARE = 0.02


def pd_kind(column: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(column):
        return "categorical"
    if pd.api.types.is_numeric_dtype(column):
        return "numeric" if column.nunique() > 1 else None
    if pd.api.types.is_datetime64_any_dtype(column):
        return None
    return "categorical" if 1 < column.nunique() <= 30 else None


def _grid(column: pd.Series, kind: str) -> np.ndarray:
    values = column.dropna()
    if kind == "categorical":
        return values.value_counts().index[:12].to_numpy()
    unique = np.unique(values.to_numpy())
    if len(unique) <= PD_GRID:
        return unique
    return np.unique(np.quantile(values.to_numpy(dtype=float), np.linspace(0.05, 0.95, PD_GRID)))


def _predict(model, X: pd.DataFrame, task: str) -> np.ndarray:
    """Predictions as (rows, outputs): class probabilities, or the regression prediction."""
    if task == "regression":
        return np.asarray(model.predict(X), dtype=float)[:, None]
    proba = model.predict_proba(X)
    return proba[:, 1:] if task == "binary" else proba


def partial_dependence(model, X: pd.DataFrame, features: list[str], task: str) -> list[dict]:
    """Average prediction with one column set to each grid value, every other column as observed.

    This is scikit-learn's brute-force partial dependence, written out so it accepts integer
    columns and categories with missing values, which ``sklearn.inspection`` rejects.
    """
    classes = [str(c) for c in getattr(model, "classes_", [])]
    outputs = classes if task == "multiclass" else classes[-1:] or ["prediction"]
    # a curve is flat when it moves less than 2% of a probability, or of the predictions' spread
    if not features:
        return []
    scale = float(_predict(model, X, task).std()) if task == "regression" else 1.0
    results = []
    for name in features:
        kind = pd_kind(X[name])
        grid = _grid(X[name], kind)
        copies = pd.concat([X] * len(grid), ignore_index=True)
        copies[name] = np.repeat(grid, len(X))
        averages = _predict(model, copies, task).reshape(len(grid), len(X), -1).mean(axis=1)
        result = {"feature": name, "kind": kind, "grid": [plain(v) for v in grid]}
        result["curves"] = {out: averages[:, k].tolist() for k, out in enumerate(outputs)}
        k = int(np.ptp(averages, axis=0).argmax())
        result["output"] = outputs[k]
        result["range"] = float(np.ptp(averages[:, k]))
        result["flat"] = result["range"] < FLAT_SHARE * scale
        if kind == "numeric" and len(grid) > 1:
            result["slope_correlation"] = round(float(np.corrcoef(grid, averages[:, k])[0, 1]), 4)
        else:
            result["highest"] = plain(grid[int(averages[:, k].argmax())])
            result["lowest"] = plain(grid[int(averages[:, k].argmin())])
        results.append(result)
    return results


def plain(value):
    """A JSON-friendly scalar."""
    return value.item() if hasattr(value, "item") else value
