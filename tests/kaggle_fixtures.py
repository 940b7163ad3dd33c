"""Small Kaggle-shaped competitions built from data that installed packages ship.

Each builder writes ``train.csv``, ``test.csv`` and ``sample_submission.csv`` into a folder, the
way Kaggle lays out a competition, with the awkward parts real competitions have: an id column,
missing values, categorical text with stray spaces, a free-text column, a date column and column
names with spaces and punctuation. Nothing here is downloaded; the tests never need ../shared.
"""

from pathlib import Path

import numpy as np
import pandas as pd
from palmerpenguins import load_penguins
from sklearn.datasets import load_breast_cancer, load_diabetes

SEED = 7

COMPETITION_METADATA = {
    "binary": {
        "ref": "tumour-diagnosis",
        "title": "Tumour Diagnosis",
        "evaluationMetric": "Categorization Accuracy",
        "target": "diagnosis",
        "id": "case_id",
        "task": "binary",
        "metric": "accuracy",
    },
    "multiclass": {
        "ref": "penguin-species",
        "title": "Penguin Species",
        "evaluationMetric": "Categorization Accuracy",
        "target": "species",
        "id": "penguin_id",
        "task": "multiclass",
        "metric": "accuracy",
    },
    "regression": {
        "ref": "disease-progression",
        "title": "Disease Progression",
        "evaluationMetric": "Root Mean Squared Logarithmic Error",
        "target": "progression",
        "id": "Id",
        "task": "regression",
        "metric": "rmsle",
    },
    "quality": {
        "ref": "house-sales",
        "title": "House Sales",
        "evaluationMetric": "Root Mean Squared Error",
        "target": "price",
        "id": "Id",
        "task": "regression",
        "metric": "rmse",
    },
}


def _split_and_write(frame: pd.DataFrame, kind: str, dest: Path, default, keep=()) -> Path:
    """Hold out a quarter as the test set and write the three files of a competition; the rows
    at positions ``keep`` stay in train."""
    meta = COMPETITION_METADATA[kind]
    target, id_col = meta["target"], meta["id"]
    rng = np.random.default_rng(SEED + 1)  # independent of the draws that made the gaps
    test_mask = rng.random(len(frame)) < 0.25
    test_mask[list(keep)] = False
    dest.mkdir(parents=True, exist_ok=True)
    frame[~test_mask].to_csv(dest / "train.csv", index=False)
    frame[test_mask].drop(columns=[target]).to_csv(dest / "test.csv", index=False)
    pd.DataFrame({id_col: frame.loc[test_mask, id_col], target: default}).to_csv(
        dest / "sample_submission.csv", index=False
    )
    return dest


def _dates(rng: np.random.Generator, n: int) -> pd.Series:
    start = np.datetime64("2019-01-01")
    return pd.Series(start + rng.integers(0, 900, n).astype("timedelta64[D]")).dt.strftime(
        "%Y-%m-%d"
    )


def binary(dest: Path) -> Path:
    """Breast-cancer diagnosis (0/1), with categoricals, gaps, notes and a visit date."""
    rng = np.random.default_rng(SEED)
    data = load_breast_cancer(as_frame=True)
    x = data.frame.iloc[:, :8].copy()
    x.columns = [c.replace("mean ", "Mean ") for c in x.columns]
    x.loc[rng.random(len(x)) < 0.15, "Mean texture"] = np.nan
    bands = pd.cut(
        data.frame["mean radius"], [0, 12, 15, 100], labels=[" small", "medium ", "large"]
    )
    x["size band"] = bands.astype(str).where(rng.random(len(x)) > 0.1)
    words = np.where(data.target == 0, "irregular margin noted", "smooth regular outline")
    x["clinician notes"] = [f"{w} {rng.choice(['left', 'right'])} side" for w in words]
    x["visit_date"] = _dates(rng, len(x))
    x.insert(0, "case_id", np.arange(1, len(x) + 1))
    x["diagnosis"] = data.target.to_numpy()
    return _split_and_write(x, "binary", dest, 0)


