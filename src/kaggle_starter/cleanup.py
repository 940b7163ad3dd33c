"""What the stages generated, as opposed to what you wrote: the rule behind `make clean` and behind
`make eda` never overwriting your notebook.

A notebook written by `make eda` carries a digest of its cells' sources in its metadata; running
it again changes only outputs, so the digest still matches. Once you edit, add or delete a cell,
it no longer matches: the notebook is yours, and no stage replaces or deletes it.

`make clean` removes only generated files: data/processed, the reports and figures the stages
write, the submission (never ``submitted.json``, your record of what was sent), the bookkeeping
in ``.make/``, and the EDA notebook only while it is unedited. ``data/raw``, ``models/``,
``runs/`` and ``features.py`` are never touched.

Bytecode caches are left alone: they are git-ignored, and removing them (``.venv``'s included)
only made the next run of every stage slower.
"""

import hashlib
import json
import shutil
from pathlib import Path

MARK = "kaggle_starter"  # the notebook metadata key holding the digest
GENERATED_DIRS = ("data/processed", ".make", ".pytest_cache", ".ruff_cache")
GENERATED_FILES = (
    "reports/profile.html",
    "reports/profile-train-vs-test.html",
    "reports/eda.html",
    "reports/eda.json",
    "reports/data_quality.json",
    "reports/metrics.json",
    "reports/cv_results.csv",
    "reports/oof_predictions.parquet",
    "reports/interpretation.json",
    "reports/monitoring.html",
    "reports/monitoring.json",
    "submissions/submission.csv",
    "notebooks/01-eda.generated.ipynb",
)
GENERATED_FIGURES = (
    "eda-*.png",
    "monitoring-*.png",
    "runs.png",
    "permutation_importance.png",
    "shap_summary.png",
    "partial_dependence.png",
    "confusion_matrix.png",
    "roc_curve.png",
    "precision_recall.png",
    "predicted_vs_actual.png",
    "residuals.png",
)
EDA_NOTEBOOK = "notebooks/01-eda.ipynb"


def sources_digest(cells: list[dict]) -> str:
    """sha256 of the cells' types and sources (outputs left out: re-running is not editing)."""
    parts = []
    for cell in cells:
        source = cell.get("source", "")
        parts.append(
            [cell.get("cell_type"), "".join(source) if isinstance(source, list) else source]
        )
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()


def is_generated_notebook(path: Path) -> bool:
    """True while ``path`` is a notebook `make eda` wrote and nobody has edited since."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        recorded = notebook["metadata"][MARK]["sources_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return recorded == sources_digest(notebook.get("cells", []))


def clean(root: Path) -> list[str]:
    """Remove the generated files under ``root``; returns what was removed (relative paths)."""
    removed = []
    for name in GENERATED_DIRS:
        if (root / name).is_dir():
            shutil.rmtree(root / name)
            removed.append(name + "/")
    for name in GENERATED_FILES:
        if (root / name).is_file():
            (root / name).unlink()
            removed.append(name)
    figures = root / "reports" / "figures"
    for pattern in GENERATED_FIGURES:
        for path in sorted(figures.glob(pattern)):
            path.unlink()
            removed.append(path.relative_to(root).as_posix())
    notebook = root / EDA_NOTEBOOK
    if is_generated_notebook(notebook):
        notebook.unlink()
        removed.append(EDA_NOTEBOOK)
    return removed
