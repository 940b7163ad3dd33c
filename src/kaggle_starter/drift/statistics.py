"""Has the data the model serves moved away from the data it learnt from? Pure functions of frames.

Per feature, two views that answer different questions:

- **PSI** (population stability index) over training-quantile bins (or the most frequent levels),
  missing values as a bin of their own, measures *how much* the distribution moved. By the usual
  reading, below 0.1 is stable, 0.1 to 0.25 a moderate shift and above 0.25 a major one.
- **A test** (Kolmogorov-Smirnov for numbers, dates and text lengths; chi-square over the same
  bins for categories) says whether the move is *more than sampling noise*: PSI alone is noisy
  on a batch of fifty rows and a test alone flags trivial moves on a million.

A feature drifts when both agree (PSI at least ``PSI_SHIFT`` and a p-value below ``ALPHA``
divided by the number of features, Bonferroni's correction, so twenty features do not give
twenty chances of a false alarm), when its missing share moves by ``MISSING_SHIFT`` or more (and
significantly), or when ``UNSEEN_SHARE`` of its values are categories training never had.

The adversarial AUC looks at all features at once: a small HistGradientBoosting learns to tell
served rows from training rows; an out-of-fold AUC near 0.5 means it cannot, near 1 that the two
are different populations, even if every single feature looks stable on its own.
"""

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from ..schema import model_features

PSI_SHIFT = 0.1
ALPHA = 0.01
MISSING_SHIFT = 0.05
UNSEEN_SHARE = 0.05
BINS = 10
LEVELS = 20  # categories compared one by one; rarer ones share an "other" bin
FLOOR = 1e-4  # shares are floored here so an empty bin gives a finite PSI
ADVERSARIAL_AUC = 0.7
ADVERSARIAL_ROWS = 5000  # per side: enough for a stable AUC, seconds on two cores
ADVERSARIAL_MIN_ROWS = 30
ADVERSARIAL_LEVELS = 100  # HistGradientBoosting takes at most 255 categories per feature


def _number(value) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


