"""Stage `submit`: send submissions/submission.csv to the competition through the Kaggle client.

The file is checked first with the predict stage's own validation (columns, rows, ids and labels
as the sample submission has them), because a malformed file still costs one of the day's few
submissions. The description names the model and its cross-validated score (from
reports/metrics.json), so the leaderboard history says which model each score came from. Every
file sent is recorded in submissions/submitted.json; sending the same file again is skipped
unless forced, again to spare the daily limit.
"""

import json
from datetime import UTC, datetime
from pathlib import Path

import requests

from .. import artifacts
from ..config import Config
from ..errors import ProjectError
from ..files import sha256_file, write_json
from ..ingest.kaggle_api import connect, explain
from ..ingest.tables import read_table
from ..metrics import metric_label
from ..submission import validate_submission

RETRY = "make submit"


def run(cfg: Config, *, force: bool = False, message: str = "") -> None:
    """Send the submission; ``force`` sends a file identical to one already sent."""
    if not cfg.is_competition:
        raise ProjectError(
            f"Only Kaggle competitions take submissions, and this project's data is a "
            f"{cfg.source} ('{cfg.ref}'): publish the README and notebook instead of submitting."
        )
    path = cfg.layout.submission
    shown = path.relative_to(cfg.root).as_posix()
    if not path.is_file():
        raise ProjectError(f"{shown} does not exist: run `make predict` first to write it.")
    validate_submission(cfg, read_table(path))

    digest = sha256_file(path)
    log_path = path.with_name("submitted.json")
    history = _read_history(log_path)
    earlier = next((entry for entry in history if entry.get("sha256") == digest), None)
    if earlier and not force:
        print(
            f"{shown} was already sent on {earlier.get('submitted_at', 'an earlier day')} "
            "(same sha256); nothing sent, to spare the daily limit: pass --force to send it again."
        )
        return

    description = describe(cfg, message)
    slug = cfg.ref.strip()
    try:
        api = connect()
        answer = api.competition_submit(str(path), description, slug, quiet=False)
    except (requests.RequestException, OSError, ValueError) as exc:
        doing = f"sending {shown} to competition '{slug}'"
        raise explain(exc, doing, "competition", slug, RETRY) from exc
    if answer.message == api.COMPETITION_SUBMIT_UPLOAD_FAILED_MESSAGE:
        raise ProjectError(
            f"The upload of {shown} to competition '{slug}' did not complete: check your "
            f"connection and run `{RETRY}` again."
        )
    history.append(
        {
            "sha256": digest,
            "description": description,
            "submitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "answer": answer.message,
        }
    )
    write_json(log_path, history)
    print(f"Sent {shown} to '{slug}' as {description!r}: {answer.message}")


def describe(cfg: Config, message: str = "") -> str:
    """The submission description: the user's message, then the model and its CV score.

    A missing or damaged metrics.json does not stop a submission the user asked for: the
    description then says no score was recorded.
    """
    parts = [message.strip()] if message.strip() else []
    try:
        metrics = artifacts.read_json(cfg, "metrics")
        model, score, metric = metrics["best_model"], metrics["best_score"], metrics["metric"]
    except (ProjectError, KeyError, TypeError):
        parts.append(f"{cfg.name} (no cross-validation score recorded)")
    else:
        label = metric_label(metric)
        parts.append(f"{model}, CV {label} {float(score):.4f}")
    return "; ".join(parts)


def _read_history(path: Path) -> list[dict]:
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return history if isinstance(history, list) else []
