"""A finished project in miniature for the site's tests: the example project (the template's own
config.yaml, README and features.py) with the artifacts `make all` writes, small and hand-made.

Only committed files are written (reports, figures, the run history, the README): like a fresh
clone, the project has no data/ and no models/.
"""

import json
import shutil
from pathlib import Path

import yaml
from example import EXAMPLE

from kaggle_starter.config import load_config
from kaggle_starter.readme import END, START
from kaggle_starter.runs import INDEX_COLUMNS

FIGURES = ("eda-target", "permutation_importance", "shap_summary", "roc_curve", "runs")
METRICS = {
    "task": "binary",
    "metric": "roc_auc",
    "greater_is_better": True,
    "best_model": "lightgbm",
    "best_score": 0.8765,
    "baseline_score": 0.5,
    "cv": {
        "dummy": {"mean": 0.5, "std": 0.0, "folds": [0.5] * 5, "fit_seconds": 0.01},
        "linear": {"mean": 0.8412, "std": 0.0123, "folds": [0.84] * 5, "fit_seconds": 0.2},
        "lightgbm": {"mean": 0.8765, "std": 0.0101, "folds": [0.87] * 5, "fit_seconds": 0.7},
        "ensemble": {
            "mean": 0.8701,
            "std": 0.011,
            "folds": [0.87] * 5,
            "in_sample": 0.88,
            "weights": {"lightgbm": 0.7, "linear": 0.3},
        },
    },
}
QUALITY = {
    "rows": {"train": 891, "test": 418},
    "target": "label",
    "task": "binary",
    "id": "row_id",
    "severity": {"high": 1, "medium": 0, "low": 1},
    "findings": [
        {
            "check": "leaky_features",
            "title": "Columns that give the target away",
            "columns": ["outcome notes"],
            "counts": {"outcome notes": 1.0},
            "message": "Alone, outcome notes predicts label almost perfectly: a <leak>.",
            "fix": "frame = frame.drop(columns=['outcome notes'])",
            "severity": "high",
        },
        {
            "check": "extreme_values",
            "title": "Extreme values",
            "columns": ["fare"],
            "counts": {"fare": 3},
            "message": "Beyond 3 interquartile ranges: fare (3 above 200).",
            "fix": "frame['fare'] = frame['fare'].clip(upper=200)",
            "severity": "low",
        },
    ],
    "clean": "def clean(frame):\n    return frame.drop(columns=['outcome notes'])\n",
}
EDA = {
    "findings": ["label has 2 classes (1: 38.4 %, 0: 61.6 %)."],
    "next_steps": ["Engineer features around fare (ratios, bins)."],
    "adversarial_auc": 0.52,
    "missing": {"age": 0.199, "cabin": 0.771},
    "top_features": [{"feature": "fare", "association": 0.3, "measure": "mutual information"}],
    "figures": ["reports/figures/eda-target.png"],
}
INTERPRETATION = {
    "task": "binary",
    "model": "lightgbm",
    "metric": "roc_auc",
    "sentences": ["On held-out folds, shuffling `fare` worsens the ROC AUC by 0.1 on average."],
    "figures": [f"reports/figures/{name}.png" for name in FIGURES[1:4]],
    "residual_outliers": [],
}
README = f"""# Example

Predicting who survived, with my own features.

[![CI](https://github.com/someone/example/actions/workflows/ci.yml/badge.svg)](https://github.com/someone/example/actions)

{START}
## Results

The committed block, which the site does not copy.
{END}

## My notes

I read [the notebook](notebooks/01-eda.ipynb), the [quality audit](reports/data_quality.json)
and [my features](src/titanic/features.py); see [below](#more).

![A diagram of mine](docs/diagram.png)

<img src="https://example.com/tracker.png">

## More

Nothing else.
"""
# A profile as the profiling library writes it: minified, without </head>.
PROFILE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Profile</title>"
    "<style>nav{height:56px}</style><body><h1>Profile of train</h1></body></html>"
)
EDA_HTML = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<title>EDA</title>\n'
    '</head>\n<body class="jp-Notebook">\n<h1>Exploratory analysis</h1>\n</body>\n</html>\n'
)


def _png(path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(3, 2))
    axes.plot([0, 1, 2], [0, 1, 0])
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=50)
    plt.close(figure)


def _json(path: Path, value) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")


def _history(path: Path) -> None:
    rows = [
        ["001-baseline", "", "2026-01-02T10:00:00+00:00", "abc123def456", False, "linear"],
        ["002-bins", "fare | bins", "2026-01-03T10:00:00+00:00", "def456abc789", True, "lightgbm"],
    ]
    scores = [["roc_auc", 0.8412, 0.0123, 11, 2.5], ["roc_auc", 0.8765, 0.0101, 12, 3.1]]
    lines = [",".join(INDEX_COLUMNS)]
    lines += [",".join(map(str, row + more)) for row, more in zip(rows, scores, strict=True)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def finished(folder: Path, *, serve: dict | None = None) -> Path:
    """The example project with every committed artifact of a finished pipeline."""
    root = shutil.copytree(EXAMPLE, folder / "project")
    config = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8"))
    config["project"]["github_username"] = "Some-One"
    config["serve"].update(serve or {})
    (root / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "README.md").write_text(README, encoding="utf-8")
    reports = root / "reports"
    _json(reports / "metrics.json", METRICS)
    _json(reports / "data_quality.json", QUALITY)
    _json(reports / "eda.json", EDA)
    _json(reports / "interpretation.json", INTERPRETATION)
    (reports / "profile.html").write_text(PROFILE, encoding="utf-8")
    (reports / "eda.html").write_text(EDA_HTML, encoding="utf-8")
    for name in FIGURES:
        _png(reports / "figures" / f"{name}.png")
    _png(root / "docs" / "diagram.png")
    _history(root / "runs" / "index.csv")
    return root


def build(root: Path, *, force: bool = False):
    """Run the site stage on ``root`` as the CLI does, without making it the session's active
    project (the example stays the one the other engine tests see)."""
    from kaggle_starter.stages import site

    site.run(load_config(root), force=force)
    return root / "site"
