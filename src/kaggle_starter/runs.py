"""The run history: every `make train` is kept in ``runs/<NNN>-<name>/`` and compared with others.

Kaggle practitioners keep one folder per experiment; this is that habit, kept for you. A run
folder holds what is needed to know what was tried and to reproduce it: the config, the
``features.py`` (and ``extend.py``) of that moment, the engine's version, the git commit (and
whether the tree had uncommitted edits), the data's sha256s, every model's fold scores, the
out-of-fold and test predictions, timings and library versions. ``runs/index.csv`` has one line
per run and is meant to be committed; the heavy files in the folders stay out of git (see
.gitignore).

When ``MLFLOW_TRACKING_URI`` is set and mlflow is installed (the optional ``[mlflow]`` extra), each
run is mirrored there too, so a team can share one tracking server; the local history stays the
source of truth and costs no start-up time.
"""

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from . import owner
from .config import Config
from .files import replacing, write_json

INDEX_COLUMNS = (
    "run",
    "note",
    "started_at",
    "git_commit",
    "dirty",
    "best_model",
    "metric",
    "score",
    "std",
    "features",
    "seconds",
)


def _slug(note: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", note.lower()).strip("-")
    return words[:40].rstrip("-") or "run"


def new_folder(cfg: Config, note: str) -> Path:
    """``runs/<NNN>-<slug>/``, numbered after the highest existing run."""
    runs = cfg.layout.runs
    runs.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[:3]) for p in runs.iterdir() if p.is_dir() and p.name[:3].isdigit()]
    number = max(numbers, default=0) + 1
    folder = runs / f"{number:03d}-{_slug(note)}"
    folder.mkdir()
    return folder


