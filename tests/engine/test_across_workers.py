"""XGBoost across the workers of a real Dask cluster (two worker processes on 127.0.0.1): a
table counted too big for one worker trains one model on both, which then predicts, pickles and
explains with no cluster; anywhere else the fit is XGBoost's own, bit for bit."""

import dataclasses
import json
import os
import shutil

import joblib
import numpy as np
import pandas as pd
import pytest
from example import EXAMPLE
from sklearn.base import clone
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold
from sklearn.model_selection import train_test_split as _split

from kaggle_starter import artifacts, compute, workers
from kaggle_starter.config import load_config
from kaggle_starter.metrics import scorer as metric_scorer
from kaggle_starter.modeling.estimators import LabelEncodedClassifier
from kaggle_starter.modeling.validation import cross_validate

xgboost = pytest.importorskip("xgboost")
distributed = pytest.importorskip("distributed")
from kaggle_starter.modeling.across_workers import xgboost_model  # noqa: E402  (needs xgboost)

os.environ.setdefault("OMP_NUM_THREADS", "1")
PARAMS = {"tree_method": "hist", "enable_categorical": True, "n_jobs": 1, "random_state": 0}
TRAINING = "fn-"  # xgboost.dask's training tasks, one per worker holding rows (its key prefix)


@pytest.fixture
def remote(tmp_path, monkeypatch, scheduler):
    """The example's settings, naming the scheduler as compute.cluster."""
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    shutil.copy(EXAMPLE / "config.yaml", tmp_path / "config.yaml")
    return dataclasses.replace(load_config(tmp_path), cluster=scheduler.scheduler_address)


def _table(rows: int, seed: int):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(
        {
            "size": rng.normal(10, 3, rows),
            "weight": rng.normal(5, 1, rows),
            "colour": pd.Categorical(rng.choice(["red", "green", "blue"], rows)),
        }
    )
    y = 2 * X["size"] + 3 * (X["colour"] == "red") + rng.normal(0, 1, rows)
    return X, y


def _trained_on(stream, scheduler) -> set[str]:
    ran = {task["worker"] for task in stream.data if str(task["key"]).startswith(TRAINING)}
    assert ran <= set(scheduler.scheduler_info["workers"])
    return ran


def test_a_table_too_big_for_a_worker_trains_one_model_on_both(
    remote, scheduler, monkeypatch, capsys, tmp_path
):
    monkeypatch.setattr(workers, "WORKER_SHARE", 0.0)  # any table is too big for a worker
    X, y = _table(3000, 0)
    with (
        distributed.Client(scheduler) as watcher,
        distributed.get_task_stream(watcher) as stream,
        compute.on_cluster(remote),
        workers.fits_spread(),
    ):
        assert workers.too_big(X)
        model = xgboost_model(False, **PARAMS).fit(X, y)
    assert _trained_on(stream, scheduler) == set(scheduler.scheduler_info["workers"])
    printed = capsys.readouterr().out
    assert "xgboost across workers: 2,700 rows in 2 partitions on 2 workers" in printed
    joblib.dump(model, tmp_path / "model.joblib")
    assert workers.client() is None
    loaded = joblib.load(tmp_path / "model.joblib")
    X_new, y_new = _table(1000, 1)
    assert isinstance(loaded, xgboost.XGBRegressor)
    np.testing.assert_array_equal(loaded.predict(X_new), model.predict(X_new))
    plain = xgboost.XGBRegressor(**PARAMS).fit(X, y)
    score, reference = r2_score(y_new, loaded.predict(X_new)), r2_score(y_new, plain.predict(X_new))
    assert score > 0.9 and abs(score - reference) < 0.03
    rounds = loaded.get_booster().num_boosted_rounds()
    assert f"{rounds} rounds kept" in printed and rounds < 100  # early stopping kept these
    shap = pytest.importorskip("shap")
    explained = shap.TreeExplainer(loaded).shap_values(X_new.iloc[:5])
    np.testing.assert_allclose(
        explained.sum(axis=1) + shap.TreeExplainer(loaded).expected_value,
        loaded.predict(X_new.iloc[:5]),
        rtol=1e-4,
    )


def test_cross_validation_of_such_a_model_fits_each_fold_across_the_workers(
    remote, scheduler, monkeypatch, capsys
):
    monkeypatch.setattr(workers, "WORKER_SHARE", 0.0)
    X, size = _table(1200, 2)
    y = pd.Series(np.where(size > size.median(), "big", "small"))
    model = LabelEncodedClassifier(xgboost_model(True, **PARAMS))
    splits = list(KFold(2, shuffle=True, random_state=0).split(X))
    cfg = dataclasses.replace(remote, task="binary", metric="roc_auc")
    with (
        distributed.Client(scheduler) as watcher,
        distributed.get_task_stream(watcher) as stream,
        compute.on_cluster(cfg),
    ):
        assert workers.too_big(X)
        result = cross_validate(
            cfg, "xgboost", model, X, y, splits, metric_scorer(cfg.metric, cfg.task)
        )
    assert _trained_on(stream, scheduler) == set(scheduler.scheduler_info["workers"])
    assert not [task for task in stream.data if "_fit_fold" in str(task["key"])]  # not tasks
    assert capsys.readouterr().out.count("xgboost across workers: 540 rows") == 2
    assert all(score > 0.85 for score in result["folds"])
    assert set(result["oof"]) == {"y_pred", "proba_big", "proba_small"}


