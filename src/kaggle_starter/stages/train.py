"""Stage `train`: cross-validate the suite on the competition's metric, refit the best, save it.

The dummy baseline always runs: it is the bar the other models have to clear. Outputs are written
only after every model has been scored, ``reports/metrics.json`` last (it is make's target), so a
failed or interrupted run leaves the previous results as they were.
"""

import ctypes
import ctypes.util
import gc
import platform
import time
from importlib.metadata import PackageNotFoundError, version

import joblib
import numpy as np
import pandas as pd
from sklearn.base import clone

from .. import __version__, artifacts, compute, owner, runs, workers
from ..config import Config
from ..errors import ProjectError
from ..files import replacing, sha256_file, write_json
from ..metrics import CLASSIFICATION, get_metric
from ..metrics import scorer as metric_scorer
from ..modeling.engineering import feature_schema
from ..modeling.ensemble_candidate import describe, ensemble_entry
from ..modeling.estimators import SampledFit
from ..modeling.pipeline import build_model, split_user
from ..modeling.preprocessing import feature_count, model_roles
from ..modeling.splits import cv_splitter
from ..modeling.suite import available, large_table_choice
from ..modeling.tuned_params import tuned_params
from ..modeling.validation import (
    best_of,
    check_target,
    cross_validate,
    log_scale_helps,
    oof_frame,
    use_log_target,
)
from ..plots import save
from ..schema import split_target
from ..submission import submission_frame

CV_KEYS = ("mean", "std", "folds", "fit_seconds")
ENSEMBLE_KEYS = ("in_sample", "in_sample_folds", "weights")  # the ensemble's extra record
THRESHOLD_KEYS = ("value", "positive", "metric")  # what the model card keeps of the threshold
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LIBRARIES = ("scikit-learn", "pandas", "numpy", "lightgbm", "xgboost", "catboost")


def run(cfg: Config, *, force: bool = False, note: str = "") -> None:
    """Cross-validate every model in train.models, refit the best, save it, record the run.

    ``note`` (``NOTE="..." make train``) names the run in the history. ``force`` is accepted for
    the CLI's sake: this stage always retrains; make decides when.
    """
    began, started = time.perf_counter(), runs.started_at()
    runs.index(cfg)  # a damaged history stops train before minutes of fitting, not after
    raw_schema = artifacts.load_schema(cfg)
    X, y = split_target(artifacts.load_train(cfg), raw_schema)
    _release_memory()
    check_target(cfg, y)
    schema = feature_schema(raw_schema, X, artifacts.load_test(cfg), y, cfg.task)
    _release_memory()
    roles = _roles(schema)
    _say_engineered(schema)
    metric = get_metric(cfg.metric, cfg.task)
    scorer = metric_scorer(cfg.metric, cfg.task)
    splits = cv_splitter(cfg, X, y)
    log_target = use_log_target(cfg, y)
    if log_target is None:
        log_target = log_scale_helps(cfg, X, y, splits, scorer, roles, schema)

    names = _runnable(cfg, len(X), feature_count(roles))
    scale = " on the log scale (log1p / expm1)" if log_target else ""
    print(
        f"Cross-validating {len(names)} models on {len(X):,} rows × {X.shape[1]} features, "
        f"{len(splits)} folds, metric {metric.label}{scale}:",
        flush=True,
    )
    with compute.on_cluster(cfg) as where:  # in-process unless compute.cluster names one
        results = _cross_validate_all(cfg, names, (X, y, splits, scorer), roles, schema, log_target)
        listed, best, oof = _choose(cfg, results, (y, splits, scorer), metric)
        _release_memory()  # before the refit, which holds the most memory of the run
        inputs, folds = list(X.columns), len(splits)
        del splits  # the refit needs neither the folds nor their 240 MB at ten million rows
        model = _refit_across_workers(results[best]["estimator"], best, X, y)
    if model is None:  # the usual refit: here, after any cluster is closed
        model = _refit(results[best]["estimator"], best, X, y)
    del X  # predicting the test rows does not need the training table
    gc.collect()
    facts = {"note": note.strip(), "started_at": started, "best_model": best, "roles": roles}
    facts["engineered"] = schema.get("engineered") or []
    facts["learned"] = schema.get("learned") or []
    facts["threshold"] = results[best].get("threshold")  # the saved model's, for the submission
    facts["compute"] = where  # where the folds ran: in-process, a local cluster, a scheduler
    # The model and its card, then the run, then make's target (reports/metrics.json): a run is
    # recorded only for a saved model, and a run that could not be recorded leaves train undone,
    # so the next `make train` retries.
    _save(cfg, best, model, roles, (inputs, folds), results, listed, oof)
    _record_run(cfg, facts, model, raw_schema, listed, oof, time.perf_counter() - began)
    _write_metrics(cfg, best, results, listed)


