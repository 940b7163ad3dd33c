"""Explain the trained model: which features drive its predictions, in which direction, how well.

Three complementary views, all on capped samples (``interpret.sample_rows``) so the stage costs the
same on 900 rows as on a million:

* permutation importance on held-out folds (the pipeline is refit on each training fold, so a
  feature the model merely memorised does not look important);
* SHAP values of the final model, computed on its preprocessed matrix and summed back onto the
  original columns, so a one-hot encoded or vectorised column is ranked as the one column it was;
* partial dependence of the top features, computed by brute force on the whole pipeline, which
  also works for integer columns and categories with gaps.

The out-of-fold predictions written by ``train`` give the honest performance figures (confusion
matrix, ROC and precision-recall curves; predicted vs actual and residuals). Everything lands in
``reports/figures/*.png`` and ``reports/interpretation.json``, with sentences written from the
numbers for the README.
"""

import json
import math
import time

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import TransformedTargetRegressor
from sklearn.inspection import permutation_importance
from sklearn.metrics import (
    average_precision_score,
    confusion_matrix,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)
from sklearn.pipeline import Pipeline

from . import interpret_figures as figures
from .config import Config
from .dataset import load_train, split_target
from .errors import ProjectError
from .files import write_json
from .formatting import amount
from .metrics import METRICS
from .models import LabelEncodedClassifier, cv_splitter

PERMUTATION_REPEATS = 5
REFIT_ROW_BUDGET = 500_000  # training rows refit across folds; beyond it, fewer folds are used
PREDICT_CALL_BUDGET = 200  # pipeline calls (columns x repeats x folds); wide tables use fewer folds
PD_FEATURES = 4
PD_GRID = 20
TOP_SHOWN = 15
FLAT_SHARE = 0.02
MAX_LEVELS_NAMED = 30  # categories of a column that a sentence may name as raising/lowering
KERNEL_ROWS = 200  # rows explained when only the model-agnostic Shapley sampling applies
SHAPLEY_BATCH_ROWS = 200_000  # composite rows predicted at once by that sampling
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


def run(cfg: Config, *, force: bool = False) -> None:
    """Write the figures and ``interpretation.json``; always recomputed (make decides when)."""
    started = time.perf_counter()
    layout = cfg.layout
    metrics = _read_json(layout.metrics, "make train")
    model = _load_model(layout.model)
    X, y = split_target(load_train(cfg), cfg)
    sample = _sample_index(len(X), cfg.interpret_rows, cfg.cv_seed)
    print(f"interpret: {metrics['best_model']} on {len(X):,} rows ({len(sample):,} sampled)")
    layout.figures.mkdir(parents=True, exist_ok=True)

    permutation = permutation_table(cfg, model, X, y)
    explanation = shap_table(model, X.iloc[sample], cfg.task, cfg.cv_seed)
    ranked = [row["feature"] for row in permutation if row["importance"] > 0]
    ranked += [row["feature"] for row in explanation["table"]] if explanation else []
    pd_features = [f for f in dict.fromkeys(ranked) if _pd_kind(X[f]) is not None][:PD_FEATURES]
    print(f"interpret: partial dependence of {', '.join(pd_features) or 'no feature'}")
    dependence = partial_dependence(model, X.iloc[sample], pd_features, cfg.task)
    oof = pd.read_parquet(layout.oof_predictions) if layout.oof_predictions.exists() else None
    performance = oof_summary(oof, cfg.task) if oof is not None else None

    drawn = [
        figures.permutation(permutation[:TOP_SHOWN], METRICS[cfg.metric]),
        figures.shap_summary(explanation, TOP_SHOWN) if explanation else None,
        figures.partial_dependence(dependence, cfg.target) if dependence else None,
        *(figures.performance(oof, cfg.task, cfg.target) if oof is not None else []),
    ]
    paths = []
    for name, figure in (item for item in drawn if item is not None):
        figures.save(figure, layout.figures / f"{name}.png")
        paths.append(f"reports/figures/{name}.png")

    result = {
        "task": cfg.task,
        "model": metrics["best_model"],
        "metric": cfg.metric,
        "rows": {"train": len(X), "sampled": len(sample)},
        "sentences": sentences(cfg, permutation, explanation, dependence, performance),
        "figures": paths,
        "permutation": permutation,
        "shap": explanation["table"] if explanation else [],
        "shap_output": explanation["output"] if explanation else None,
        "partial_dependence": [{k: v for k, v in d.items() if k != "curves"} for d in dependence],
        "performance": performance,
    }
    write_json(layout.interpretation, result)
    print(
        f"interpret: {len(paths)} figures and {layout.interpretation.name} written in "
        f"{time.perf_counter() - started:.1f} s"
    )