def multiclass(dest: Path) -> Path:
    """Palmer penguins: three species, island and sex as text, missing measurements."""
    penguins = load_penguins()
    penguins.insert(0, "penguin_id", np.arange(1000, 1000 + len(penguins)))
    return _split_and_write(penguins, "multiclass", dest, "Adelie")


def regression(dest: Path) -> Path:
    """Diabetes progression (positive, skewed), with sex as a category and gaps in BMI."""
    rng = np.random.default_rng(SEED)
    data = load_diabetes(as_frame=True, scaled=False)
    x = data.frame.drop(columns=["target"]).rename(columns={"bmi": "BMI (kg/m²)", "bp": "bp-avg"})
    x["sex"] = x["sex"].map({1.0: "F", 2.0: "M"})
    x.loc[rng.random(len(x)) < 0.1, "BMI (kg/m²)"] = np.nan
    x.insert(0, "Id", np.arange(1, len(x) + 1))
    x["progression"] = data.target.to_numpy()
    return _split_and_write(x, "regression", dest, 150.0)


HUGE_CHEAP = (100, 201)  # positions of the two planted houses: huge, yet priced like small ones


def quality(dest: Path) -> Path:
    """House sales (synthetic, seeded) with the problems the data-quality audit must find: "?"
    for an unknown condition, a garage grade missing exactly where there is no garage, and two
    huge houses sold cheaply, which a regression then predicts badly (out of fold)."""
    rng = np.random.default_rng(SEED)
    n = 600
    size = rng.normal(1500, 350, n).round().clip(500)
    lot = rng.lognormal(9, 0.4, n).round()
    garage = np.where(rng.random(n) < 0.25, 0.0, rng.normal(450, 120, n).round().clip(150))
    log_price = 10.5 + 0.0006 * size + 0.0004 * garage + 0.05 * np.log(lot)
    x = pd.DataFrame(
        {
            "Id": np.arange(1, n + 1),
            "living area": size,
            "LotArea": lot,
            "GarageArea": garage,
            "GarageQual": np.where(garage == 0, None, rng.choice(["Good", "Average", "Poor"], n)),
            "condition": np.where(
                rng.random(n) < 0.06, "?", rng.choice(["new", "used", "refurbished"], n)
            ),
            "district": rng.choice(["north", "south", "east", "west", "centre"], n),
            "price": np.exp(log_price + rng.normal(0, 0.08, n)).round(-2),
        }
    )
    # Big houses priced like the rest, as real sales have them: without them the two planted ones
    # would be the only rows that size, and a flexible model (the linear model's splines) learns
    # "huge means cheap" from one to predict the other.
    big = [300, 350, 400, 450]
    x.loc[big, ["living area", "LotArea"]] = [[4200, 60_000], [4600, 80_000], [5000, 100_000],
                                              [5400, 140_000]]  # fmt: skip
    x.loc[big, "price"] = np.exp(
        10.5 + 0.0006 * x.loc[big, "living area"] + 0.0004 * x.loc[big, "GarageArea"]
        + 0.05 * np.log(x.loc[big, "LotArea"])
    ).round(-2)  # fmt: skip
    rows = list(HUGE_CHEAP)
    x.loc[rows, ["living area", "LotArea"]] = [[6000, 160_000], [5600, 120_000]]
    x.loc[rows, "price"] = x["price"].median() * 0.6
    return _split_and_write(x, "quality", dest, 180_000.0, keep=(*HUGE_CHEAP, *big))


BUILDERS = {
    "binary": binary,
    "multiclass": multiclass,
    "regression": regression,
    "quality": quality,
}


def build_competition(kind: str, dest: Path) -> Path:
    """Write the ``kind`` competition (binary, multiclass, regression, quality) into ``dest``."""
    return BUILDERS[kind](Path(dest))
