"""Tuning the suite's boosters within one time budget, and handing the result to training.

`make tune` searches each tunable model of ``train.models`` with :func:`.search.tune` on the
suite's own folds, pipelines and scorer, so a tuned score compares with the suite's; the budget
(``tune.seconds``) is shared out as it goes: each model gets the time left over the models
left, so one that ends early leaves its time to the next. The suite's own settings are the
first trial, so a tuned model is never worse on these folds than the untuned one.

The best parameters go to ``models/tuned_params.json`` with what they were tuned for (metric,
folds, seed, log scale); `make train` uses them only for that same setup, and says so. Every
session is also appended to ``models/tuning_log.json``: how many trials fitted in the budget
depends on the machine, so the log is the record of what a tuned score cost.
"""

import time

from .. import artifacts
from ..config import Config
from ..errors import ProjectError
from ..files import write_json
from ..metrics import Metric, to_metric_units
from .pipeline import build_model
from .preprocessing import feature_count
from .search import params_problem, tunable, tune
from .suite import available, booster_defaults, label


def setup(cfg: Config, log_target: bool) -> dict:
    """What tuned parameters are valid for: the same metric, folds and target scale."""
    return {
        "task": cfg.task,
        "metric": cfg.metric,
        "folds": cfg.cv_folds,
        "seed": cfg.cv_seed,
        "strategy": cfg.cv_strategy,
        "log_target": bool(log_target),
    }


def models_to_tune(cfg: Config) -> list[str]:
    names = [m for m in cfg.models if tunable(m) and available(m)]
    if not names:
        raise ProjectError(
            f"none of train.models ({', '.join(cfg.models)}) can be tuned: add "
            "hist_gradient_boosting or lightgbm to train.models in config.yaml."
        )
    return names


def tune_suite(
    cfg: Config, X, y, splits, scorer, metric: Metric, roles, schema, log_target, started
):
    """Tune every tunable model in turn, all done ``cfg.tune_seconds`` after ``started``.

    ``started`` is the stage's ``time.perf_counter()`` at its start, so loading the data counts
    against the budget too. Returns each model's result in the metric's units.
    """
    names = models_to_tune(cfg)
    deadline = started + cfg.tune_seconds
    print(
        f"Tuning {', '.join(label(n) for n in names)} for {cfg.tune_seconds} s on "
        f"{len(X):,} rows, {len(splits)} folds, metric {metric.label}:",
        flush=True,
    )
    tuned = {}
    for left, name in zip(range(len(names), 0, -1), names, strict=True):
        seconds = max((deadline - time.perf_counter()) / left, 1.0)
        print(f"{label(name)}: {seconds:.0f} s", flush=True)

        def build(params, name=name):
            return build_model(
                name, cfg.task, roles, schema, seed=cfg.cv_seed, rows=len(X),
                log_target=log_target, params=params,
            )  # fmt: skip

        # The suite's own settings for this size are the first trial.
        start = booster_defaults(name, len(X), feature_count(roles))
        result = tune(
            build, X, y, splits, scorer, model=name, seconds=seconds, seed=cfg.cv_seed,
            start=start, units=lambda v: to_metric_units(metric, v), label=metric.label,
        )  # fmt: skip
        tuned[name] = _in_units(result, metric)
        _say(name, tuned[name], metric)
    return tuned


def _in_units(result: dict, metric: Metric) -> dict:
    out = dict(result)
    for key in ("score", "start_score"):
        if out.get(key) is not None:
            out[key] = to_metric_units(metric, out[key])
    out["folds"] = [to_metric_units(metric, s) for s in out["folds"]]
    return out


def _say(name: str, result: dict, metric: Metric) -> None:
    start = result.get("start_score")
    before = f" (the suite's settings: {start:.4f})" if start is not None else ""
    print(
        f"{label(name)}: best {metric.label} {result['score']:.4f} ± {result['std']:.4f}{before}"
        f" after {result['trials']} trials ({result['pruned']} pruned) in "
        f"{result['seconds']:.0f} s.",
        flush=True,
    )


def _checked(saved) -> dict:
    """The file's models and parameters, each as `make tune` could have written it; anything
    else is one sentence naming the file and the key (not a traceback from inside a fold, nor a
    fit of a billion rounds)."""
    models = saved.get("models") if isinstance(saved, dict) else None
    if not isinstance(models, dict):
        raise ProjectError(
            "models/tuned_params.json does not hold a 'models' mapping: run `make tune` again, "
            "or delete the file to train with the suite's settings."
        )
    for name, params in models.items():
        problem = params_problem(name, params) if tunable(name) else "is not a tunable model"
        if problem:
            raise ProjectError(
                f"models/tuned_params.json: {name} {problem}. Run `make tune` again, or delete "
                "the file to train with the suite's settings."
            )
    return models


def save(cfg: Config, tuned: dict, valid_for: dict, seconds: float) -> None:
    """Write tuned_params.json and append this session to tuning_log.json."""
    when = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    write_json(
        cfg.layout.tuned_params,
        {"tuned_at": when, "for": valid_for, "models": {n: r["params"] for n, r in tuned.items()}},
    )
    log = artifacts.read_json(cfg, "tuning_log", required=False) or []
    session = {"tuned_at": when, "budget": cfg.tune_seconds, "seconds": round(seconds, 1)}
    log.append({**session, "for": valid_for, "models": tuned})
    write_json(cfg.layout.tuning_log, log)


def tuned_params(cfg: Config, names: list[str], log_target: bool | None) -> dict[str, dict]:
    """The parameters `make tune` found for these models, when tuned for this very setup.

    Parameters tuned for another metric, other folds or another target scale are left unused
    (and the reason said): they were chosen for a different question.
    """
    saved = artifacts.read_json(cfg, "tuned_params", required=False)
    if saved is None:
        return {}
    found = {n: p for n, p in _checked(saved).items() if n in names}
    wanted = setup(cfg, bool(log_target))
    stale = [k for k, v in wanted.items() if (saved.get("for") or {}).get(k) != v]
    if stale:
        print(
            f"models/tuned_params.json was tuned for another {', '.join(stale)}; training with "
            "the suite's settings (run `make tune` again to tune for this setup)."
        )
        return {}
    if found:
        print(
            f"Using tuned parameters for {', '.join(label(n) for n in found)} "
            f"(models/tuned_params.json, {saved.get('tuned_at', 'undated')})."
        )
    return found