def _choose(cfg, results: dict, data, metric) -> tuple[dict, str, pd.DataFrame]:
    """(the listed models' results with the ensemble, the best model's name, its out-of-fold
    frame); every model's fold predictions are freed then, before the refit, which holds the
    most memory of the run."""
    y, splits, scorer = data
    listed = {m: r for m, r in results.items() if m in cfg.models}
    if cfg.ensemble:
        _add_ensemble(cfg, results, listed, y, splits, scorer, metric)
    best = best_of(listed or results, metric.greater_is_better)
    if best == "dummy":
        print("No model beats the dummy baseline on this metric: the dummy is saved as the best.")
    oof = oof_frame(y, results[best]["oof"], splits)
    for result in results.values():
        result.pop("oof", None)
    return listed, best, oof


def _refit_across_workers(estimator, name: str, X: pd.DataFrame, y: pd.Series):
    """The refit on all rows while the cluster is open, when the table is too big for one of
    its workers (XGBoost then trains across them: modeling.across_workers); else None, and
    the refit runs after the cluster is closed and its workers' memory handed back."""
    if not workers.too_big(X):
        return None
    with workers.fits_spread():
        return _refit(estimator, name, X, y)


def _cross_validate_all(cfg, names, data, roles, schema, log_target) -> dict[str, dict]:
    """Each model's cross-validated record, with its unfitted estimator and log-scale flag."""
    X, y, splits, scorer = data
    if workers.too_big(X):
        print(
            f"compute: the table ({workers.table_bytes(X) / 2**30:.1f} GiB) is more than "
            f"{workers.WORKER_SHARE:.0%} of the smallest worker's memory: each fold is fitted "
            "here, one after another, and XGBoost's fits train across the workers.",
            flush=True,
        )
    metric = get_metric(cfg.metric, cfg.task)
    results, tuned = {}, tuned_params(cfg, names, log_target)
    for name in names:
        # The dummy predicts the plain mean unless the metric itself is on the log scale.
        log = log_target and (name != "dummy" or metric.log_scale)
        model = build_model(
            name,
            cfg.task,
            roles,
            schema,
            seed=cfg.cv_seed,
            rows=len(X),
            log_target=log,
            params=tuned.get(name),
        )
        results[name] = cross_validate(cfg, name, model, X, y, splits, scorer)
        results[name].update(estimator=model, log_target=log)
        _release_memory()  # what this model's folds freed, before the next one's copies
    return results


def _record_run(cfg, facts, model, schema, listed, oof, seconds) -> None:
    """Keep this run in runs/<NNN>-<note>/, add it to runs/index.csv, redraw the history figure."""
    metric = get_metric(cfg.metric, cfg.task)
    best = listed.get(facts["best_model"]) or next(iter(listed.values()))
    run = {
        "note": facts["note"],
        "started_at": facts["started_at"],
        "best_model": facts["best_model"],
        "metric": cfg.metric,
        "score": best["mean"],
        "std": best["std"],
        "features": feature_count(facts["roles"]),
        "seconds": round(seconds, 1),
        "compute": facts["compute"],
        "models": {
            name: {key: r[key] for key in ("mean", "std", "folds", "fit_seconds")}
            for name, r in listed.items()
        },
        "engineered": facts["engineered"],
        "learned": facts["learned"],
        "libraries": _versions(),
        **_provenance(),
    }
    test = artifacts.load_test(cfg)
    frames = {
        "cv_results.csv": _cv_table(listed),
        "oof_predictions.parquet": oof,
        "submission.csv": (
            submission_frame(cfg, model, schema, test, facts["threshold"])
            if test is not None
            else None
        ),
    }
    folder = runs.new_folder(cfg, facts["note"] or facts["best_model"])
    runs.record(cfg, folder, run, frames)
    history = runs.index(cfg)
    cfg.layout.figures.mkdir(parents=True, exist_ok=True)
    save(runs.figure(history, metric.label, metric.greater_is_better), cfg.layout.runs_figure)
    print(f"Recorded {folder.relative_to(cfg.root)}; `make runs` compares it with the others.")


