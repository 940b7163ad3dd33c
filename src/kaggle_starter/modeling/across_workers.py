"""XGBoost that trains one model across the workers of a Dask cluster when one cannot hold it.

Under ``compute.cluster`` the engine's folds run as tasks, one fit per worker. A table that does
not fit one worker (``workers.WORKER_SHARE`` of its memory) cannot be fitted that way, so these
estimators, the suite's XGBoost, split such a table's rows over the workers and train one model
with ``xgboost.dask``, XGBoost's own distributed training (the workers build the histograms of
their rows and agree on every split). The trees come back into the estimator, which is then an
ordinary ``XGBRegressor``/``XGBClassifier``: it predicts, is saved with joblib and is explained by
SHAP with no cluster. Anywhere else (in-process, inside a task, a table that fits a worker) the
fit is XGBoost's own, unchanged.
"""

import contextlib
import logging

import numpy as np
import pandas as pd
from xgboost import XGBClassifier, XGBRegressor
from xgboost.core import XGBoostError

from .. import workers
from ..errors import ProjectError
from .estimators import held_out_rows
from .stopping import HOLDOUT, PATIENCE

# Dask places the small tasks that turn the sent rows into XGBoost's partitions, and its work
# stealing can move one to the other worker when the rows are few (moving them looks cheap):
# a worker then trains with no rows, which XGBoost refuses when columns are categorical (it
# cannot infer their categories). The rows are sent again, placed anew, up to this many times.
ATTEMPTS = 3


class XGBRegressorAcrossWorkers(XGBRegressor):
    """``XGBRegressor`` whose fit spreads over the active cluster's workers when the table is
    too big for one (see the module). No ``__init__`` of its own, so scikit-learn's ``clone``
    and ``get_params`` see XGBoost's parameters."""

    def fit(self, X, y, **fit_params):
        if not _spreads(X, fit_params):
            return super().fit(X, y, **fit_params)
        return _train_across_workers(self, X, y, classify=False)


class XGBClassifierAcrossWorkers(XGBClassifier):
    """``XGBClassifier`` whose fit spreads like :class:`XGBRegressorAcrossWorkers`; labels
    arrive encoded 0..k-1 (the suite's ``LabelEncodedClassifier``), as XGBoost needs them."""

    def fit(self, X, y, **fit_params):
        if not _spreads(X, fit_params):
            return super().fit(X, y, **fit_params)
        return _train_across_workers(self, X, y, classify=True)


def xgboost_model(classify: bool, **params):
    """The suite's XGBoost estimator for a task, with XGBoost's parameters ``params``."""
    return (XGBClassifierAcrossWorkers if classify else XGBRegressorAcrossWorkers)(**params)


def _spreads(X, fit_params: dict) -> bool:
    """Train across workers: the stage found the table too big for one of them
    (:func:`..workers.spreading`), ``X`` is a pandas table (the suite's trees read one,
    categories included) and no fit options (evaluation sets, weights) were asked for, which
    the plain fit honours as XGBoost documents them."""
    return workers.spreading() and not fit_params and isinstance(X, pd.DataFrame)


def _train_across_workers(model, X: pd.DataFrame, y, *, classify: bool):
    """Train one booster on the workers with ``xgboost.dask`` and load it into ``model``.

    A seeded tenth of the rows is held out to stop on, chosen as the suite's other boosters
    choose theirs (every class on the fitting side), with the same patience.
    """
    client = workers.client()
    addresses = sorted(workers.worker_info(client))
    y = pd.Series(np.asarray(y), index=X.index, name="label")
    seed = model.random_state if isinstance(model.random_state, int) else 0
    kept, held = held_out_rows(y, HOLDOUT, seed, classify)
    params = model.get_params()
    params["n_jobs"] = None  # each worker trains with its own threads, not the driver's count
    params["early_stopping_rounds"] = params["early_stopping_rounds"] or PATIENCE
    spread = _fit_on_workers(client, params, (X, y, kept, held, addresses), classify)
    _load(model, spread, classify)
    print(
        f"  xgboost across workers: {len(kept):,} rows in {len(addresses)} partitions on "
        f"{len(addresses)} workers, {model.get_booster().num_boosted_rounds()} rounds kept "
        f"(early stopping on {len(held):,} held-out rows)",
        flush=True,
    )
    return model


def _fit_on_workers(client, params: dict, data: tuple, classify: bool):
    """The fitted ``xgboost.dask`` model, after at most ATTEMPTS sendings of the rows; one
    sentence if XGBoost still fails (the last attempt's reason in it)."""
    from xgboost import dask as dxgb

    X, y, kept, held, addresses = data
    model = dxgb.DaskXGBClassifier if classify else dxgb.DaskXGBRegressor
    reason = ""
    for _ in range(ATTEMPTS):
        train = _scattered(client, X, y, kept, addresses)
        valid = _scattered(client, X, y, held, addresses)
        spread = model(**params)
        spread.client = client
        try:
            with client.as_current(), _quiet_shuffle():  # xgboost.dask looks the client up
                spread.fit(*train, eval_set=[valid], verbose=False)
            return spread
        except XGBoostError as error:
            reason = (str(error).strip().splitlines() or [""])[0][:300]
            del train, valid, spread  # the workers drop this attempt's rows before the next
    raise ProjectError(
        f"XGBoost could not train across the {len(addresses)} Dask workers ({reason}): give "
        "them more memory, or take xgboost out of train.models in config.yaml."
    )


@contextlib.contextmanager
def _quiet_shuffle():
    """xgboost.dask's classifier finds the classes with a Dask shuffle, whose workers log
    'Shuffle ... initialized' at WARNING into the user's output; quiet below ERROR meanwhile."""
    log = logging.getLogger("distributed.shuffle")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _scattered(client, X: pd.DataFrame, y: pd.Series, rows: np.ndarray, addresses: list) -> tuple:
    """``X`` and ``y`` at ``rows`` as dask collections of one partition per worker, each
    partition sent to its own worker, so every worker trains on its share of the rows
    (``xgboost.dask`` trains where the partitions are and does not move them)."""
    import dask.dataframe as dd

    tables, labels = [], []
    for worker, part in zip(addresses, np.array_split(rows, len(addresses)), strict=True):
        if len(part):
            # hash=False: a key of its own each time, so the same rows sent again by the next
            # fit are not lost when the scheduler forgets this fit's copy (a race of Dask's).
            tables.append(client.scatter(X.iloc[part], workers=[worker], hash=False))
            labels.append(client.scatter(y.iloc[part], workers=[worker], hash=False))
    return dd.from_delayed(tables, meta=X.iloc[:0]), dd.from_delayed(labels, meta=y.iloc[:0])


def _load(model, spread, classify: bool) -> None:
    """Give ``model`` the trees ``spread`` trained, cut at the best round, and what XGBoost's
    own fit sets: the fitted estimator needs no cluster from here on."""
    booster = spread.get_booster()
    booster = booster[: booster.best_iteration + 1]  # only the kept rounds: SHAP sees these
    if model.n_jobs is not None:
        booster.set_param({"nthread": model.n_jobs})
    model._Booster = booster
    model.evals_result_ = spread.evals_result()
    if classify:
        model.n_classes_ = spread.n_classes_
        if not callable(model.objective):
            model.objective = spread.objective
