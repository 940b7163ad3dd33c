"""A model that encodes levels by their mean target is explained on rows it never saw."""

import os

import numpy as np
import pandas as pd

from kaggle_starter.config import load_config
from kaggle_starter.interpret.permutation import first_fold_refit
from kaggle_starter.modeling.pipeline import build_model, encodes_targets
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.stages.interpret import _explained

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROWS = 400


def _table(levels: int):
    """A code with ``levels`` levels (unique per row when levels == ROWS) and a noisy number."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"code": [f"C{i % levels}" for i in range(ROWS)], "size": rng.normal(0, 1, ROWS)}
    )
    schema = {
        "files": {"train": "train.csv"},
        "columns": [
            {"name": "code", "role": "categorical", "n_unique": levels},
            {"name": "size", "role": "numeric", "n_unique": ROWS},
        ],
    }
    y = pd.Series(np.where(rng.random(ROWS) < 0.5, "yes", "no"))
    model = build_model("lightgbm", "binary", model_roles(schema), schema, seed=0, rows=ROWS)
    return frame, y, model.steps[-1][1].fit(frame, y)  # the core, as interpret sees it


def test_a_model_with_target_means_is_explained_by_a_refit_on_held_out_rows(tmp_path):
    (tmp_path / "config.yaml").write_text("data:\n  task: binary\ncv:\n  folds: 4\n")
    cfg = load_config(tmp_path)
    X, y, model = _table(levels=ROWS)  # every row its own level: pure noise to learn from
    assert encodes_targets(model)
    first = first_fold_refit(cfg, model, X, y)
    explained, rows = _explained(cfg, model, X, np.arange(ROWS), first)
    assert explained is not model and len(rows) == ROWS // 4
    positive = (y == "yes").to_numpy()
    # On its own training rows the saved model reads each row's answer from its level ...
    seen = model.predict_proba(X.loc[rows.index])[:, 1]
    assert np.corrcoef(seen, positive[rows.index])[0, 1] > 0.5
    # ... the refit explains rows it never saw, where the code says nothing.
    unseen = explained.predict_proba(rows)[:, 1]
    assert abs(np.corrcoef(unseen, positive[rows.index])[0, 1]) < 0.25


def test_a_model_without_target_means_is_explained_as_saved(tmp_path):
    (tmp_path / "config.yaml").write_text("data:\n  task: binary\n")
    X, y, model = _table(levels=3)
    assert not encodes_targets(model)
    cfg = load_config(tmp_path)
    first = first_fold_refit(cfg, model, X, y)
    explained, rows = _explained(cfg, model, X, np.arange(50), first)
    assert explained is model and list(rows.index) == list(range(50))
