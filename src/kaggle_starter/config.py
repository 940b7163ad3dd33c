"""Load and validate config.yaml, the owner's settings, merged with what `make data` detects.

Every stage reads its settings through :func:`load_config`; a broken file is reported with the
file, the line and the problem. config.yaml is the owner's and no stage writes it: what `make
data` detects (target, id, task, metric) goes to ``data/processed/detected.json``, and a value
the owner set always wins over a detected one. :func:`provenance` says where each effective
setting came from (`kaggle-starter config`).
"""

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import owner
from .errors import ProjectError
from .files import write_text
from .layout import Layout
from .metrics import DEFAULT_FOR_TASK, METRICS, TASKS, get_metric
from .modeling.suite import MODEL_NAMES, SUITE

SOURCES = ("competition", "dataset", "local")
CV_STRATEGIES = ("auto", "kfold", "stratified", "group", "time")
PROFILE_MODES = ("auto", "full", "minimal", "sampled")

# section -> key -> default; a key outside this table is a typo the user should hear about.
SCHEMA: dict[str, dict[str, Any]] = {
    "project": {
        "name": "",
        "description": "",
        "author": "",
        "github_username": "",
        "license": "MIT",
        "python_version": "3.11",
    },
    "data": {
        "source": "competition",
        "ref": "",
        "target": "",
        "id": "",
        "task": "auto",
        "metric": "auto",
    },
    "cv": {"folds": 5, "seed": 42, "strategy": "auto", "group_column": "", "time_column": ""},
    "train": {"models": list(MODEL_NAMES), "log_target": "auto", "ensemble": True},
    "tune": {"seconds": 120},
    "profile": {"mode": "auto", "samples": "auto"},
    "interpret": {"sample_rows": 2000},
    "serve": {
        "host": "127.0.0.1",
        "port": 8000,
        "max_records": 1000,
        "max_body_bytes": 1_000_000,
    },
    "detected": {},  # older projects: `make data` wrote here before detected.json existed
}
DETECTED = ("target", "id", "task", "metric")


@dataclass(frozen=True)
class Config:
    """Validated settings; ``target``, ``id``, ``task`` and ``metric`` are the effective values."""

    root: Path
    project: dict[str, Any]
    source: str
    ref: str
    target: str
    id: str
    task: str
    metric: str
    cv_folds: int
    cv_seed: int
    cv_strategy: str
    group_column: str
    time_column: str
    models: tuple[str, ...]
    log_target: str
    profile_mode: str
    interpret_rows: int
    serve_host: str
    serve_port: int
    serve_max_records: int
    serve_max_body_bytes: int
    ensemble: bool = True  # train.ensemble: blend the suite's models on their OOF predictions
    tune_seconds: int = 120  # tune.seconds: wall-time budget of `make tune`, split over models
    answers: dict[str, Any] = field(default_factory=dict)  # the data section as the user wrote it
    # Raw rows in the committed reports (the profile's sample and duplicate rows, the notebook's
    # head): off for competitions by default, since many forbid redistributing their data.
    profile_samples: bool = True

    @property
    def layout(self) -> Layout:
        return Layout(self.root)

    @property
    def name(self) -> str:
        return self.project["name"]

    @property
    def is_competition(self) -> bool:
        return self.source == "competition"

    def local_path(self) -> Path:
        """The local source resolved against the project folder (``~`` expanded)."""
        path = Path(os.path.expanduser(self.ref))
        return path if path.is_absolute() else (self.root / path)


