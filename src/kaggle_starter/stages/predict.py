"""Stage `predict`: the test set, in exactly the competition's sample-submission format.

What a valid file looks like is :mod:`..submission`; this stage loads the model and the test
table, predicts in the sample's id order, validates, and writes submissions/submission.csv.

A dataset without a test file has nothing to predict: the stage says so in one sentence and
returns without writing, so `make all` carries on to the report.
"""

import pandas as pd

from .. import artifacts
from ..config import Config
from ..errors import ProjectError
from ..files import replacing
from ..submission import submission_frame, validate_submission


def run(cfg: Config, *, force: bool = False) -> None:
    """Predict the test set and write submissions/submission.csv (``force`` is accepted for the
    CLI's sake: make decides when this stage is stale)."""
    schema = artifacts.load_schema(cfg)
    test = artifacts.load_test(cfg)
    if test is None:
        print(
            "This dataset has no test file, so there is nothing to predict and no submission "
            "was written; the cross-validated scores in reports/ are the results."
        )
        return
    model = artifacts.load_model(cfg)
    card = _check_features(cfg, test)
    frame = submission_frame(cfg, model, schema, test, card.get("threshold"))
    validate_submission(cfg, frame)

    with replacing(cfg.layout.submission) as tmp:
        frame.to_csv(tmp, index=False)
    shown = cfg.layout.submission.relative_to(cfg.root).as_posix()
    print(f"Wrote {shown}: {len(frame):,} rows, columns {', '.join(map(str, frame.columns))}.")


def _check_features(cfg: Config, test: pd.DataFrame) -> dict:
    """The test table must hold every column the model was trained on (from its card, which is
    returned: it also holds the decision threshold, if training chose one)."""
    card = artifacts.read_json(cfg, "model_card", required=False)
    if not card:
        return {}
    try:
        inputs = card.get("inputs") or [c for cols in card["features"].values() for c in cols]
        missing = [c for c in inputs if c not in test.columns]
    except (KeyError, TypeError, AttributeError) as exc:
        raise artifacts.damaged(cfg, "model_card") from exc
    if missing:
        raise ProjectError(
            f"The test data has no column {missing[0]!r}, which the model was trained on; check "
            "that the test file belongs to this training data, then run `make data FORCE=1`."
        )
    return card