def _as_numbers(values: pd.Series, role: str) -> pd.Series:
    """Numbers to compare: the value, a date as days since 1970, a text as its length."""
    if role == "datetime":
        dates = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
        return (dates - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds() / 86400
    if role == "text":
        return values.astype("string").str.len().astype(float)
    return pd.to_numeric(values, errors="coerce").astype(float)


def _as_labels(values: pd.Series) -> pd.Series:
    """Categories as text, so True, "True" and a CSV's True are one level."""
    return values.astype("string").astype(object).where(values.notna(), None)


def psi(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index of two share vectors over the same bins."""
    e, a = np.maximum(expected, FLOOR), np.maximum(actual, FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else counts.astype(float)


def _numeric_bins(train: pd.Series, served: pd.Series) -> tuple[list, np.ndarray, np.ndarray]:
    """Counts per training-decile bin (plus missing) for both sides, and the bins' labels."""
    present = train.dropna().to_numpy()
    edges = (
        np.unique(np.quantile(present, np.linspace(0, 1, BINS + 1)[1:-1])) if present.size else []
    )
    labels = [f"≤ {edges[0]:.4g}"] if len(edges) else ["all"]
    labels += [f"{lo:.4g} to {hi:.4g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)]
    labels += [f"> {edges[-1]:.4g}"] if len(edges) else []

    def count(values: pd.Series) -> np.ndarray:
        known = values.dropna().to_numpy()
        binned = np.bincount(np.searchsorted(edges, known, side="left"), minlength=len(labels))
        return np.append(binned, values.isna().sum())

    return [*labels, "missing"], count(train), count(served)


def _category_bins(train: pd.Series, served: pd.Series) -> tuple[list, np.ndarray, np.ndarray]:
    """Counts per frequent training level, other, unseen and missing for both sides."""
    frequent = list(train.value_counts().index[:LEVELS])
    known = set(train.dropna())

    def count(values: pd.Series) -> np.ndarray:
        present = values.dropna()
        listed = [int((present == level).sum()) for level in frequent]
        unseen = int((~present.isin(known)).sum())
        other = len(present) - sum(listed) - unseen
        return np.array([*listed, other, unseen, int(values.isna().sum())])

    labels = [str(level) for level in frequent] + ["other", "unseen", "missing"]
    return labels, count(train), count(served)


def _p_value(role: str, train, served, train_counts, served_counts) -> float:
    if role == "categorical":
        table = np.vstack([train_counts, served_counts])
        table = table[:, table.sum(axis=0) > 0]
        if table.shape[1] < 2 or (table.sum(axis=1) == 0).any():
            return 1.0
        return float(stats.chi2_contingency(table).pvalue)
    a, b = train.dropna().to_numpy(), served.dropna().to_numpy()
    return float(stats.ks_2samp(a, b).pvalue) if a.size and b.size else 1.0


def _missing_p_value(train: pd.Series, served: pd.Series) -> float:
    table = np.array(
        [[train.isna().sum(), train.notna().sum()], [served.isna().sum(), served.notna().sum()]]
    )
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return 1.0
    return float(stats.fisher_exact(table).pvalue)


def feature_drift(name: str, role: str, train: pd.Series, served: pd.Series, alpha: float) -> dict:
    """PSI, test, missing-share change and unseen categories of one feature, and the verdict."""
    if role == "categorical":
        train, served = _as_labels(train), _as_labels(served)
        labels, t_counts, s_counts = _category_bins(train, served)
    else:
        train, served = _as_numbers(train, role), _as_numbers(served, role)
        labels, t_counts, s_counts = _numeric_bins(train, served)
    t_shares, s_shares = _shares(t_counts), _shares(s_counts)
    index = psi(t_shares, s_shares)
    p_value = _p_value(role, train, served, t_counts, s_counts)
    missing = {"train": float(train.isna().mean()), "served": float(served.isna().mean())}
    missing["change"] = missing["served"] - missing["train"]
    missing_p = _missing_p_value(train, served)
    reasons = []
    if index >= PSI_SHIFT and p_value < alpha:
        test = "chi-square" if role == "categorical" else "KS"
        reasons.append(f"PSI {index:.2f}, {test} p {p_value:.1e}")
    if abs(missing["change"]) >= MISSING_SHIFT and missing_p < alpha:
        reasons.append(f"missing {missing['train']:.0%} → {missing['served']:.0%}")
    entry = {
        "name": name,
        "role": role,
        "psi": _number(index),
        "test": "chi-square" if role == "categorical" else "ks",
        "p_value": p_value,
        "missing": {k: _number(v) for k, v in missing.items()},
        "missing_p_value": missing_p,
        "distribution": {
            "bins": labels,
            "train": [_number(s) for s in t_shares],
            "served": [_number(s) for s in s_shares],
        },
    }
    if role == "categorical":
        entry["unseen"] = _unseen(train, served)
        if entry["unseen"]["share"] >= UNSEEN_SHARE:
            shown = ", ".join(map(str, entry["unseen"]["levels"][:3]))
            reasons.append(f"{entry['unseen']['share']:.0%} unseen: {shown}")
    entry.update(drifted=bool(reasons), reasons=reasons)
    return entry


def _unseen(train: pd.Series, served: pd.Series) -> dict:
    present = served.dropna()
    fresh = present[~present.isin(set(train.dropna()))]
    share = len(fresh) / len(present) if len(present) else 0.0
    return {"levels": fresh.value_counts().index[:20].tolist(), "rows": len(fresh), "share": share}


def _encoded(train: pd.DataFrame, served: pd.DataFrame, roles: dict) -> pd.DataFrame:
    """Both sides stacked as numbers and pandas categories, as HistGradientBoosting reads them."""
    columns = {}
    for name, role in roles.items():
        both = pd.concat([train[name], served[name]], ignore_index=True)
        if role == "categorical":
            labels = _as_labels(both)
            kept = labels.value_counts().index[:ADVERSARIAL_LEVELS]
            columns[name] = pd.Categorical(labels.where(labels.isin(kept), None))
        else:
            columns[name] = _as_numbers(both, role).to_numpy()
    return pd.DataFrame(columns)


def adversarial_auc(train: pd.DataFrame, served: pd.DataFrame, roles: dict, seed: int) -> dict:
    """Out-of-fold AUC of a classifier told to find the served rows among training rows."""
    if len(served) < ADVERSARIAL_MIN_ROWS or not roles:
        return {"auc": None, "reason": f"fewer than {ADVERSARIAL_MIN_ROWS} served rows"}
    rng = np.random.default_rng(seed)
    picked = [
        frame.iloc[np.sort(rng.choice(len(frame), ADVERSARIAL_ROWS, replace=False))]
        if len(frame) > ADVERSARIAL_ROWS
        else frame
        for frame in (train, served)
    ]
    X = _encoded(*picked, roles)
    y = np.r_[np.zeros(len(picked[0])), np.ones(len(picked[1]))]
    model = HistGradientBoostingClassifier(
        max_iter=100, max_leaf_nodes=15, categorical_features="from_dtype", random_state=seed
    )
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    proba = cross_val_predict(model, X, y, cv=folds, method="predict_proba")[:, 1]
    auc = float(roc_auc_score(y, proba))
    return {"auc": round(auc, 4), "rows": {"train": len(picked[0]), "served": len(picked[1])}}


def _prediction_drift(oof: pd.DataFrame | None, served: pd.DataFrame | None, task: str, alpha):
    if oof is None or served is None or "y_pred" not in served or served["y_pred"].empty:
        return None
    role = "numeric" if task == "regression" else "categorical"
    return feature_drift("prediction", role, oof["y_pred"], served["y_pred"], alpha)


def compare(
    train: pd.DataFrame,
    served: pd.DataFrame,
    schema: dict,
    *,
    oof_predictions: pd.DataFrame | None = None,
    served_predictions: pd.DataFrame | None = None,
    seed: int = 0,
) -> dict:
    """Drift of ``served`` rows against ``train``, per feature and as a whole (JSON-safe dict).

    ``served`` may come from the prediction log or a CSV: values are coerced to each column's
    role, and a feature the batch lacks counts as entirely missing. The prediction entries take
    frames with a ``y_pred`` column (the out-of-fold table ``make train`` writes, and the logged
    answers).
    """
    usable = model_features(schema)  # a column only train has is never served
    roles = {
        c["name"]: c["role"]
        for c in schema["columns"]
        if c["name"] in usable and c["name"] in train.columns
    }
    served = served.reindex(columns=list(roles))
    alpha = ALPHA / max(len(roles), 1)
    features = [feature_drift(n, r, train[n], served[n], alpha) for n, r in roles.items()]
    predictions = _prediction_drift(
        oof_predictions, served_predictions, schema.get("task", ""), ALPHA
    )
    adversarial = adversarial_auc(train[list(roles)], served, roles, seed)
    if adversarial["auc"] is not None:
        adversarial["drifted"] = adversarial["auc"] >= ADVERSARIAL_AUC
    result = {
        "rows": {"train": len(train), "served": len(served)},
        "thresholds": {
            "psi": PSI_SHIFT,
            "alpha": ALPHA,
            "alpha_per_feature": alpha,
            "missing_change": MISSING_SHIFT,
            "unseen_share": UNSEEN_SHARE,
            "adversarial_auc": ADVERSARIAL_AUC,
        },
        "features": features,
        "predictions": predictions,
        "adversarial": adversarial,
        "drifted": [f["name"] for f in features if f["drifted"]],
    }
    result["alarm"] = bool(
        result["drifted"] or (predictions or {}).get("drifted") or adversarial.get("drifted")
    )
    result["summary"] = summary(result)
    return result


def summary(result: dict) -> str:
    """One sentence: whether anything drifted, and what."""
    features, drifted = result["features"], result["drifted"]
    auc = result["adversarial"].get("auc")
    rows = result["rows"]
    adversarial = f"adversarial AUC {auc:.2f}" if auc is not None else "no adversarial AUC"
    moved = (result["predictions"] or {}).get("drifted")
    flagged = result["adversarial"].get("drifted")
    if not result["alarm"]:
        largest = max(features, key=lambda f: f["psi"] or 0, default=None)
        top = f"largest PSI {largest['psi']:.2f} ({largest['name']}), " if largest else ""
        return (
            f"No drift: {rows['served']:,} served rows match the {rows['train']:,} training rows "
            f"on all {len(features)} features ({top}{adversarial})."
        )
    named = "; ".join(f"{f['name']} ({', '.join(f['reasons'])})" for f in features if f["drifted"])
    parts = [f"Drift in {len(drifted)} of {len(features)} features: {named}"] if drifted else []
    if moved:
        parts.append(f"the predictions moved (PSI {result['predictions']['psi']:.2f})")
    if flagged:
        parts.append(f"served rows are easy to tell from training rows ({adversarial})")
    elif auc is not None:
        parts.append(adversarial)
    sentence = "; ".join(parts)
    return sentence[0].upper() + sentence[1:] + f", on {rows['served']:,} served rows."