def _parse(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ProjectError(
            f"{path} does not exist: run this command from the project folder, which holds "
            "config.yaml."
        ) from exc
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProjectError(
            f"{path.name} does not parse at {where}: {problem}; fix the YAML there "
            "(indentation, a missing colon or an unclosed quote)."
        ) from exc
    if not isinstance(raw, dict):
        raise ProjectError(
            f"{path.name} must hold sections such as 'data:' and 'cv:', not a {type(raw).__name__}."
        )
    return raw


def _merge(raw: dict[str, Any], path: Path) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for section in raw:
        if section not in SCHEMA:
            raise ProjectError(
                f"{path.name} has an unknown section {section!r}: allowed sections are "
                f"{', '.join(SCHEMA)}."
            )
    for section, defaults in SCHEMA.items():
        given = raw.get(section) or {}
        if not isinstance(given, dict):
            raise ProjectError(f"{path.name}: section {section!r} must be a mapping of keys.")
        if section != "detected":
            unknown = sorted(set(given) - set(defaults))
            if unknown:
                raise ProjectError(
                    f"{path.name} has an unknown key {section}.{unknown[0]}: allowed keys in "
                    f"{section!r} are {', '.join(defaults)}."
                )
        merged[section] = {**defaults, **given}
    return merged


def _choice(path: Path, key: str, value: Any, allowed: tuple[str, ...]) -> str:
    text = "" if value is None else str(value)
    if text not in allowed:
        raise ProjectError(
            f"{path.name}: {key} is {text!r}, which is not allowed; use one of "
            f"{', '.join(allowed)}."
        )
    return text


def _int(path: Path, key: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ProjectError(
            f"{path.name}: {key} is {value!r}; it must be a whole number of at least {minimum}."
        )
    return value


def _serve(path: Path, serve: dict[str, Any]) -> dict[str, Any]:
    """Where `make serve` listens, and how much one request may hold."""
    host = str(serve["host"] or "").strip()
    if not host:
        raise ProjectError(f"{path.name}: serve.host is empty; use 127.0.0.1 or 0.0.0.0.")
    port = _int(path, "serve.port", serve["port"], 1)
    if port > 65535:
        raise ProjectError(f"{path.name}: serve.port is {port}; a port is at most 65535.")
    return {
        "serve_host": host,
        "serve_port": port,
        "serve_max_records": _int(path, "serve.max_records", serve["max_records"], 1),
        "serve_max_body_bytes": _int(path, "serve.max_body_bytes", serve["max_body_bytes"], 1000),
    }


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ProjectError(f"{path.name}: {key} is {value!r}; it must be true or false.")
    return value


def _current(detected: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """What `make data` detected, minus what a changed answer has made stale.

    Task and metric were detected for one target; once the user names another target they no
    longer describe it, and must not stop `make data` from detecting them afresh.
    """
    if answers.get("target") and answers["target"] != detected.get("target"):
        return {k: v for k, v in detected.items() if k not in ("task", "metric")}
    return detected


def check_metric_fits(metric: str, task: str, where: str = "config.yaml") -> None:
    """Refuse a metric that cannot score this task (e.g. RMSE for a binary target)."""
    if metric == "auto" or task not in TASKS:
        return
    if task not in get_metric(metric, task).tasks:
        fits = [m for m, spec in METRICS.items() if task in spec.tasks]
        raise ProjectError(
            f"{where}: metric {metric!r} does not apply to a {task} task; use one of "
            f"{', '.join(fits)}."
        )


def _samples(path: Path, value: Any, source: str) -> bool:
    """``profile.samples``: true, false, or auto (rows shown except for a competition's data)."""
    choice = _choice(path, "profile.samples", str(value).lower(), ("auto", "true", "false"))
    return source != "competition" if choice == "auto" else choice == "true"


def _models(path: Path, models: Any) -> list[str]:
    names = tuple(SUITE)  # the built-in models and those a project's extend.py adds
    if not isinstance(models, list) or not models:
        raise ProjectError(
            f"{path.name}: train.models must be a list drawn from {', '.join(names)}."
        )
    for model in models:
        _choice(path, "a name in train.models", model, names)
    return models


def read_detected(root: Path) -> dict[str, Any]:
    """What `make data` detected, from data/processed/detected.json ({} before it ran)."""
    path = Layout(root).detected
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ProjectError(
            f"{path.relative_to(root)} is damaged ({exc}): delete it and run `make data`."
        ) from exc
    return {k: v for k, v in values.items() if k in DETECTED} if isinstance(values, dict) else {}


def load_config(root: Path | str = ".") -> Config:
    """Read, validate and resolve config.yaml in ``root``."""
    root = Path(root).resolve()
    path = Layout(root).config
    cfg = _merge(_parse(path), path)
    owner.load_extensions(root)  # models and metrics of the project's own, before validation
    data, cv = cfg["data"], cfg["cv"]
    detected = {**cfg["detected"], **read_detected(root)}

    source = _choice(path, "data.source", data["source"], SOURCES)
    task = _choice(path, "data.task", data["task"] or "auto", ("auto", *TASKS))
    metric = str(data["metric"] or "auto")
    if ":" not in metric:  # a module:function names the user's own scorer, checked below
        metric = _choice(path, "data.metric", metric, ("auto", *METRICS))
    models = _models(path, cfg["train"]["models"])
    detected = _current(detected, data)
    effective_task = task if task != "auto" else detected.get("task", "auto")
    detected_metric = detected.get("metric")
    if detected_metric not in METRICS or effective_task not in METRICS[detected_metric].tasks:
        detected_metric = None  # detected for another task: the default until `make data` runs
    effective_metric = (
        metric
        if metric != "auto"
        else detected_metric or DEFAULT_FOR_TASK.get(effective_task, "auto")
    )
    check_metric_fits(effective_metric, effective_task, path.name)

    return Config(
        root=root,
        project=cfg["project"],
        source=source,
        ref=str(data["ref"] or ""),
        target=str(data["target"] or detected.get("target") or ""),
        id=str(data["id"] or detected.get("id") or ""),
        task=effective_task,
        metric=effective_metric,
        cv_folds=_int(path, "cv.folds", cv["folds"], 2),
        cv_seed=_int(path, "cv.seed", cv["seed"], 0),
        cv_strategy=_choice(path, "cv.strategy", cv["strategy"], CV_STRATEGIES),
        group_column=str(cv["group_column"] or ""),
        time_column=str(cv["time_column"] or ""),
        models=tuple(models),
        log_target=_choice(
            path,
            "train.log_target",
            str(cfg["train"]["log_target"]).lower(),
            ("auto", "true", "false"),
        ),
        profile_mode=_choice(path, "profile.mode", cfg["profile"]["mode"], PROFILE_MODES),
        interpret_rows=_int(path, "interpret.sample_rows", cfg["interpret"]["sample_rows"], 50),
        **_serve(path, cfg["serve"]),
        ensemble=_bool(path, "train.ensemble", cfg["train"]["ensemble"]),
        tune_seconds=_int(path, "tune.seconds", cfg["tune"]["seconds"], 5),
        answers=dict(data),
        profile_samples=_samples(path, cfg["profile"]["samples"], source),
    )


def write_detected(folder: Path | str, detected: dict[str, Any]) -> None:
    """Record what `make data` detected as ``detected.json`` in ``folder`` (data/processed, or
    the folder that replaces it); config.yaml is never written. Nothing is written when the
    values would not change, so make sees no change."""
    path = Path(folder) / Layout(Path(folder)).detected.name
    text = json.dumps(detected, indent=2, ensure_ascii=False) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, text)


def provenance(root: Path | str = ".") -> list[tuple[str, Any, str]]:
    """(key, effective value, where it came from) for every setting: "config.yaml", "detected by
    `make data`", "default", or "default for auto" where config.yaml leaves it to the engine."""
    root = Path(root).resolve()
    raw = _parse(Layout(root).config)
    cfg = load_config(root)
    detected = {**(raw.get("detected") or {}), **read_detected(root)}
    effective = {"target": cfg.target, "id": cfg.id, "task": cfg.task, "metric": cfg.metric}
    rows = []
    for section, defaults in SCHEMA.items():
        if section == "detected":
            continue
        given = raw.get(section) or {}
        for key, default in defaults.items():
            written = given.get(key, default)
            value = effective.get(key, written) if section == "data" else written
            found = detected.get(key) if section == "data" and key in DETECTED else None
            rows.append((f"{section}.{key}", value, _origin(key in given, written, value, found)))
    return rows


def _origin(given: bool, written: Any, value: Any, detected: Any) -> str:
    """Where a setting's effective ``value`` came from, for :func:`provenance`."""
    left_open = written in ("", None, "auto")
    if given and not left_open:
        return "config.yaml"
    if detected is not None and detected == value and value not in ("", None):
        return "detected by `make data`"
    if left_open and value != written:
        return "default for auto"
    return "config.yaml" if given else "default"