def _git(cfg: Config) -> dict:
    """The commit the run was made from, and whether uncommitted edits were on top of it."""

    def ask(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=cfg.root, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = ask("rev-parse", "HEAD")
    status = ask("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def record(cfg: Config, folder: Path, run: dict, frames: dict[str, pd.DataFrame]) -> dict:
    """Write the run's files and its line in runs/index.csv; returns that line.

    ``run`` holds the scores and facts (note, best_model, score, std, models, timings, ...);
    ``frames`` the tables to keep (cv_results, oof_predictions, test_predictions, submission).
    All or nothing: when the folder or the index line cannot be written, the half-written
    folder (this call's own) is removed, so the history never holds a run its index lacks. The
    MLflow mirror comes after and is best effort.
    """
    try:
        line = _write_run(cfg, folder, run, frames)
        _append(cfg, line)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    _mirror(cfg, folder, run)
    return line


def _write_run(cfg: Config, folder: Path, run: dict, frames: dict[str, pd.DataFrame]) -> dict:
    """The run's folder (config, the owner's modules, tables, run.json); its index line."""
    git = _git(cfg)
    shutil.copy2(cfg.layout.config, folder / "config.yaml")
    project = owner.find_or_none(cfg.root)
    recorded = owner.digests(project) if project else {}
    for name in (name for name, digest in recorded.items() if digest):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(project.folder / name, folder / name)  # every module the model ran with
    for name, frame in frames.items():
        if frame is None:
            continue
        if name.endswith("parquet"):
            frame.to_parquet(folder / name)
        else:
            frame.to_csv(folder / name, index=False)
    write_json(folder / "run.json", {**run, "git": git}, default=str)
    return {
        "run": folder.name,
        "note": run.get("note") or "",
        "started_at": run["started_at"],
        "git_commit": (git["commit"] or "")[:12],
        "dirty": git["dirty"],
        "best_model": run["best_model"],
        "metric": run["metric"],
        "score": run["score"],
        "std": run["std"],
        "features": run["features"],
        "seconds": run["seconds"],
    }


def started_at() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# A cell starting with one of these is a formula to a spreadsheet (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _quoted(note: str) -> bool:
    """True for a note a spreadsheet would read as a formula, or one already quoted like that."""
    return note.startswith(FORMULA_START) or (
        note.startswith("'") and note[1:].startswith(FORMULA_START)
    )


def csv_safe(note: str) -> str:
    """A note as runs/index.csv stores it: a leading apostrophe where a spreadsheet would read a
    formula (run.json keeps the note exactly as written)."""
    return "'" + note if _quoted(note) else note


def from_csv(note: str) -> str:
    """The note as written, from its runs/index.csv cell."""
    return note[1:] if note.startswith("'") and _quoted(note[1:]) else note


def _append(cfg: Config, line: dict) -> None:
    history, new = index(cfg), pd.DataFrame([line])
    updated = new if history.empty else pd.concat([history, new], ignore_index=True)
    updated["note"] = [csv_safe(str(note or "")) for note in updated["note"]]
    with replacing(cfg.layout.runs_index) as tmp:
        updated[list(INDEX_COLUMNS)].to_csv(tmp, index=False)


def index(cfg: Config) -> pd.DataFrame:
    """runs/index.csv (an empty table before the first run).

    The index is the user's committed record, so a damaged one is not silently replaced: the
    error names the file.
    """
    path = cfg.layout.runs_index
    if not path.is_file():
        return pd.DataFrame(columns=list(INDEX_COLUMNS))
    from .errors import ProjectError

    try:
        frame = pd.read_csv(path, dtype={"note": str, "git_commit": str}, keep_default_na=False)
    except (ValueError, OSError) as exc:
        raise ProjectError(
            f"{path.relative_to(cfg.root)} cannot be read ({exc}): restore it from git "
            "(`git checkout runs/index.csv`), or move it away to start a new history."
        ) from exc
    missing = [c for c in INDEX_COLUMNS if c not in frame.columns]
    if missing:
        raise ProjectError(
            f"{path.relative_to(cfg.root)} lacks the column {missing[0]!r}: restore it from git "
            "(`git checkout runs/index.csv`), or move it away to start a new history."
        )
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    frame["std"] = pd.to_numeric(frame["std"], errors="coerce")
    frame["note"] = [from_csv(note) for note in frame["note"]]
    return frame


def compared(history: pd.DataFrame, greater_is_better: bool) -> pd.DataFrame:
    """The history with the change of each run's score against the previous run and the best
    run before it (positive = better, whatever the metric's direction)."""
    sign = 1 if greater_is_better else -1
    scores = history["score"].astype(float)
    frame = history.copy()
    frame["vs_previous"] = sign * scores.diff()
    best_before = (sign * scores).cummax().shift()
    frame["vs_best"] = sign * scores - best_before
    return frame


# MLflow's client retries an unreachable server for minutes by default; the mirror is a copy of
# a run already recorded here, so it gets one short try and one warning instead.
MLFLOW_TIMEOUTS = {"MLFLOW_HTTP_REQUEST_TIMEOUT": "10", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}


def _mirror(cfg: Config, folder: Path, run: dict) -> None:
    """Log the run to MLflow when a tracking server is configured and mlflow is installed.

    Best effort: the run is already in runs/, so a tracking server that is down or refuses the
    run costs one warning, not the training.
    """
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        return
    try:
        import mlflow
    except ImportError:
        print("MLFLOW_TRACKING_URI is set but mlflow is not installed: make setup EXTRAS=mlflow.")
        return
    for name, value in MLFLOW_TIMEOUTS.items():
        os.environ.setdefault(name, value)
    try:
        _log_to_mlflow(mlflow, cfg, folder, run)
    except Exception as exc:  # any failure of a third-party server: the local record stands
        # The exception's text and the URI may hold credentials: only the error's kind is shown.
        print(
            f"WARNING: the run is recorded in {folder.relative_to(cfg.root)} but the MLflow "
            f"server in MLFLOW_TRACKING_URI did not take it ({type(exc).__name__}); check that "
            "it is up and reachable."
        )


def _log_to_mlflow(mlflow, cfg: Config, folder: Path, run: dict) -> None:
    mlflow.set_experiment(cfg.name or cfg.root.name)
    with mlflow.start_run(run_name=folder.name):
        mlflow.log_params({"note": run.get("note") or "", "best_model": run["best_model"]})
        for model, result in run["models"].items():
            mlflow.log_metric(f"{model}_mean", result["mean"])
            mlflow.log_metric(f"{model}_std", result["std"])
        mlflow.log_metric("score", run["score"])
        mlflow.log_artifacts(str(folder))


def summary_text(history: pd.DataFrame, greater_is_better: bool, label: str) -> str:
    """The history as a fixed-width table for the terminal (`make runs`)."""
    if history.empty:
        return "No runs yet: `make train` records the first one in runs/."
    frame = compared(history, greater_is_better)
    rows = [("run", "note", "best model", f"{label} ± std", "vs previous", "vs best")]
    for _, r in frame.iterrows():
        rows.append(
            (
                str(r["run"]),
                str(r["note"] or "")[:40],
                str(r["best_model"]),
                f"{r['score']:.4f} ± {r['std']:.4f}",
                change(r["vs_previous"]),
                change(r["vs_best"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows
    )


def change(value) -> str:
    """A change in score, + when better; blank for the first run."""
    if pd.isna(value):
        return "—"
    return f"{'+' if value > 0 else '−' if value < 0 else '±'}{abs(value):.4f}"


def figure(history: pd.DataFrame, label: str, greater_is_better: bool):
    """Score of every run with its fold standard deviation: is the work paying off?"""
    from .plots import plt

    fig, ax = plt.subplots(figsize=(8, 4))
    x = range(1, len(history) + 1)
    ax.errorbar(x, history["score"], yerr=history["std"], marker="o", capsize=4)
    best = history["score"].max() if greater_is_better else history["score"].min()
    ax.axhline(best, color="grey", linestyle="--", linewidth=0.8, label=f"best {best:.4f}")
    ax.set_xticks(list(x), [str(r)[:18] for r in history["run"]], rotation=30, ha="right")
    better = "higher" if greater_is_better else "lower"
    ax.set(
        title="Cross-validated score of every run",
        xlabel="run",
        ylabel=f"{label} (mean ± std over folds; {better} is better)",
    )
    ax.legend()
    fig.tight_layout()
    return fig
