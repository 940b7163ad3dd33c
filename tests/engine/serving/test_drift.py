"""Drift: a deliberately shifted batch is flagged with the shifted features named; batches drawn
from the training data are not."""

import json

import numpy as np
import pandas as pd
import pytest

from kaggle_starter.drift.report import write_report
from kaggle_starter.drift.statistics import compare
from kaggle_starter.serving.inputs import plain
from kaggle_starter.serving.store import served_inputs

ROLES = {
    "size": "numeric",
    "count": "numeric",
    "colour": "categorical",
    "member": "categorical",
    "note": "text",
    "seen": "datetime",
    "label": "target",
}
SCHEMA = {
    "task": "binary",
    "columns": [{"name": n, "role": r} for n, r in ROLES.items()],
}


def draw(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    colour = pd.Series(rng.choice(["red", "green", "blue", "grey"], rows, p=[0.4, 0.3, 0.2, 0.1]))
    colour[rng.random(rows) < 0.1] = None
    size = rng.normal(10, 3, rows)
    return pd.DataFrame(
        {
            "size": np.where(rng.random(rows) < 0.05, np.nan, size),
            "count": rng.poisson(3, rows).astype("int64"),
            "colour": colour.astype(object),
            "member": rng.random(rows) < 0.4,
            "note": rng.choice(["short", "a longer note", "the longest note of them all"], rows),
            "seen": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), "D"),
            "label": (size > 10).astype("int64"),
        }
    )


TRAIN = draw(3000, seed=0)


def shifted(rows: int = 400, seed: int = 5) -> pd.DataFrame:
    batch = draw(rows, seed)
    batch["size"] = batch["size"] + 6  # two standard deviations up
    rng = np.random.default_rng(seed)
    batch.loc[rng.random(rows) < 0.3, "colour"] = "purple"  # a level training never had
    batch.loc[rng.random(rows) < 0.5, "count"] = np.nan  # the source stopped filling it
    return batch


@pytest.mark.parametrize(
    "batch",
    [TRAIN.sample(400, random_state=1), draw(400, seed=9), draw(60, seed=13)],
    ids=["rows of train", "a fresh draw", "a small fresh draw"],
)
def test_a_batch_drawn_like_train_is_not_flagged(batch):
    # By design about one such batch in a hundred is flagged (ALPHA = 0.01, Bonferroni across
    # features); measured over 300 draws: 0 of 300 at 60 rows, 1 of 300 at 400. Seeds are fixed.
    result = compare(TRAIN, batch, SCHEMA, seed=0)
    assert result["drifted"] == []
    assert result["alarm"] is False
    assert result["adversarial"]["auc"] < 0.65
    assert result["summary"].startswith("No drift: ")
    assert all(f["psi"] < 0.1 or len(batch) < 100 for f in result["features"])
    json.dumps(result, allow_nan=False)  # the stage writes it as monitoring.json


def test_a_shifted_batch_is_flagged_with_the_shifted_features_named():
    result = compare(TRAIN, shifted(), SCHEMA, seed=0)
    assert sorted(result["drifted"]) == ["colour", "count", "size"]
    by_name = {f["name"]: f for f in result["features"]}
    assert by_name["size"]["psi"] > 0.25 and by_name["size"]["p_value"] < 1e-6
    assert by_name["colour"]["unseen"]["levels"] == ["purple"]
    assert 0.25 < by_name["colour"]["unseen"]["share"] < 0.4
    assert by_name["count"]["missing"]["served"] > 0.4
    assert "missing 0% → " in " ".join(by_name["count"]["reasons"])
    assert not by_name["member"]["drifted"] and not by_name["seen"]["drifted"]
    assert result["adversarial"]["auc"] > 0.8 and result["adversarial"]["drifted"]
    for name in ("size", "colour", "count"):
        assert name in result["summary"]
    assert result["summary"].startswith("Drift in 3 of 6 features: ")


def test_logged_json_inputs_compare_like_the_training_table():
    """The log holds JSON (dates as text, booleans as true/false): compare coerces it back."""
    batch = draw(300, seed=11).drop(columns="label")
    sent = [
        {k: plain(v) for k, v in row.items() if plain(v) is not None} for _, row in batch.iterrows()
    ]
    served = served_inputs(pd.DataFrame({"inputs": json.loads(json.dumps(sent))}))
    assert served["seen"].map(type).eq(str).all()
    result = compare(TRAIN, served, SCHEMA, seed=0)
    assert result["drifted"] == [] and not result["alarm"]


def test_predictions_are_compared_with_the_out_of_fold_ones():
    oof = pd.DataFrame({"y_pred": TRAIN["label"]})
    same = compare(
        TRAIN,
        draw(400, 12),
        SCHEMA,
        oof_predictions=oof,
        served_predictions=pd.DataFrame({"y_pred": draw(400, 12)["label"]}),
    )
    assert same["predictions"]["drifted"] is False
    moved = compare(
        TRAIN,
        draw(400, 12),
        SCHEMA,
        oof_predictions=oof,
        served_predictions=pd.DataFrame({"y_pred": np.ones(400, dtype=int)}),
    )
    assert moved["predictions"]["drifted"] is True
    assert moved["summary"].startswith("The predictions moved (PSI ")


def test_the_report_is_offline_html_with_its_figures_beside_it(tmp_path):
    result = compare(TRAIN, shifted(), SCHEMA, seed=0)
    html = tmp_path / "reports" / "monitoring.html"
    figures = write_report(result, html, tmp_path / "reports" / "figures")
    page = html.read_text(encoding="utf-8")
    assert result["summary"] in page.replace("&#39;", "'").replace("&amp;", "&")
    assert "http://" not in page and "https://" not in page
    drawn = [f.name.split("-", 2)[-1].removesuffix(".png") for f in figures]
    assert sorted(drawn[:3]) == ["colour", "count", "size"]  # the drifted features come first
    assert len(figures) == 6  # one per feature; no predictions were given
    for figure in figures:
        assert figure.read_bytes().startswith(b"\x89PNG")
        assert f'src="figures/{figure.name}"' in page


def test_a_column_only_train_has_is_not_expected_in_served_rows():
    """Requests carry the model's inputs only, so a train-only column is no drift."""
    schema = {
        "task": "binary",
        "files": {"train": "train.csv", "test": "test.csv"},
        "columns": [{"name": n, "role": r, "in_test": True} for n, r in ROLES.items()]
        + [{"name": "outcome", "role": "numeric", "in_test": False}],
    }
    train = TRAIN.assign(outcome=TRAIN["label"] * 2.0)
    result = compare(train, draw(400, seed=9), schema, seed=0)
    assert "outcome" not in {f["name"] for f in result["features"]}
    assert result["drifted"] == [] and result["alarm"] is False
