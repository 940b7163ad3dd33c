"""Stage `tune`: search the boosters' parameters within tune.seconds; `make train` uses them.

The search runs on the same rows, folds, pipelines and metric as `make train` (see
:mod:`..modeling.tuned_params` for how the budget is shared and what is saved), so the scores it
prints compare with the CV table's. Nothing is written until every model is tuned.
"""

import time

from .. import artifacts, compute
from ..config import Config
from ..metrics import get_metric
from ..metrics import scorer as metric_scorer
from ..modeling.engineering import feature_schema
from ..modeling.preprocessing import model_roles
from ..modeling.splits import cv_splitter
from ..modeling.tuned_params import save, setup, tune_suite
from ..modeling.validation import check_target, log_scale_helps, use_log_target
from ..schema import split_target


def run(cfg: Config, *, force: bool = False) -> None:
    """Tune the tunable models of train.models and save their best parameters.

    ``force`` is accepted for the CLI's sake: this stage always tunes; make decides when.
    """
    started = time.perf_counter()
    raw_schema = artifacts.load_schema(cfg)
    X, y = split_target(artifacts.load_train(cfg), raw_schema)
    check_target(cfg, y)
    schema = feature_schema(raw_schema, X, artifacts.load_test(cfg), y, cfg.task)
    roles = model_roles(schema)
    metric, scorer = get_metric(cfg.metric, cfg.task), metric_scorer(cfg.metric, cfg.task)
    splits = cv_splitter(cfg, X, y)
    log_target = use_log_target(cfg, y)
    if log_target is None:
        log_target = log_scale_helps(cfg, X, y, splits, scorer, roles, schema)
    with compute.on_cluster(cfg):  # each trial's folds on the workers when a cluster is named
        tuned = tune_suite(cfg, X, y, splits, scorer, metric, roles, schema, log_target, started)
    elapsed = time.perf_counter() - started
    save(cfg, tuned, setup(cfg, log_target), elapsed)
    print(
        f"Tuned in {elapsed:.0f} s (budget {cfg.tune_seconds} s); saved "
        f"{cfg.layout.tuned_params.relative_to(cfg.root)}: `make train` uses it from now on."
    )
