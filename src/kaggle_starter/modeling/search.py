"""A time-boxed hyperparameter search for the gradient-boosting models.

Optuna's TPE sampler (seeded) proposes parameters; every trial is cross-validated on the same
folds as the suite, and its running mean is reported after each fold so the median pruner can
drop a trial that is already worse than the median of earlier ones at the same fold. The caller
supplies ``build(params) -> estimator``, so the search knows nothing about preprocessing and
tunes whatever pipeline the train stage would fit.

The budget is wall time. Optuna's ``timeout`` stops launching trials once it has passed; on
its own, a trial still running then finishes and the search overshoots by up to a whole trial.
So before every fold the search also checks that the fold, estimated from the earlier folds,
ends within ``SLACK`` of the budget, and otherwise stops the search there: it ends at most one
fold early and a few per cent late.

Early stopping happens inside the folds when a training fold has at least
``EARLY_STOPPING_ROWS`` rows, scikit-learn's own threshold for HistGradientBoosting's
``early_stopping="auto"``: a tenth of the training fold is held out, and boosting stops once
the held-out loss has not improved for ``STOPPING_ROUNDS`` rounds. The number of rounds is then
no longer searched; the result reports the mean number the folds used, which the final fit on
all rows takes as a fixed count. On smaller data the held-out tenth is too noisy to stop on, and
the number of rounds is searched like any other parameter.

The same seed gives the same sequence of proposals; how many of them fit in the budget depends
on the machine, so a tuned result is recorded with its trial count and elapsed time.
"""

import time
from collections.abc import Callable

import joblib
import numpy as np
import optuna
from sklearn.base import clone, is_classifier
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline

from .. import compute, workers
from ..errors import ProjectError

EARLY_STOPPING_ROWS = 10_000
STOPPING_ROUNDS = 30
MAX_ROUNDS = 2_000  # only a cap: early stopping decides
HOLDOUT = 0.1  # share of a training fold held out to stop on
SLACK = 0.05  # a fold may end at most this share of the budget past it
STARTUP_TRIALS = 5  # trials the pruner lets finish before it compares

# name -> parameter -> (kind, low, high, log). Ranges span what the boosters' documentation
# and common practice search; rates, sizes and penalties on a log scale.
SPACES = {
    "hist_gradient_boosting": {
        "learning_rate": ("float", 0.01, 0.3, True),
        "max_leaf_nodes": ("int", 4, 128, True),
        "min_samples_leaf": ("int", 2, 200, True),
        "l2_regularization": ("float", 1e-4, 10.0, True),
        "max_iter": ("int", 50, 1000, True),
    },
    "lightgbm": {
        "learning_rate": ("float", 0.01, 0.3, True),
        "num_leaves": ("int", 4, 128, True),
        "min_child_samples": ("int", 2, 200, True),
        "subsample": ("float", 0.5, 1.0, False),
        "colsample_bytree": ("float", 0.3, 1.0, False),
        "reg_lambda": ("float", 1e-4, 10.0, True),
        "n_estimators": ("int", 50, 1000, True),
    },
}
# The libraries' own defaults, so a partial ``start`` (the suite's few overrides) is tried as
# exactly the model the suite fits, not with the rest drawn at random.
DEFAULTS = {
    "hist_gradient_boosting": {
        "learning_rate": 0.1,
        "max_leaf_nodes": 31,
        "min_samples_leaf": 20,
        "l2_regularization": 0.0,
        "max_iter": 100,
    },
    "lightgbm": {
        "learning_rate": 0.1,
        "num_leaves": 31,
        "min_child_samples": 20,
        "subsample": 1.0,
        "colsample_bytree": 1.0,
        "reg_lambda": 0.0,
        "n_estimators": 100,
    },
}
ROUNDS = {"hist_gradient_boosting": "max_iter", "lightgbm": "n_estimators"}
# Set with every proposal: row subsampling needs a frequency in LightGBM to take effect, and
# HistGradientBoosting's "auto" would switch early stopping on by itself above 10,000 rows.
FIXED = {
    "hist_gradient_boosting": {"early_stopping": False},
    "lightgbm": {"subsample_freq": 1},
}


def params_problem(model_name: str, params) -> str | None:
    """What is wrong with parameters read back for ``model_name`` (None when they are ones
    :func:`tune` could have chosen): a name outside the search, a value outside its range (the
    rounds anywhere up to ``MAX_ROUNDS``, where early stopping may end), or not a number."""
    if not isinstance(params, dict):
        return f"holds {type(params).__name__}, not a mapping of parameter names to values"
    for name, value in params.items():
        problem = _value_problem(model_name, name, value)
        if problem:
            return f"{name} is {value!r}; {problem}"
    return None