def _add_ensemble(cfg, results, listed, y, splits, scorer, metric) -> None:
    """Blend the listed models on their OOF predictions; the honest score competes."""
    classes = sorted(y.unique().tolist()) if cfg.task in CLASSIFICATION else None
    entry = ensemble_entry(listed, y, splits, scorer, metric, classes)
    if not entry:
        return
    results["ensemble"] = listed["ensemble"] = entry
    print(
        f"  {'ensemble':<24} {metric.label} {entry['mean']:.4f} ± {entry['std']:.4f} honest "
        f"(weights chosen without each fold), {entry['in_sample']:.4f} in-sample; "
        f"{describe(entry['weights'])}",
        flush=True,
    )


def _say_engineered(schema: dict) -> None:
    """One line of what features.py changes: columns added, dropped, learned in each fold."""
    parts = [
        f"{verb} {', '.join(map(str, columns))}"
        for verb, columns in (
            ("adds", schema.get("engineered")),
            ("drops", schema.get("dropped")),
            ("learns in each fold", schema.get("learned")),
        )
        if columns
    ]
    if parts:
        print(f"features.py: {'; '.join(parts)}.", flush=True)


def _roles(schema: dict) -> dict[str, list[str]]:
    roles = model_roles(schema)
    if not any(roles.values()):
        raise ProjectError(
            "No feature columns remain after dropping the id, constant and target columns; "
            "check data.target and data.id in config.yaml."
        )
    return roles


def _runnable(cfg: Config, rows: int, columns: int) -> list[str]:
    """The dummy plus train.models, without the models whose library is not installed, and
    with one gradient-boosting library on a large table (see ``suite.FASTEST_BOOSTERS``)."""
    names = ["dummy", *[m for m in cfg.models if m != "dummy"]]
    skipped = [m for m in names if not available(m)]
    if skipped:
        print(f"Skipping {', '.join(skipped)}: not installed (make setup EXTRAS=boost).")
    names = [m for m in names if available(m)]
    if not any(m != "dummy" for m in names if m in cfg.models):
        raise ProjectError(
            f"none of train.models ({', '.join(cfg.models)}) can run here: install the missing "
            "ones (make setup EXTRAS=boost) or add hist_gradient_boosting to train.models in "
            "config.yaml."
        )
    # A remote cluster only: a local one's workers share this machine's memory, so spreading
    # a table over them would only copy it between processes.
    remote = cfg.cluster not in ("", "local")
    names, _ = large_table_choice(names, rows, columns, cluster=remote)
    return names


def _release_memory() -> None:
    """Hand the memory freed so far back to the system: pyarrow's and the C heap's.

    Reading Parquet goes through pyarrow's own allocator, which keeps what the read used once
    the table is in pandas: 1.2 GB of ten million rows x 15 columns, held through every fit.
    glibc's allocator likewise keeps freed blocks of a model's fits for reuse, and the next
    model's copies come on top: at ten million rows train sat at 4.0 GB between the folds and
    the refit with 1.3 GB of table. ``malloc_trim`` is glibc's own call for that; no library
    wraps it, so it is called through ctypes where the C library has it (not on macOS).
    """
    import pyarrow

    pyarrow.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def _libc():
    """glibc, with its allocator told to give every block of 1 MiB or more its own mapping,
    returned to the system when freed; None elsewhere. glibc raises that threshold by itself
    after large frees (up to 32 MiB), after which a fit's many mid-sized arrays come from a
    heap that grows between the folds and is not given back."""
    library = ctypes.util.find_library("c")
    libc = ctypes.CDLL(library) if library else None
    if libc is None or not hasattr(libc, "malloc_trim") or not hasattr(libc, "mallopt"):
        return None
    libc.mallopt(M_MMAP_THRESHOLD, 1 << 20)
    return libc


def _refit(estimator, name: str, X: pd.DataFrame, y: pd.Series):
    start = time.perf_counter()
    model = clone(estimator).fit(X, y)
    print(f"Refit {name} on all {len(X):,} rows in {time.perf_counter() - start:.1f} s.")
    return model


