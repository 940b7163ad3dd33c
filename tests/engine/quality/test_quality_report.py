"""How the audit is recorded and shown: data_quality.json, the clean() to paste, the short lines
of the README and notebook, the gap figure's table and the after-training residual check."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from example import EXAMPLE

from kaggle_starter.artifacts import load_quality
from kaggle_starter.config import load_config
from kaggle_starter.eda.prose import disguised_sentence, findings, next_steps
from kaggle_starter.errors import ProjectError
from kaggle_starter.quality import audit
from kaggle_starter.quality.report import (
    clean_function,
    finding_line,
    gap_table,
    quality_report,
    residual_report,
)
from kaggle_starter.readme import data_quality

PROJECT = EXAMPLE
from example import PACKAGE  # noqa: E402  (the example owner's package)

ROWS = 400


def planted(rows: int = ROWS, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A table with "?" placeholders in a category, a quality grade missing exactly where the
    area it grades is 0, and an amount skewed enough for a low-severity (optional) fix."""
    rng = np.random.default_rng(seed)

    def frame(n: int, first: int) -> pd.DataFrame:
        area = np.where(rng.random(n) < 0.3, 0.0, rng.normal(500, 100, n).round())
        return pd.DataFrame(
            {
                "key": np.arange(first, first + n),
                "colour": rng.choice(["red", "green", "blue"], n),
                "deck_area": area,
                "deck_grade": np.where(area == 0, None, rng.choice(["good", "fair"], n)),
                "income": rng.lognormal(10, 1.5, n).round(),
                "x": rng.normal(0, 1, n),
            }
        )

    train, test = frame(rows, 0), frame(150, rows)
    train.loc[:24, "colour"] = "?"
    train["target"] = (train["x"] + rng.normal(0, 1, rows) > 0).astype(int)
    return train, test


@pytest.fixture(scope="module")
def report():
    train, test = planted()
    return quality_report(train, test, target="target", task="binary", id_column="key")


def test_the_report_is_json_with_the_findings_and_their_fix(report):
    assert json.loads(json.dumps(report)) == report
    assert report["rows"] == {"train": ROWS, "test": 150}
    checks = {f["check"]: f for f in report["findings"]}
    assert checks["placeholder_values"]["counts"] == {"colour": 25}
    assert checks["missing_means_none"]["columns"] == ["deck_grade"]
    assert set(checks["placeholder_values"]) == {
        "check",
        "title",
        "columns",
        "counts",
        "message",
        "fix",
        "severity",
        "feature",
    }
    assert sum(report["severity"].values()) == len(report["findings"])
    assert report["clean"] == clean_function(report["findings"])


def test_the_clean_function_is_valid_python_and_removes_what_it_fixes(report):
    code = report["clean"]
    assert code.startswith("def clean(frame: pd.DataFrame) -> pd.DataFrame:\n")
    assert code.rstrip().endswith("return frame")
    low = [f for f in report["findings"] if f["severity"] == "low" and f["fix"]]
    assert low, "the planted skewed amount gives an optional fix"
    for line in low[0]["fix"].splitlines():
        assert f"    # {line}" in code  # optional fixes come commented out
    namespace = {"pd": pd, "np": np}
    exec(code, namespace)  # noqa: S102 - the code is what the user would paste
    train, test = planted()
    cleaned = namespace["clean"](train.drop(columns="target")).assign(target=train["target"])
    left = {f.check for f in audit(cleaned, test, target="target", task="binary", id_column="key")}
    assert not left & {"placeholder_values", "missing_means_none"}
    assert clean_function([f for f in report["findings"] if not f["fix"]]) is None


def test_a_finding_line_states_the_counts():
    finding = {
        "check": "placeholder_values",
        "title": "Placeholder strings hide missing values",
        "columns": ["workclass", "occupation"],
        "counts": {"workclass": 1836, "occupation": 1843},
        "severity": "high",
    }
    assert finding_line(finding) == (
        "Placeholder strings hide missing values (high): workclass 1,836, occupation 1,843."
    )
    many = {**finding, "counts": {f"c{i}": i for i in range(6)}}
    assert finding_line(many).endswith("c3 3, and 2 more.")
    rows = {**finding, "check": "duplicate_rows", "columns": [], "counts": {"rows": 12}}
    assert finding_line(rows).endswith(": 12 rows.")