def _value_problem(model_name: str, name: str, value) -> str | None:
    if name in FIXED[model_name]:
        wanted = FIXED[model_name][name]
        return None if value == wanted else f"tuning always sets {wanted!r}"
    if name not in SPACES[model_name]:
        return f"`make tune` searches only {', '.join(SPACES[model_name])}"
    kind, low, high, _ = SPACES[model_name][name]
    if name == ROUNDS[model_name]:  # early stopping may end anywhere up to its cap
        low, high = 1, MAX_ROUNDS
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not number or not low <= value <= high or (kind == "int" and value != int(value)):
        what = "a whole number" if kind == "int" else "a number"
        return f"it must be {what} from {low} to {high}"
    return None


def tunable(model_name: str) -> bool:
    """Whether :func:`tune` has a search space for this model of the suite."""
    return model_name in SPACES


def search_space(model_name: str, trial, *, early_stopping: bool = False) -> dict:
    """One proposal of parameters for ``model_name`` from an Optuna trial.

    With ``early_stopping`` the number of rounds is not searched but capped at ``MAX_ROUNDS``
    and decided by the held-out loss (see the module's docstring).
    """
    if model_name not in SPACES:
        raise ValueError(f"no search space for {model_name!r}; known: {', '.join(SPACES)}")
    params = dict(FIXED[model_name])
    for name, (kind, low, high, log) in SPACES[model_name].items():
        if early_stopping and name == ROUNDS[model_name]:
            params[name] = MAX_ROUNDS
        elif kind == "int":
            params[name] = trial.suggest_int(name, low, high, log=log)
        else:
            params[name] = trial.suggest_float(name, low, high, log=log)
    if early_stopping and model_name == "hist_gradient_boosting":
        params.update(
            early_stopping=True, validation_fraction=HOLDOUT, n_iter_no_change=STOPPING_ROUNDS
        )
    return params


def _clamped(model_name: str, start: dict) -> dict:
    """The searched parameters of ``start``, moved inside the space (Optuna refuses others).

    A default of 0 for a penalty searched on a log scale becomes the range's floor, 1e-4,
    which changes a fit by less than the noise between folds.
    """
    clamped = {}
    for name, value in start.items():
        if name in SPACES[model_name]:
            kind, low, high, _ = SPACES[model_name][name]
            clamped[name] = (int if kind == "int" else float)(min(max(value, low), high))
    return clamped


def _final_step(estimator):
    """The booster inside pipelines (the user's step, then the features), possibly wrapped in a
    log-target regressor."""
    while isinstance(estimator, Pipeline | TransformedTargetRegressor):
        if isinstance(estimator, TransformedTargetRegressor):
            estimator = getattr(estimator, "regressor_", estimator.regressor)
        else:
            estimator = estimator.steps[-1][1]
    return estimator


def _rounds_used(fitted) -> int:
    final = _final_step(fitted)
    best = getattr(final, "best_iteration_", None)  # LightGBM with an eval set
    return int(best) if best else int(final.n_iter_)


def _is_lightgbm(estimator) -> bool:
    try:
        from lightgbm import LGBMModel
    except ImportError:
        return False
    return isinstance(_final_step(estimator), LGBMModel)


def _fit_lightgbm_stopping(estimator, X, y, seed: int):
    """Fit on nine tenths of the training fold, stopping on the held-out tenth's loss.

    LightGBM's scikit-learn interface takes the held-out rows as an ``eval_set`` that must
    already be preprocessed, so the pipeline's feature steps are fitted once on the same rows
    to transform them (the steps are deterministic, so they match the ones fitted inside).
    A log-target wrapper's transform applies to the held-out target too.
    """
    import lightgbm

    from .estimators import held_out_rows
    from .stopping import eval_set_allowed, held_out_params

    inner, held = held_out_rows(y, HOLDOUT, seed, is_classifier(estimator))
    prefix, X_held, y_held = _held_out_for_booster(
        estimator, X.iloc[inner], y.iloc[inner], X.iloc[held], y.iloc[held]
    )
    fit_params = {f"{prefix}{k}": v for k, v in held_out_params(X_held, y_held).items()}
    fit_params[f"{prefix}callbacks"] = [lightgbm.early_stopping(STOPPING_ROUNDS, verbose=False)]
    with eval_set_allowed():
        return estimator.fit(X.iloc[inner], y.iloc[inner], **fit_params)