# --- inputs ---------------------------------------------------------------------------------


def _read_json(path, stage: str) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ProjectError(
            f"{path.name} is missing from {path.parent}: run `{stage}` first, then this stage."
        ) from exc


def _load_model(path):
    try:
        return joblib.load(path)
    except FileNotFoundError as exc:
        raise ProjectError(
            f"{path} is missing: run `make train` to fit and save the model first."
        ) from exc


def _sample_index(n: int, cap: int, seed: int) -> np.ndarray:
    """Sorted positions of at most ``cap`` rows, the same ones on every run."""
    if n <= cap:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=cap, replace=False))


# --- permutation importance on held-out folds ---------------------------------------------


def permutation_table(cfg: Config, model, X: pd.DataFrame, y: pd.Series) -> list[dict]:
    """Mean drop of the project metric when a column is shuffled in a held-out fold.

    The pipeline is refit on each training fold and scored on (a sample of) the fold it never
    saw. Two budgets cap the folds used: ``REFIT_ROW_BUDGET`` training rows (a million-row table
    costs one refit, not five) and ``PREDICT_CALL_BUDGET`` pipeline calls (each shuffled column
    of each repeat is one call): a wide table uses one fold and fewer repeats (an 80-column
    table two, a 200-column table one).
    """
    folds = cv_splitter(cfg, X, y)
    repeats = max(1, min(PERMUTATION_REPEATS, PREDICT_CALL_BUDGET // X.shape[1]))
    by_rows = REFIT_ROW_BUDGET // max(1, len(folds[0][0]))
    by_calls = PREDICT_CALL_BUDGET // (X.shape[1] * repeats)
    folds = folds[: max(1, min(len(folds), by_rows, by_calls))]
    per_fold = math.ceil(cfg.interpret_rows / len(folds))
    scorer = METRICS[cfg.metric].scorer
    drops = []
    for number, (train_idx, test_idx) in enumerate(folds, start=1):
        print(f"interpret: permutation importance, fold {number}/{len(folds)}", flush=True)
        fitted = clone(model).fit(X.iloc[train_idx], y.iloc[train_idx])
        held = test_idx[_sample_index(len(test_idx), per_fold, cfg.cv_seed + number)]
        result = permutation_importance(
            fitted,
            X.iloc[held],
            y.iloc[held],
            scoring=scorer,
            n_repeats=repeats,
            random_state=cfg.cv_seed,
            n_jobs=1,
        )
        drops.append(result.importances)
    stacked = np.concatenate(drops, axis=1)
    table = [
        {
            "feature": name,
            "importance": float(stacked[i].mean()),
            "std": float(stacked[i].std()),
        }
        for i, name in enumerate(X.columns)
    ]
    return sorted(table, key=lambda row: row["importance"], reverse=True)


# --- SHAP -----------------------------------------------------------------------------------


def _unwrap(model) -> tuple[object, Pipeline | None, object, bool]:
    """(model answering on the explained scale, preprocessing, final estimator, log target?).

    A log-target regressor is explained on the log scale it was fitted on; XGBoost's label
    encoding wrapper is looked through, as it only renames classes.
    """
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
    name = type(estimator).__name__
    if name.startswith("HistGradientBoosting"):
        categorical = getattr(estimator, "is_categorical_", None)
        return categorical is None or not categorical.any()
    return name.startswith(TREE_MODELS)


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


def sampled_shapley(answer, X: pd.DataFrame, seed: int) -> np.ndarray:
    """Shapley values by permutation sampling (Strumbelj & Kononenko), in one batched prediction.

    For each explained row, a few background rows and a random order of the columns (plus its
    reverse): columns switch one at a time from the background row's value to the row's own, and
    each switch's change in prediction is that column's contribution. A row's contributions add
    up exactly to its prediction minus the background's, as SHAP values do. All composite rows
    go through the pipeline in one call; shap's own permutation explainer calls it per row,
    which took minutes on 200 penguins.
    """
    rng = np.random.default_rng(seed)
    n, p = X.shape
    draws = max(1, SHAPLEY_BATCH_ROWS // (2 * n * (p + 1)))
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
        grouped, kind = sampled_shapley(answer, rows, seed), "sampled Shapley"
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


# --- partial dependence ---------------------------------------------------------------------


def _pd_kind(column: pd.Series) -> str | None:
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
        kind = _pd_kind(X[name])
        grid = _grid(X[name], kind)
        copies = pd.concat([X] * len(grid), ignore_index=True)
        copies[name] = np.repeat(grid, len(X))
        averages = _predict(model, copies, task).reshape(len(grid), len(X), -1).mean(axis=1)
        result = {"feature": name, "kind": kind, "grid": [_plain(v) for v in grid]}
        result["curves"] = {out: averages[:, k].tolist() for k, out in enumerate(outputs)}
        k = int(np.ptp(averages, axis=0).argmax())
        result["output"] = outputs[k]
        result["range"] = float(np.ptp(averages[:, k]))
        result["flat"] = result["range"] < FLAT_SHARE * scale
        if kind == "numeric" and len(grid) > 1:
            result["slope_correlation"] = round(float(np.corrcoef(grid, averages[:, k])[0, 1]), 4)
        else:
            result["highest"] = _plain(grid[int(averages[:, k].argmax())])
            result["lowest"] = _plain(grid[int(averages[:, k].argmin())])
        results.append(result)
    return results


def _plain(value):
    """A JSON-friendly scalar."""
    return value.item() if hasattr(value, "item") else value


# --- out-of-fold performance -----------------------------------------------------------------


def oof_summary(oof: pd.DataFrame, task: str) -> dict:
    """Headline out-of-fold numbers that the figures show."""
    y_true, y_pred = oof["y_true"], oof["y_pred"]
    if task == "regression":
        residual = y_true - y_pred
        return {
            "r2": float(r2_score(y_true, y_pred)),
            "mae": float(mean_absolute_error(y_true, y_pred)),
            "residual_mean": float(residual.mean()),
            "residual_std": float(residual.std()),
        }
    labels = sorted(y_true.unique())
    matrix = confusion_matrix(y_true, y_pred, labels=labels)
    proba = oof[[f"proba_{c}" for c in labels]].to_numpy()
    summary = {
        "labels": [_plain(c) for c in labels],
        "confusion_matrix": matrix.tolist(),
        "accuracy": float(np.trace(matrix) / matrix.sum()),
    }
    if task == "binary":
        positive = (y_true == labels[1]).to_numpy()
        summary["roc_auc"] = float(roc_auc_score(positive, proba[:, 1]))
        summary["average_precision"] = float(average_precision_score(positive, proba[:, 1]))
        summary["positive_share"] = float(positive.mean())
    else:
        summary["roc_auc_ovr"] = float(roc_auc_score(y_true, proba, multi_class="ovr"))
    return summary


# --- words ----------------------------------------------------------------------------------


def _names(items: list[str]) -> str:
    quoted = [f"`{item}`" for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def sentences(cfg: Config, permutation, explanation, dependence, performance) -> list[str]:
    """A few sentences a reader can check against the figures, written from the numbers."""
    metric = METRICS[cfg.metric]
    said = []
    useful = [row for row in permutation if row["importance"] > 0]
    if useful:
        lead = useful[0]
        said.append(
            f"On held-out folds, shuffling {_names([lead['feature']])} worsens the model's "
            f"{metric.label} by {lead['importance']:.4f} on average, more than any other column"
            + (
                f"; {_names([r['feature'] for r in useful[1:3]])} come next."
                if len(useful) > 1
                else "."
            )
        )
        idle = [row["feature"] for row in permutation if row["importance"] <= 0]
        if idle:
            verb = "does" if len(idle) == 1 else "do"
            among = " among them" if len(idle) > 3 else ""
            said.append(
                f"{len(idle)} of {len(permutation)} columns {verb} not help on unseen rows "
                f"(shuffling costs nothing): {_names(idle[:3])}{among}."
            )
    if explanation:
        said.extend(_shap_sentences(cfg, explanation))
    for curve in dependence[:2]:
        said.append(_pd_sentence(cfg, curve))
    if performance:
        said.append(_performance_sentence(cfg.task, performance))
    return said


def _effect(cfg: Config, output: str) -> str:
    if cfg.task == "regression":
        return f"the predicted `{cfg.target}`"
    return f"the predicted chance of `{cfg.target}` = {output}"


def _shap_sentences(cfg: Config, explanation: dict) -> list[str]:
    said = []
    table = explanation["table"]
    for row in [r for r in table[:3] if r["mean_abs_shap"] >= 0.01 * table[0]["mean_abs_shap"]]:
        effect = _effect(cfg, row["output"])
        if row.get("correlation") is not None and abs(row["correlation"]) >= 0.3:
            way = "raise" if row["correlation"] > 0 else "lower"
            said.append(
                f"SHAP: higher values of `{row['feature']}` {way} {effect} (correlation of the "
                f"column with its SHAP values {row['correlation']:+.2f})."
            )
        elif "raises" in row:
            said.append(
                f"SHAP: `{row['feature']}` = {row['raises']} raises {effect} the most and "
                f"{row['lowers']} lowers it the most."
            )
        elif row.get("correlation") is not None:
            said.append(
                f"SHAP: `{row['feature']}` matters (mean |SHAP| {row['mean_abs_shap']:.4f}) but "
                "not monotonically: its effect depends on the range or on other columns."
            )
    return said


def _pd_sentence(cfg: Config, curve: dict) -> str:
    effect = _effect(cfg, curve["output"])
    name = f"`{curve['feature']}`"
    if curve["flat"]:
        return (
            f"Partial dependence: on its own, {name} barely moves {effect} "
            f"(a spread of {amount(curve['range'])}); its effect, if any, works through other "
            "columns."
        )
    if "slope_correlation" in curve:
        r = curve["slope_correlation"]
        shape = "rises" if r >= 0.5 else "falls" if r <= -0.5 else "moves non-monotonically"
        return (
            f"Partial dependence: as {name} grows across its 5th–95th percentiles, {effect} "
            f"{shape}, spanning {amount(curve['range'])}."
        )
    return (
        f"Partial dependence: {effect} is highest for {name} = {curve['highest']} and lowest "
        f"for {curve['lowest']} (a spread of {amount(curve['range'])})."
    )


def _performance_sentence(task: str, p: dict) -> str:
    if task == "regression":
        return (
            f"Out of fold, the predictions explain R² = {p['r2']:.4f} of the variance with a mean "
            f"absolute error of {amount(p['mae'])}; residuals average {amount(p['residual_mean'])}."
        )
    if task == "binary":
        matrix = np.asarray(p["confusion_matrix"])
        neg, pos = p["labels"]
        return (
            f"Out of fold, ROC AUC is {p['roc_auc']:.4f} and average precision "
            f"{p['average_precision']:.4f}; the model mistakes {matrix[0, 1]} rows of class "
            f"{neg} for {pos} and {matrix[1, 0]} of class {pos} for {neg}."
        )
    matrix = np.asarray(p["confusion_matrix"], dtype=float)
    off = matrix - np.diag(np.diag(matrix))
    i, j = np.unravel_index(off.argmax(), off.shape)
    confusion = (
        f"; the most frequent confusion is {p['labels'][i]} predicted as {p['labels'][j]} "
        f"({int(off[i, j])} row{'s' if off[i, j] > 1 else ''})"
        if off[i, j] > 0
        else ""
    )
    return f"Out of fold, one-vs-rest ROC AUC is {p['roc_auc_ovr']:.4f}{confusion}."
