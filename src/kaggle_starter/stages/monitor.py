"""Stage `monitor`: has what the model sees moved away from what it learnt from?

The rows come from the prediction log `make serve` writes (monitoring/predictions.db, the current
model's rows only: an older model's traffic says nothing about this one's predictions), or from
a table given as ``BATCH=path.csv``, read the way `make data` reads the raw files and predicted
with the saved model. :func:`..drift.statistics.compare` measures the drift against the
processed training table and the out-of-fold predictions; :func:`..drift.report.write_report`
draws it. The stage writes reports/monitoring.html (with figures in reports/figures/) and
reports/monitoring.json, and prints one line: whether anything drifted, and what.

Make reruns this stage every time: the log grows while the service runs, and a file given as
``BATCH`` is not one make can watch.
"""

import sqlite3
from pathlib import Path

import pandas as pd

from .. import artifacts
from ..cleanup import recorded_figures
from ..config import Config
from ..errors import ProjectError
from ..files import shown_path, write_json
from ..text import count


def run(cfg: Config, *, force: bool = False, batch: str = "") -> None:
    """Compare the logged rows (or ``batch``) with train; write the report and its JSON."""
    from ..drift.report import write_report
    from ..drift.statistics import compare
    from ..shift import ADVERSARIAL_MIN_ROWS

    schema = artifacts.load_schema(cfg)
    train = artifacts.load_train(cfg)
    if batch:
        served, predicted, source = _from_batch(cfg, schema, Path(batch).expanduser())
    else:
        served, predicted, source = _from_log(cfg)
    result = compare(
        train,
        served,
        schema,
        oof_predictions=artifacts.load_oof(cfg),
        served_predictions=predicted,
        seed=cfg.cv_seed,
    )
    result = {"source": source, **result}
    figures = write_report(result, cfg.layout.monitoring_report, cfg.layout.figures)
    result["figures"] = [p.relative_to(cfg.root).as_posix() for p in figures]
    _drop_stale_figures(cfg, result["figures"])
    write_json(cfg.layout.monitoring_summary, result)
    print(result["summary"])
    if len(served) < ADVERSARIAL_MIN_ROWS:
        print(
            f"With {count(len(served), 'row')} only a large shift can show; a few hundred rows "
            "make the check sharper."
        )
    shown = [
        p.relative_to(cfg.root).as_posix()
        for p in (cfg.layout.monitoring_report, cfg.layout.monitoring_summary)
    ]
    print(f"Wrote {shown[0]} ({count(len(figures), 'figure')}) and {shown[1]}.")


def _nothing_to_check(sentence: str) -> ProjectError:
    return ProjectError(
        f"{sentence}: run `make serve` and send it some requests (its page at / or POST "
        "/predict), or check a file instead with `make monitor BATCH=path/to/rows.csv`."
    )


def _from_log(cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The current model's logged inputs and answers, and where they came from."""
    from ..serving.store import PredictionStore, log_problem, served_inputs, served_predictions

    path = cfg.layout.predictions_log
    shown = path.relative_to(cfg.root).as_posix()
    version = artifacts.model_version(cfg)
    if not path.is_file():
        raise _nothing_to_check(f"No predictions are logged yet ({shown} does not exist)")
    try:
        store = PredictionStore(path, read_only=True)
        try:
            rows, logged = store.rows(version), store.count()
        finally:
            store.close()
    except sqlite3.Error as exc:
        raise log_problem(exc, shown, "make monitor") from exc
    if rows.empty:
        older = f" (its {count(logged, 'row')} came from older models)" if logged else ""
        raise _nothing_to_check(
            f"{shown} holds no predictions of the current model, version {version}{older}"
        )
    source = {"kind": "log", "path": shown, "version": version, "rows": len(rows)}
    return served_inputs(rows), served_predictions(rows), source


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