def test_gap_table_splits_meaningful_and_hidden_gaps(report):
    train, _ = planted()
    table = gap_table(train, report["findings"])
    assert list(table.index) == ["deck_grade", "colour"]  # most affected first
    grade = table.loc["deck_grade"]
    assert grade["missing, means 'none'"] == pytest.approx(train["deck_grade"].isna().mean())
    assert table.loc["colour", "placeholder string"] == pytest.approx(25 / ROWS)
    # kinds no column has (no sentinel, no unexplained gap) would be empty legend entries
    assert list(table.columns) == ["missing, means 'none'", "placeholder string"]
    assert gap_table(train, []).empty


def _regression(rows: int = 300, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prices that follow size, with two huge houses priced like small ones (the OOF misses)."""
    rng = np.random.default_rng(seed)
    size = rng.normal(1500, 300, rows)
    rooms = (size / 250 + rng.normal(0, 0.8, rows)).round(1)
    price = np.exp(10 + size / 1500 + rng.normal(0, 0.05, rows))
    train = pd.DataFrame({"Id": np.arange(1001, 1001 + rows), "size": size, "rooms": rooms})
    train.loc[[10, 20], ["size", "rooms"]] = [[5600, 24], [5000, 22]]
    train["price"] = price
    oof = pd.DataFrame(
        {"y_true": price, "y_pred": np.exp(10 + train["size"] / 1500)}, index=train.index
    )
    return train, oof


def test_residual_report_names_rows_by_id_on_the_metrics_scale():
    train, oof = _regression()
    found = residual_report(train, oof, target="price", id_column="Id", log_scale=True)
    assert len(found) == 1
    assert found[0]["check"] == "residual_outliers"
    assert {"1011", "1021"} <= set(found[0]["counts"])  # ids, not positions
    assert "size" in found[0]["columns"] and "Id" not in found[0]["columns"]
    assert finding_line(found[0]).startswith(
        "Badly predicted rows at extreme values (high): 2 rows"
    )
    clean = train.drop(index=[10, 20])
    kept = oof.loc[clean.index]
    assert residual_report(clean, kept, target="price", id_column="Id", log_scale=True) == []


@pytest.fixture
def cfg(tmp_path):
    shutil.copy(PROJECT / "config.yaml", tmp_path / "config.yaml")
    return load_config(tmp_path)


def test_readme_lists_top_findings_and_points_at_the_fixes(cfg, report):
    train, oof = _regression()
    residual = residual_report(train, oof, target="price", id_column="Id", log_scale=True)
    text = data_quality(cfg, report, {"residual_outliers": residual})
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert text.startswith("### Data quality\n\n")
    assert lines[0].startswith("- Badly predicted rows")  # leads the high findings
    assert "- Placeholder strings hide missing values (high): colour 25." in lines
    assert f"`src/{PACKAGE}/features.py`" in text and "notebooks/01-eda.ipynb" in text
    assert data_quality(cfg, None, None) == ""
    assert "found nothing" in data_quality(cfg, {"findings": [], "clean": None}, None)


def test_the_eda_stage_reads_the_findings_and_refuses_a_file_without_them(cfg, report):
    cfg.layout.data_quality.parent.mkdir(parents=True)
    cfg.layout.data_quality.write_text(json.dumps(report))
    assert load_quality(cfg) == report["findings"]
    cfg.layout.data_quality.write_text('{"rows": {"train": 3}}')
    with pytest.raises(ProjectError, match=r"data_quality.json is damaged: .*`make data`"):
        load_quality(cfg)


def test_eda_prose_names_hidden_gaps_and_the_fix_to_paste(report):
    summary = {
        "quality": report["findings"],
        "missing": {"deck_grade": 0.31},
        "target_sentences": [],
        "top_features": [],
        "adversarial_auc": None,
        "dates": {},
        "level_sentences": [],
        "high_cardinality": [],
        "groups": {"numeric": [], "categorical": [], "text": [], "datetime": []},
        "train_only": [],
        "task": "binary",
        "target_summary": {"minority_share": 0.5},
    }
    assert disguised_sentence(summary) == (
        "Values that mean 'missing' are stored as data in colour (25 values), hidden from the "
        "missing counts: see Data quality."
    )
    assert disguised_sentence(summary) in findings(summary)
    steps = next_steps(summary)
    assert steps[0].startswith(f"Paste the audit's fixes into clean() in src/{PACKAGE}/features.py")
    assert "colour" in steps[0] and "deck_grade" in steps[0]
    assert not any("Many values are missing" in s for s in steps)  # its gaps mean "none"
