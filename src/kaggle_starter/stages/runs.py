"""Stage `runs`: print the run history, so a change can be judged against what came before.

Each line is one `make train`: its note, the best model, the cross-validated score ± its fold
standard deviation, and the change against the previous run and against the best run before it
(+ is better, whatever the metric's direction). A change smaller than the standard deviation is
as likely noise as progress.
"""

from .. import runs
from ..config import Config
from ..metrics import get_metric


def run(cfg: Config, *, force: bool = False) -> None:
    """Print runs/index.csv as a table with the changes in score."""
    metric = get_metric(cfg.metric, cfg.task)
    history = runs.index(cfg)
    print(runs.summary_text(history, metric.greater_is_better, metric.label))
