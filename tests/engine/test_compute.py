"""compute.cluster: the folds run on a real Dask scheduler's workers (started here on 127.0.0.1)
with the scores they get in-process; an unreachable scheduler or a missing extra is one sentence."""

import dataclasses
import os
import shutil
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
from example import EXAMPLE

from kaggle_starter import compute, workers
from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError
from kaggle_starter.metrics import scorer as metric_scorer
from kaggle_starter.modeling import search
from kaggle_starter.modeling.pipeline import build_model
from kaggle_starter.modeling.preprocessing import model_roles
from kaggle_starter.modeling.splits import cv_splitter
from kaggle_starter.modeling.validation import cross_validate

distributed = pytest.importorskip("distributed")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROWS = 160
SCHEMA = {
    "files": {"train": "train.csv", "test": "test.csv"},
    "columns": [
        {"name": "size", "role": "numeric", "n_unique": ROWS, "in_test": True},
        {"name": "weight", "role": "numeric", "n_unique": ROWS, "in_test": True},
        {"name": "colour", "role": "categorical", "n_unique": 3, "in_test": True},
        {"name": "label", "role": "target", "n_unique": 2, "in_test": False},
    ],
}


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    shutil.copy(EXAMPLE / "config.yaml", tmp_path / "config.yaml")
    return dataclasses.replace(load_config(tmp_path), task="binary", metric="roc_auc")


def _table():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {
            "size": rng.normal(10, 3, ROWS),
            "weight": rng.normal(5, 1, ROWS),
            "colour": rng.choice(["red", "green", "blue"], ROWS),
        }
    )
    odds = X["size"] - 10 + (X["colour"] == "red") * 2 + rng.normal(0, 2, ROWS)
    return X, pd.Series(np.where(odds > 0, "yes", "no"), name="label")


def _scores(cfg, name):
    X, y = _table()
    model = build_model(name, cfg.task, model_roles(SCHEMA), SCHEMA, seed=0, rows=ROWS)
    result = cross_validate(
        cfg, name, model, X, y, cv_splitter(cfg, X, y), metric_scorer(cfg.metric, cfg.task)
    )
    return result["folds"], result["oof"]["proba_yes"]


def _tune(cfg):
    X, y = _table()
    roles = model_roles(SCHEMA)

    def build(params):
        return build_model(
            "hist_gradient_boosting", cfg.task, roles, SCHEMA, seed=0, rows=ROWS, params=params
        )

    scorer = metric_scorer(cfg.metric, cfg.task)
    return search.tune(
        build, X, y, cv_splitter(cfg, X, y), scorer, model="hist_gradient_boosting",
        seconds=60, seed=0, max_trials=2, progress=lambda line: None,
    )  # fmt: skip


def test_the_folds_run_on_the_schedulers_workers_with_the_in_process_scores(cfg, scheduler, capsys):
    here = {name: _scores(cfg, name) for name in ("linear", "hist_gradient_boosting")}
    remote = dataclasses.replace(cfg, cluster=scheduler.scheduler_address)
    with (
        distributed.Client(scheduler) as watcher,
        distributed.get_task_stream(watcher) as stream,
        compute.on_cluster(remote) as where,
    ):
        assert compute.n_jobs() == -1
        there = {name: _scores(remote, name) for name in here}
        tuned = _tune(remote)
    assert where == f"{scheduler.scheduler_address} (2 workers)"
    for name, (folds, oof) in here.items():
        assert there[name][0] == folds
        np.testing.assert_allclose(there[name][1], oof)
    addresses = set(scheduler.scheduler_info["workers"])
    for function in ("_fit_fold", "_fit_and_score"):  # cross-validation, tuning trials
        ran = {task["worker"] for task in stream.data if function in str(task["key"])}
        assert ran and ran <= addresses
    assert tuned["trials"] == 2 and len(tuned["folds"]) == 5
    printed = capsys.readouterr().out
    assert f"run on {where}." in printed
    assert printed.count("linear                   fold 5/5") == 2  # once here, once there
    assert workers.active() == "" and compute.n_jobs() == 1


def test_in_process_is_the_default_and_imports_no_dask(cfg, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with compute.on_cluster(cfg) as where:
        assert where == "in-process" and compute.n_jobs() == 1


def test_an_unreachable_scheduler_is_one_sentence_naming_it(cfg, monkeypatch):
    monkeypatch.setattr(compute, "CONNECT_SECONDS", 2)  # the default, 30 s, in a real run
    address = "tcp://127.0.0.1:1"
    with (
        pytest.raises(
            ProjectError, match="^No Dask scheduler answered at tcp://127.0.0.1:1 "
        ) as caught,
        compute.on_cluster(dataclasses.replace(cfg, cluster=address)),
    ):
        pytest.fail("the body must not run")
    assert "compute.cluster" in str(caught.value) and "\n" not in str(caught.value)


def test_naming_a_cluster_without_the_dask_extra_says_what_to_install(cfg, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    for address in ("local", "tcp://127.0.0.1:8786"):
        with (
            pytest.raises(ProjectError, match=r'pip install "kaggle-starter\[dask\]"'),
            compute.on_cluster(dataclasses.replace(cfg, cluster=address)),
        ):
            pytest.fail("the body must not run")


def test_local_starts_two_workers_here_and_stops_them(cfg):
    with compute.on_cluster(dataclasses.replace(cfg, cluster="local")) as where, compute.spread():
        pids = set(joblib.Parallel(n_jobs=compute.n_jobs())(
            joblib.delayed(os.getpid)() for _ in range(8)
        ))  # fmt: skip
    assert where == "local cluster (2 workers)"
    assert pids and os.getpid() not in pids
    for pid in pids:  # the workers are gone
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def _die() -> None:
    os._exit(1)


def test_a_worker_that_keeps_dying_is_one_sentence(cfg, scheduler, monkeypatch):
    monkeypatch.setattr(scheduler.scheduler, "allowed_failures", 0)  # Dask's default retries 3
    remote = dataclasses.replace(cfg, cluster=scheduler.scheduler_address)
    with (
        pytest.raises(
            ProjectError, match="^Dask workers of tcp://127.0.0.1:.* kept dying"
        ) as caught,
        compute.on_cluster(remote),
        compute.spread(),
    ):
        joblib.Parallel(n_jobs=compute.n_jobs())(joblib.delayed(_die)() for _ in range(1))
    assert "\n" not in str(caught.value)