def _held_out_for_booster(estimator, X_fit, y_fit, X_held, y_held, prefix: str = ""):
    """The held-out rows as the booster at the end of ``estimator`` sees them, and the prefix
    that routes fit parameters to it.

    Each pipeline's steps before its last are fitted on the fitting rows (they are
    deterministic, so they match the ones fitted inside) and applied to both row sets; a
    log-target wrapper's function applies to both targets and passes fit parameters through.
    """
    if isinstance(estimator, TransformedTargetRegressor):
        func = estimator.func or (lambda v: v)
        return _held_out_for_booster(
            estimator.regressor, X_fit, func(y_fit), X_held, func(y_held), prefix
        )
    if isinstance(estimator, Pipeline):
        steps = clone(estimator[:-1]).fit(X_fit, y_fit)
        name, last = estimator.steps[-1]
        return _held_out_for_booster(
            last, steps.transform(X_fit), y_fit, steps.transform(X_held), y_held,
            f"{prefix}{name}__",
        )  # fmt: skip
    return prefix, X_held, y_held


class _Budget:
    """Wall-time bookkeeping: whether one more fold ends within the budget."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.perf_counter()
        self.folds: list[float] = []

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def room_for_fold(self, this_trial: list[float]) -> bool:
        # Folds of the running trial predict its next one best (same parameters); before its
        # first fold, the median fold so far stands in. The very first fold always runs.
        recent = this_trial or self.folds
        estimate = float(np.mean(recent)) if this_trial else float(np.median(recent or [0.0]))
        return self.elapsed() + estimate <= self.seconds * (1 + SLACK)


class _Objective:
    """Cross-validates one proposal, reporting the running mean after every fold."""

    def __init__(self, model_name, build, X, y, splits, scorer, seed, budget):
        self.model_name, self.build, self.scorer, self.seed = model_name, build, scorer, seed
        self.X, self.y, self.splits, self.budget = X, y, splits, budget
        self.early_stopping = min(len(t) for t, _ in splits) >= EARLY_STOPPING_ROWS

    def _fit(self, params, rows):
        return _fit_rows(self.build(params), self.X, self.y, rows, self.early_stopping, self.seed)

    def _on_cluster(self, trial, params) -> tuple[list[float], list[int]]:
        """Under a Dask cluster (:mod:`..compute`): the trial's folds at once, one task each on
        the workers. The budget is then judged per trial (its folds' wall time is one "fold"
        of the bookkeeping) and the pruner hears the running means only afterwards."""
        if not self.budget.room_for_fold([]):
            trial.set_user_attr("cut", True)
            trial.study.stop()
            raise optuna.TrialPruned()
        started = time.perf_counter()
        with compute.spread():
            folds = joblib.Parallel(n_jobs=compute.n_jobs())(
                joblib.delayed(_fit_and_score)(
                    self.build(params), self.X, self.y, train_rows, valid_rows, self.scorer,
                    self.early_stopping, self.seed,
                )
                for train_rows, valid_rows in self.splits
            )  # fmt: skip
        self.budget.folds.append(time.perf_counter() - started)
        scores = [score for score, _ in folds]
        for step in range(len(scores)):
            trial.report(float(np.mean(scores[: step + 1])), step)
        return scores, [rounds for _, rounds in folds]

    def __call__(self, trial) -> float:
        params = search_space(self.model_name, trial, early_stopping=self.early_stopping)
        if workers.active():
            scores, rounds = self._on_cluster(trial, params)
            return self._finish(trial, params, scores, rounds)
        scores, rounds, durations = [], [], []
        for step, (train_rows, valid_rows) in enumerate(self.splits):
            if not self.budget.room_for_fold(durations):
                trial.set_user_attr("cut", True)
                trial.study.stop()
                raise optuna.TrialPruned()
            started = time.perf_counter()
            fitted = self._fit(params, train_rows)
            durations.append(time.perf_counter() - started)
            self.budget.folds.append(durations[-1])
            valid_X, valid_y = self.X.iloc[valid_rows], self.y.iloc[valid_rows]
            scores.append(float(self.scorer(fitted, valid_X, valid_y)))
            rounds.append(_rounds_used(fitted))
            trial.report(float(np.mean(scores)), step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return self._finish(trial, params, scores, rounds)

    @staticmethod
    def _finish(trial, params, scores, rounds) -> float:
        trial.set_user_attr("folds", scores)
        trial.set_user_attr("rounds", rounds)
        trial.set_user_attr("params", params)
        return float(np.mean(scores))


def _fit_rows(estimator, X, y, rows, early_stopping: bool, seed: int):
    """Fit ``estimator`` on ``rows``, LightGBM stopping early on a held-out tenth if asked."""
    X, y = X.iloc[rows], y.iloc[rows]
    if early_stopping and _is_lightgbm(estimator):
        return _fit_lightgbm_stopping(estimator, X, y, seed)
    return estimator.fit(X, y)


def _fit_and_score(estimator, X, y, train_rows, valid_rows, scorer, early_stopping, seed):
    """One fold of a trial as one joblib task (on a worker under a cluster): its score and the
    rounds the booster used; the fitted model stays there."""
    with compute.sequential():
        fitted = _fit_rows(estimator, X, y, train_rows, early_stopping, seed)
        score = float(scorer(fitted, X.iloc[valid_rows], y.iloc[valid_rows]))
        return score, _rounds_used(fitted)


def _reporter(progress, budget: _Budget, folds: int, units: Callable[[float], float], label: str):
    def report(study, trial) -> None:
        left = max(budget.seconds - budget.elapsed(), 0.0)
        done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
        best = (
            f"best {units(study.best_value):.4f} (trial {study.best_trial.number})" if done else ""
        )
        if trial.state == optuna.trial.TrialState.COMPLETE:
            what = f"{label} {units(trial.value):.4f}"
        elif trial.user_attrs.get("cut"):
            what = "stopped: the next fold would not end within the budget"
        else:
            step, value = max(trial.intermediate_values.items(), default=(-1, float("nan")))
            what = f"pruned after fold {step + 1} of {folds} ({label} {units(value):.4f})"
        progress(f"  trial {trial.number:>3}  {what}  {best}  {left:.0f} s left".rstrip())

    return report


def _final_params(model_name: str, best, early_stopping: bool) -> dict:
    params = dict(best.user_attrs["params"])
    if early_stopping:
        # The final fit has no held-out rows: it boosts for the rounds the folds stopped at.
        params[ROUNDS[model_name]] = int(round(np.mean(best.user_attrs["rounds"])))
        for name in ("early_stopping", "validation_fraction", "n_iter_no_change"):
            params.pop(name, None)
        if model_name == "hist_gradient_boosting":
            params["early_stopping"] = False
    return params


def tune(
    build: Callable[[dict], object],
    X,
    y,
    splits,
    scorer,
    *,
    model: str,
    seconds: float,
    seed: int,
    start: dict | None = None,
    progress: Callable[[str], None] = print,
    units: Callable[[float], float] = float,
    label: str = "score",
    max_trials: int | None = None,
) -> dict:
    """Search ``model``'s parameters for ``seconds`` of wall time (or ``max_trials`` trials,
    whichever ends first); return the best found.

    ``build(params)`` returns a fresh, unfitted estimator with ``params`` set on the booster;
    ``splits`` are the suite's (train, validation) row positions and ``scorer`` its scorer, so
    the tuned score compares with the suite's. ``start`` (the suite's overrides of the libraries'
    defaults, ``{}`` for none; the rest come from ``DEFAULTS``) is tried first, so the result
    is never worse than the suite's model on these folds unless the budget ends first; None
    skips it. ``units`` and ``label`` only dress the progress lines (e.g. RMSE shown positive).

    Returns ``model``, ``params`` (what ``build`` should get for the final fit), ``score``,
    ``std`` and ``folds`` (scorer units, higher is better), ``start_score`` (None when the
    start was not tried or not finished), ``trials`` (finished), ``pruned``, ``seconds``
    (elapsed) and ``budget``.
    """
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # our progress lines replace its log
    budget = _Budget(seconds)
    objective = _Objective(model, build, X, y, splits, scorer, seed, budget)
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=STARTUP_TRIALS, n_warmup_steps=1),
    )
    if start is not None:
        study.enqueue_trial(_clamped(model, {**DEFAULTS[model], **start}))
    study.optimize(
        objective,
        n_trials=max_trials,
        timeout=seconds,
        callbacks=[_reporter(progress, budget, len(splits), units, label)],
    )
    return _summary(model, study, budget, objective.early_stopping, start is not None)


def _summary(model: str, study, budget: _Budget, early_stopping: bool, started: bool) -> dict:
    states = [t.state for t in study.trials]
    finished = states.count(optuna.trial.TrialState.COMPLETE)
    if not finished:
        raise ProjectError(
            f"No tuning trial of {model} finished within {budget.seconds:g} s (one fold took "
            f"{max(budget.folds, default=0):.1f} s); raise tune.seconds in config.yaml."
        )
    best = study.best_trial
    first = study.trials[0]
    start_score = (
        first.value if started and first.state == optuna.trial.TrialState.COMPLETE else None
    )
    return {
        "model": model,
        "params": _final_params(model, best, early_stopping),
        "score": float(best.value),
        "std": float(np.std(best.user_attrs["folds"])),
        "folds": best.user_attrs["folds"],
        "start_score": start_score,
        "trials": finished,
        "pruned": states.count(optuna.trial.TrialState.PRUNED),
        "seconds": round(budget.elapsed(), 3),
        "budget": budget.seconds,
    }