def test_anywhere_else_the_fit_is_xgboosts_own(remote, scheduler, capsys):
    X, y = _table(600, 3)
    plain = xgboost.XGBRegressor(**PARAMS).fit(X, y).predict(X)
    here = xgboost_model(False, **PARAMS).fit(X, y)
    assert type(here).__name__ == "XGBRegressorAcrossWorkers"
    np.testing.assert_array_equal(here.predict(X), plain)
    with (
        distributed.Client(scheduler) as watcher,
        distributed.get_task_stream(watcher) as stream,
        compute.on_cluster(remote),
    ):  # a cluster, but the table is far below a quarter of a worker's memory
        assert not workers.too_big(X)
        small = xgboost_model(False, **PARAMS).fit(X, y)
    np.testing.assert_array_equal(small.predict(X), plain)
    assert not _trained_on(stream, scheduler)
    assert "across workers" not in capsys.readouterr().out


def test_a_worker_without_a_memory_limit_counts_its_machines_memory():
    info = {
        "tcp://a:1": {"memory_limit": 8_000},
        "tcp://b:1": {"memory_limit": 0},  # Dask's memory_limit=0: no limit
        "tcp://c:1": {"memory_limit": None},
    }
    hosts = {"tcp://a:1": 64_000, "tcp://b:1": 6_000, "tcp://c:1": 32_000}
    assert workers.worker_memory(info, lambda: hosts) == 6_000
    limited = {"tcp://a:1": {"memory_limit": 8_000}, "tcp://c:1": {"memory_limit": 4_000}}
    assert workers.worker_memory(limited, lambda: pytest.fail("not asked")) == 4_000
    assert not workers.too_big_for_a_worker(10**15)  # in-process: nothing is too big
    X = pd.DataFrame({"colour": pd.Categorical(["red"] * 100), "size": np.arange(100.0)})
    assert workers.table_bytes(X) == X.memory_usage(deep=True, index=False).sum() > 800
    assert not workers.too_big(X) and not workers.spreading()  # no client


def test_in_process_the_table_is_not_even_measured(monkeypatch):
    monkeypatch.setattr(workers, "table_bytes", lambda X: pytest.fail("measured in-process"))
    assert not workers.too_big(pd.DataFrame({"size": np.arange(10.0)}))


def test_the_factory_gives_xgboosts_estimators_that_scikit_learn_clones():
    model = xgboost_model(True, max_bin=63)
    copy = clone(model)
    assert isinstance(copy, xgboost.XGBClassifier) and type(copy) is type(model)
    assert copy.get_params() == model.get_params() and copy.get_params()["max_bin"] == 63


def test_train_refits_the_best_model_across_the_workers_too(scheduler, monkeypatch, tmp_path):
    from trained import build, run_cli

    project = build(tmp_path, "data")
    monkeypatch.setattr(workers, "WORKER_SHARE", 0.0)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", scheduler.scheduler_address)
    config = project / "config.yaml"
    text = config.read_text().replace("models: [dummy, linear]", "models: [dummy, xgboost]")
    config.write_text(text.replace("ensemble: true", "ensemble: false"))
    result = run_cli(project, "train")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    spread = [k for k, line in enumerate(lines) if "xgboost across workers:" in line]
    folds = [line for line in lines if line.strip().startswith("xgboost") and " fold " in line]
    assert len(spread) == len(folds) + 1  # each fold, then the refit
    assert lines[spread[-1] + 1].startswith("Refit xgboost on all ")
    assert "Best: xgboost" in result.stdout
    cfg = load_config(project)
    model, card = joblib.load(cfg.layout.model), json.loads(cfg.layout.model_card.read_text())
    assert card["model"] == "xgboost"
    test = artifacts.load_test(cfg)[card["inputs"]]
    assert model.predict_proba(test).shape == (len(test), 2)  # no cluster here any more


def test_a_class_of_one_row_is_trained_on_not_held_out(remote, scheduler, monkeypatch):
    """The held-out tenth never takes a class's only row: the model across the workers
    answers for all three classes (before: two columns of probabilities for three classes)."""
    monkeypatch.setattr(workers, "WORKER_SHARE", 0.0)
    X, size = _table(600, 4)
    labels = np.where(size > size.median(), 1, 0)
    labels[np.argmax(size)] = 2  # one row of the third class
    rows = np.arange(600)
    seed = next(s for s in range(100) if labels.argmax() in _split(rows, test_size=0.1,
                                                                  random_state=s)[1])  # fmt: skip
    with compute.on_cluster(remote), workers.fits_spread():  # a seed that held the row out
        model = xgboost_model(True, **{**PARAMS, "random_state": seed}).fit(X, labels)
    assert model.predict_proba(X).shape == (600, 3)
