"""Stage `monitor`: has what the model sees moved away from what it learnt from?

The rows come from the prediction log `make serve` writes (monitoring/predictions.db), compared
per model version: after a retrain, a service still running the previous model keeps logging
under that model's version, and its rows are as much what the models see as the new one's. Or
they come from a table given as ``BATCH=path.csv``, read the way `make data` reads the raw
files and predicted with the saved model. :func:`..drift.statistics.compare` measures the drift
against the processed training table (and the saved model's answers against its out-of-fold
predictions); :func:`..drift.report.write_report` draws it. The stage writes
reports/monitoring.html (with figures in reports/figures/) and reports/monitoring.json, and
prints one line per model version: whether anything drifted, and what.

Make reruns this stage every time: the log grows while the service runs, and a file given as
``BATCH`` is not one make can watch.
"""

import itertools
import sqlite3
from pathlib import Path

import pandas as pd

from .. import artifacts
from ..cleanup import recorded_figures
from ..config import Config
from ..errors import ProjectError
from ..files import shown_path, write_json
from ..text import count

MAX_VERSIONS = 5  # model versions compared with train, the saved one and the latest served


def run(cfg: Config, *, force: bool = False, batch: str = "") -> None:
    """Compare the logged rows of each model version (or ``batch``) with train; write the report
    and its JSON."""
    from ..drift.report import write_report
    from ..drift.statistics import compare
    from ..shift import ADVERSARIAL_MIN_ROWS

    schema = artifacts.load_schema(cfg)
    train = artifacts.load_train(cfg)
    oof = artifacts.load_oof(cfg)

    def check(
        served: pd.DataFrame,
        predicted: pd.DataFrame | None,
        source: dict,
        lengths: pd.DataFrame | None = None,
    ) -> dict:
        result = compare(
            train,
            served,
            schema,
            oof_predictions=oof,
            served_predictions=predicted,
            served_lengths=lengths,
            seed=cfg.cv_seed,
        )
        return {"source": source, **result}

    if batch:
        result = check(*_from_batch(cfg, schema, Path(batch).expanduser()))
    else:
        result = _from_log(cfg, check)
    figures = write_report(result, cfg.layout.monitoring_report, cfg.layout.figures)
    result["figures"] = [p.relative_to(cfg.root).as_posix() for p in figures]
    _drop_stale_figures(cfg, result["figures"])
    write_json(cfg.layout.monitoring_summary, result)
    for line in _said(result):
        print(line)
    if result["rows"]["served"] < ADVERSARIAL_MIN_ROWS:
        print(
            f"With {count(result['rows']['served'], 'row')} only a large shift can show; a few "
            "hundred rows make the check sharper."
        )
    shown = [
        p.relative_to(cfg.root).as_posix()
        for p in (cfg.layout.monitoring_report, cfg.layout.monitoring_summary)
    ]
    print(f"Wrote {shown[0]} ({count(len(figures), 'figure')}) and {shown[1]}.")


def _said(result: dict) -> list[str]:
    """The summary; for a log holding other models' rows, one line per model version."""
    versions = result.get("versions") or []
    if not versions or (len(versions) == 1 and versions[0]["current"]):
        return [result["summary"]]
    return [
        f"Model {v['version']} ({'the saved model' if v['current'] else 'an older model'}, "
        f"{count(v['rows'], 'logged row')}): {v['summary']}"
        for v in versions
    ]


def _nothing_to_check(sentence: str) -> ProjectError:
    return ProjectError(
        f"{sentence}: run `make serve` and send it some requests (its page at / or POST "
        "/predict), or check a file instead with `make monitor BATCH=path/to/rows.csv`."
    )