def _save(cfg, best, model, roles, shape, results, listed, oof) -> None:
    """Write the model, its card, the OOF predictions and the CV table.

    ``shape`` is (the model's input columns, the folds cross-validation used): the folds can
    differ from cv.folds (a huge table's fewer folds, ``modeling.splits.fold_count``).
    """
    layout, (inputs, folds) = cfg.layout, shape
    baseline = results["dummy"]["mean"]
    with replacing(layout.model) as tmp:
        joblib.dump(model, tmp)
        digest = sha256_file(tmp)
    card = _model_card(cfg, best, model, roles, results[best], (baseline, folds))
    # What ties the card to its model: a reader racing this write (a starting service) can
    # tell the new model beside the old card (artifacts.load_trained).
    card["model_sha256"] = digest
    card["inputs"] = inputs
    if "weights" in results[best]:
        card["members"] = results[best]["weights"]
    if "threshold" in results[best]:  # predict and serve label with it (modeling.threshold)
        card["threshold"] = {k: results[best]["threshold"][k] for k in THRESHOLD_KEYS}
    write_json(layout.model_card, card, default=_json_safe)
    with replacing(layout.oof_predictions) as tmp:
        oof.to_parquet(tmp)
    with replacing(layout.cv_results) as tmp:
        _cv_table(listed).to_csv(tmp, index=False)


def _write_metrics(cfg, best, results, listed) -> None:
    """reports/metrics.json, make's target for train: written last, once all else is saved."""
    layout, baseline = cfg.layout, results["dummy"]["mean"]
    cv = {
        name: {key: r[key] for key in (*CV_KEYS, *ENSEMBLE_KEYS) if key in r}
        for name, r in listed.items()
    }
    metric = get_metric(cfg.metric, cfg.task)
    metrics = {
        "task": cfg.task,
        "metric": cfg.metric,
        "greater_is_better": metric.greater_is_better,
        "best_model": best,
        "best_score": results[best]["mean"],
        "baseline_score": baseline,
        "cv": cv,
    }
    if "threshold" in results[best]:
        metrics["threshold"] = results[best]["threshold"]
    write_json(layout.metrics, metrics, default=_json_safe)
    r = results[best]
    print(
        f"Best: {best}, {metric.label} {r['mean']:.4f} ± {r['std']:.4f} "
        f"(dummy baseline {baseline:.4f}); saved {layout.model.relative_to(cfg.root)}."
    )


def _cv_table(listed: dict[str, dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "model": name,
                "mean": r["mean"],
                "std": r["std"],
                **{f"fold_{k}": s for k, s in enumerate(r["folds"], start=1)},
                "fit_seconds": r["fit_seconds"],
                "in_sample": r.get("in_sample"),
                "members": describe(r["weights"]) if "weights" in r else "",
            }
            for name, r in listed.items()
        ]
    )


def _provenance() -> dict:
    """The engine's version and the sha256 of the owner's code the model runs: a saved pipeline
    holds a reference to features.py, not the code, so serving compares these before answering."""
    return {"engine": __version__, "code_sha256": owner.digests()}


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _json_safe(value):
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return repr(value)


def _library_class(estimator) -> str:
    """The estimator's class as its library names it: the engine's subclass of a library's
    model (the huge table's StoppingLGBMRegressor, XGBoost across workers) is that model."""
    kind = type(estimator)
    base = kind.__bases__[0]
    ours = kind.__module__.startswith("kaggle_starter")
    if ours and not base.__module__.startswith(("kaggle_starter", "sklearn.base", "builtins")):
        return base.__name__
    return kind.__name__


def _model_card(cfg, name, model, roles, result, bar) -> dict:
    """What the saved model is and how it was scored; ``bar`` is (the dummy's score, the folds
    used), the folds counted from the splits, not read from cv.folds, which they may differ
    from."""
    baseline, folds = bar
    _, core = split_user(model)
    sample = core.rows if isinstance(core, SampledFit) else None  # a huge table's linear model
    core = core.estimator_ if sample else core
    final = core.regressor_ if hasattr(core, "regressor_") else core
    estimator = final.named_steps["model"] if hasattr(final, "named_steps") else final
    manifest = artifacts.read_json(cfg, "manifest", required=False) or {}
    raw = {f["path"]: f["sha256"] for f in manifest.get("files", [])}
    return {
        "model": name,
        "estimator": _library_class(estimator),
        **({"sample_rows": sample} if sample else {}),  # each fit's sample, at most
        "parameters": {k: _json_safe(v) for k, v in estimator.get_params(deep=False).items()},
        "task": cfg.task,
        "target": cfg.target,
        "log_target": result["log_target"],
        "features": roles,
        "metric": cfg.metric,
        "cv": {
            "folds": folds,
            "seed": cfg.cv_seed,
            "strategy": cfg.cv_strategy,
            "mean": result["mean"],
            "std": result["std"],
            "baseline": baseline,
        },
        "data_sha256": {
            "raw": raw,
            "train.parquet": sha256_file(cfg.layout.train_table),
        },
        "libraries": _versions(),
        **_provenance(),
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
