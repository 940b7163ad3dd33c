"""Train against test, measured once: the EDA, the audit and the monitor give the same numbers."""

import numpy as np
import pandas as pd
import pytest

from kaggle_starter import shift
from kaggle_starter.drift.statistics import compare
from kaggle_starter.eda.summary import summarise
from kaggle_starter.quality import audit

ROLES = {"size": "numeric", "colour": "categorical", "note": "text", "seen": "datetime"}


def draw(rows: int, seed: int, moved: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size = rng.normal(10 + moved, 3, rows)
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "size": np.where(rng.random(rows) < 0.05, np.nan, size),
            "colour": rng.choice(["red", "green", "blue"], rows).astype(object),
            "note": [
                f"note {i:05d} " + "x" * int(k) for i, k in enumerate(rng.integers(0, 30, rows))
            ],
            "seen": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, rows), "D"),
            "label": (size > 10).astype("int64"),
        }
    )


def schema() -> dict:
    roles = {"id": "id", **ROLES, "label": "target"}
    return {
        "target": "label",
        "task": "binary",
        "classes": [0, 1],
        "files": {"train": "train.csv", "test": "test.csv"},
        "columns": [
            {"name": n, "role": r, "in_test": r != "target", "n_unique": 3}
            for n, r in roles.items()
        ],
    }


def test_encode_reads_numbers_dates_texts_and_labels():
    dates = shift.encode(pd.Series(["1970-01-02", None]), "datetime")
    assert dates.iloc[0] == 1 and np.isnan(dates.iloc[1])
    assert shift.encode(pd.Series(["abc", None]), "text").iloc[0] == 3
    assert shift.encode(pd.Series([True, "True", None]), "categorical").tolist() == [
        "True",
        "True",
        None,
    ]
    assert shift.encode(pd.Series(["1.5", "x"]), "numeric").iloc[0] == 1.5
    with pytest.raises(ValueError, match="role must be one of"):
        shift.feature_shift("a", "id", pd.Series([1]), pd.Series([1]))


def test_psi_is_zero_for_equal_shares_and_grows_with_the_shift():
    equal = np.array([0.25, 0.25, 0.5])
    assert shift.psi(equal, equal) == 0
    assert (
        0
        < shift.psi(equal, np.array([0.3, 0.2, 0.5]))
        < shift.psi(equal, np.array([0.6, 0.1, 0.3]))
    )


def test_adversarial_auc_sees_a_shift_and_not_its_absence_and_says_why_it_has_none():
    train = draw(600, 1)
    same = shift.adversarial(train, draw(400, 2), ROLES, seed=0)
    moved = shift.adversarial(train, draw(400, 2, moved=6), ROLES, seed=0)
    assert same.auc < 0.65 < 0.8 < moved.auc and moved.shifted and not same.shifted
    assert same.rows == {"train": 600, "test": 400}
    tiny = shift.adversarial(train, draw(12, 2), ROLES, seed=0)
    assert tiny.auc is None and "at least 30 rows a side" in tiny.reason
    assert shift.adversarial(train, draw(400, 2), {}, seed=0).reason


def test_a_rare_train_level_the_sample_misses_is_not_unseen(monkeypatch):
    monkeypatch.setattr(shift, "FEATURE_ROWS", 50)
    train = pd.Series(["a"] * 500 + ["rare"])
    measured = shift.feature_shift("c", "categorical", train, pd.Series(["rare"] * 5 + ["a"] * 95))
    assert measured.unseen["rows"] == 0 and "unseen" not in measured.reasons


def test_the_eda_the_audit_and_the_monitor_report_the_same_shift():
    train, test = draw(800, 1), draw(300, 2, moved=6).drop(columns="label")
    test.loc[:59, "colour"] = "purple"  # 20 % of test in a level train never had
    test.loc[60:149, "note"] = None  # 30 % of the notes went missing
    eda = summarise(schema(), train, test, "accuracy", seed=3)
    monitor = compare(train, test, schema(), seed=3)
    findings = {
        f.check: f.counts for f in audit(train, test, target="label", id_column="id", seed=3)
    }
    assert eda["adversarial_auc"] == monitor["adversarial"]["auc"] > shift.ADVERSARIAL_AUC
    by_eda = {row["feature"]: row for row in eda["drift"]}
    by_monitor = {f["name"]: f for f in monitor["features"]}
    assert set(by_eda) == set(by_monitor) == set(ROLES)
    for name, row in by_eda.items():
        assert (
            row["psi"] == by_monitor[name]["psi"] and row["p_value"] == by_monitor[name]["p_value"]
        )
        assert row["shifted"] == by_monitor[name]["drifted"]
    assert findings["distribution_shift"] == {n: by_monitor[n]["psi"] for n in ("size", "colour")}
    assert findings["unseen_categories"] == {"colour": 60}
    assert findings["missing_rate_shift"] == {"note": by_monitor["note"]["missing"]["change"]}
    assert sorted(monitor["drifted"]) == ["colour", "note", "size"]