def _from_log(cfg: Config, check) -> dict:
    """The logged rows of each model version compared with train: the saved model's (or, when
    it has served none yet, the latest served model's) as the report's result, every version
    in its ``versions`` list. A service still running the model before a retrain keeps
    logging under that model's version: its rows are reported, not ignored."""
    from ..serving.store import PredictionStore, log_problem

    path = cfg.layout.predictions_log
    shown = path.relative_to(cfg.root).as_posix()
    current = artifacts.model_version(cfg)
    if not path.is_file():
        raise _nothing_to_check(f"No predictions are logged yet ({shown} does not exist)")
    try:
        store = PredictionStore(path, read_only=True)
        try:
            return _per_version(store, check, current, shown)
        finally:
            store.close()
    except sqlite3.Error as exc:
        raise log_problem(exc, shown, "make monitor") from exc


def _per_version(store, check, current: str, shown: str) -> dict:
    """Compare each version's most recent rows with train (the first MAX_VERSIONS versions:
    the saved model's, then the most recently served); the others are named with their rows."""
    from ..serving.store import served_inputs, served_lengths, served_predictions

    logged = store.versions()
    if not logged:
        raise _nothing_to_check(f"{shown} holds no predictions yet")
    ordered = sorted(logged, key=lambda v: v["version"] != current)  # stable: latest first
    results = []
    for entry in ordered[:MAX_VERSIONS]:
        rows = store.rows(entry["version"])
        ours = entry["version"] == current
        source = {"kind": "log", "path": shown, "version": entry["version"], "current": ours}
        # Served answers are compared with this model's out-of-fold ones: the saved model's only.
        predicted = served_predictions(rows) if ours else None
        source["rows"] = len(rows)
        results.append(check(served_inputs(rows), predicted, source, served_lengths(rows)))
    main = results[0]
    main["versions"] = [
        _version(entry, entry["version"] == current, result)
        for entry, result in itertools.zip_longest(ordered, results)
    ]
    return main


def _version(entry: dict, current: bool, result: dict | None) -> dict:
    """One model version as monitoring.json lists it."""
    version = {**entry, "current": current, "compared": 0, "alarm": None, "drifted": []}
    if result is None:
        summary = f"not compared (only the {MAX_VERSIONS} latest models are)."
        return {**version, "summary": summary}
    return {
        **version,
        "compared": result["rows"]["served"],
        "alarm": result["alarm"],
        "drifted": result["drifted"],
        "adversarial_auc": result["adversarial"].get("auc"),
        "summary": result["summary"],
    }


def _from_batch(cfg: Config, schema: dict, path: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """A table of raw feature columns, typed as `make data` types train, and its predictions."""
    from ..ingest.detect import parse_dates
    from ..ingest.tables import read_table
    from ..schema import day_first_columns, feature_columns, model_features

    if not path.is_file():
        raise ProjectError(
            f"BATCH={path} is not a file: give the path of a table (CSV or Parquet) whose "
            "columns are the raw feature columns of train."
        )
    roles = feature_columns(schema)
    features = [c for columns in roles.values() for c in columns if c in model_features(schema)]
    frame = parse_dates(read_table(path), roles["datetime"], day_first_columns(schema))
    if not set(features) & set(frame.columns):
        raise ProjectError(
            f"{path.name} has none of the model's feature columns ({', '.join(features[:8])}"
            f"{', ...' if len(features) > 8 else ''}): give a table with train's column names."
        )
    model = artifacts.load_model(cfg)
    columns = getattr(model, "feature_names_in_", None)
    rows = frame.reindex(columns=[str(c) for c in columns] if columns is not None else features)
    try:
        predicted = pd.DataFrame({"y_pred": model.predict(rows)}, index=frame.index)
    except Exception as exc:  # any failure here is a batch whose values the pipeline cannot take
        raise ProjectError(
            f"the model cannot predict the rows of {path.name} ({type(exc).__name__}: {exc}); "
            "check that its columns hold the same kind of values as train's."
        ) from exc
    source = {"kind": "batch", "path": shown_path(path, cfg.root), "rows": len(frame)}
    return frame, predicted, source


def _drop_stale_figures(cfg: Config, kept: list[str]) -> None:
    """The figures the last report listed that this one did not redraw (other features); a
    figure of the owner's named monitoring-*.png is in no record and stays."""
    for old in set(recorded_figures(cfg.layout.monitoring_summary)) - set(kept):
        (cfg.root / old).unlink(missing_ok=True)
