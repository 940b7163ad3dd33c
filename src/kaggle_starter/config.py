"""Load and validate config.yaml, the owner's settings, merged with what `make data` detects.

Every stage reads its settings through :func:`load_config`; a broken file is reported with the
file, the line and the problem. config.yaml is the owner's and no stage writes it: what `make
data` detects (target, id, task, metric) goes to ``data/processed/detected.json``, and a value
the owner set always wins over a detected one. :func:`provenance` says where each effective
setting came from (`kaggle-starter config`).

What config.yaml may hold is one typed model, :class:`Settings` (pydantic), with one nested model
per section; unknown sections and keys are refused. Each field type carries the sentence that
explains a wrong value, and :func:`_sentence` turns pydantic's report into the one line the user
reads: config.yaml, the key path (``cv.folds``), what is wrong and what is allowed.
:class:`Config` is the result of loading: the settings resolved against what was detected.
"""

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import owner
from .errors import ProjectError
from .files import write_text
from .layout import Layout
from .metrics import METRICS, TASKS, choose_metric
from .modeling.suite import MODEL_NAMES, SUITE

SOURCES = ("competition", "dataset", "local")
CV_STRATEGIES = ("auto", "kfold", "stratified", "group", "time")
PROFILE_MODES = ("auto", "full", "minimal", "sampled")
SWITCH = ("auto", "true", "false")
DETECTED = ("target", "id", "task", "metric")


# --- field types that explain themselves ------------------------------------------------------
# Each sentence follows the key path: "config.yaml: cv.folds is 1; it must be ...".


def _refuse(sentence: str) -> PydanticCustomError:
    """A wrong value; the sentence goes into the context, so braces in it are never a template."""
    return PydanticCustomError("setting", "{sentence}", {"sentence": sentence})


def _explained(rule: str, *, above: str | None = None) -> WrapValidator:
    """Pydantic's check of a value, with its refusal said as "is <value>; it must be <rule>"."""

    def explain(value: Any, check: Callable[[Any], Any]) -> Any:
        try:
            return check(value)
        except ValidationError as exc:
            if above and exc.errors()[0]["type"] == "less_than_equal":
                raise _refuse(f"is {value!r}; {above}.") from None
            raise _refuse(f"is {value!r}; it must be {rule}.") from None

    return WrapValidator(explain)


def _whole(minimum: int, maximum: int | None = None, above: str | None = None) -> Any:
    """A whole number (not a bool, a float or text) of at least ``minimum``."""
    rule = f"a whole number of at least {minimum}"
    return Annotated[int, Field(strict=True, ge=minimum, le=maximum), _explained(rule, above=above)]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _choice(
    allowed: tuple[str, ...] | Callable[[], tuple[str, ...]],
    *,
    blank: str | None = None,
    lower: bool = False,
    also: Callable[[str], bool] | None = None,
) -> Any:
    """Text drawn from ``allowed``, a callable for the registries extend.py adds to; ``blank``
    stands in for an empty value, ``lower`` ignores case (YAML reads true as a bool), ``also``
    accepts other forms (a metric's ``module:function``)."""

    def check(value: Any) -> str:
        if blank is not None and not value:
            value = blank
        text = str(value).lower() if lower else _text(value)
        names = allowed() if callable(allowed) else allowed
        if text in names or (also is not None and also(text)):
            return text
        raise _refuse(f"is {text!r}, which is not allowed; use one of {', '.join(names)}.")

    return Annotated[str, BeforeValidator(check)]


def _host(value: Any) -> str:
    host = str(value or "").strip()
    if not host:
        raise _refuse("is empty; use 127.0.0.1 or 0.0.0.0.")
    return host


# A host name as a Host header carries it, without the port: letters, digits, dots and hyphens,
# optionally starting with "*." for every subdomain.
HOST_NAME = re.compile(
    r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)


def _column_names(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(n, str) and n.strip() for n in value):
        raise _refuse("must be a list of column names such as [description, title].")
    return [n.strip() for n in value]


def _host_names(value: Any) -> list[str]:
    if value is None:
        return []
    names = value if isinstance(value, list) else None
    if names is None or not all(isinstance(n, str) and HOST_NAME.match(n.strip()) for n in names):
        raise _refuse(
            'must be a list of bare host names such as [example.com, "*.example.com"] (no '
            "scheme, port or path)."
        )
    return [n.strip() for n in names]


def _public_url(value: Any) -> str:
    """An http(s) address where the service is deployed, ending in "/" so that the site's try-it
    page can append ``schema`` and ``predict`` to it; empty: not deployed."""
    url = str(value or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise _refuse(
            f"is {url!r}; give the address the deployed service answers at, such as "
            "https://my-model.example.com/ (http or https, no query), or leave it empty."
        )
    return url if url.endswith("/") else url + "/"


def _origins(value: Any) -> list[str]:
    """Web origins whose pages may call the service from a browser (CORS), each
    ``scheme://host[:port]`` as a browser sends it in its Origin header; empty: none."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _refuse(f"is {value!r}; {ORIGIN_RULE}")
    return [_web_origin(item) for item in value]


ORIGIN_RULE = (
    'it must be a list of origins such as ["https://you.github.io", "http://localhost:8080"] '
    "(scheme, host and port only: no path, no *), or [] for none."
)


def _web_origin(item: Any) -> str:
    text = item.strip().rstrip("/") if isinstance(item, str) else ""
    parts = urlsplit(text)
    try:
        port = parts.port  # out of range or not a number: ValueError
    except ValueError:
        port = -1
    valid = (
        parts.scheme.lower() in ("http", "https")
        and parts.hostname
        and "*" not in text
        and not (parts.path or parts.query or parts.fragment or parts.username)
        and port != -1
    )
    if not valid:
        raise _refuse(f"holds {item!r}; {ORIGIN_RULE}")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _model_list(value: Any) -> Any:
    if not isinstance(value, list) or not value:
        raise _refuse(f"must be a list drawn from {', '.join(SUITE)}.")
    return value


Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, Field(strict=True), _explained("true or false")]
ModelName = _choice(lambda: tuple(SUITE))  # the built-in models and those extend.py adds
MetricName = _choice(lambda: ("auto", *METRICS), blank="auto", also=lambda text: ":" in text)


# --- the schema -------------------------------------------------------------------------------


class Section(BaseModel):
    """One section of config.yaml: a key outside it is a typo the user should hear about."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectSettings(Section):
    name: Text = ""
    description: Text = ""
    author: Text = ""
    github_username: Text = ""
    license: Text = "MIT"
    python_version: Text = "3.11"


class DataSettings(Section):
    source: _choice(SOURCES) = "competition"
    ref: Text = ""
    target: Text = ""  # empty: detected
    id: Text = ""  # empty: detected
    task: _choice(("auto", *TASKS), blank="auto") = "auto"
    metric: MetricName = "auto"  # a metric name, module:function, or auto
    # Columns read as free text whatever the rule says (it calls text several words per value,
    # or mostly distinct values longer than a code): TF-IDF, text statistics, the text EDA.
    text_columns: Annotated[list[str], BeforeValidator(_column_names)] = []


class CvSettings(Section):
    folds: _whole(2) = 5
    seed: _whole(0) = 42
    strategy: _choice(CV_STRATEGIES) = "auto"
    group_column: Text = ""
    time_column: Text = ""


class TrainSettings(Section):
    models: Annotated[list[ModelName], BeforeValidator(_model_list)] = list(MODEL_NAMES)
    log_target: _choice(SWITCH, lower=True) = "auto"
    ensemble: Flag = True  # blend the suite's models on their OOF predictions


class TuneSettings(Section):
    seconds: _whole(5) = 120  # wall-time budget of `make tune`, split over models


class ProfileSettings(Section):
    mode: _choice(PROFILE_MODES) = "auto"
    # Raw rows in the committed reports (the profile's sample and duplicate rows, the notebook's
    # head): off for competitions by default, since many forbid redistributing their data.
    samples: _choice(SWITCH, lower=True) = "auto"


class InterpretSettings(Section):
    sample_rows: _whole(50) = 2000


class ServeSettings(Section):
    """Where `make serve` listens, and how much one request may hold."""

    host: Annotated[str, BeforeValidator(_host)] = "127.0.0.1"
    port: _whole(1, 65535, above="a port is at most 65535") = 8000
    max_records: _whole(1) = 1000
    max_body_bytes: _whole(1000) = 1_000_000
    max_text_chars: _whole(1) = 5000  # the longest value a text field of POST /predict takes
    # Host names the service answers besides loopback and serve.host (a deployment's domain):
    # any other Host header is refused, so a web page cannot reach it through DNS rebinding.
    allowed_hosts: Annotated[list[str], BeforeValidator(_host_names)] = []
    # Where the service is deployed, if anywhere: the site's try-it page (`make site`) posts
    # there, which needs the service to allow the site's origin (CORS).
    public_url: Annotated[str, BeforeValidator(_public_url)] = ""
    # Origins whose web pages may call the service (the site's try-it page, say): CORS headers
    # for those only; empty, the default: no CORS headers, a browser lets no other page read it.
    cors_origins: Annotated[list[str], BeforeValidator(_origins)] = []


CLUSTER_ENV = "DASK_SCHEDULER_ADDRESS"  # overrides compute.cluster, as Dask's own tools read it
CLUSTER_SCHEMES = ("tcp", "tls")


def cluster_address(value: Any) -> str:
    """compute.cluster: empty (in-process), ``local`` (a LocalCluster here), or a scheduler's
    ``tcp://host:port`` / ``tls://host:port``; returns the problem as text, or the clean value."""
    text = str(value or "").strip()
    if text in ("", "local"):
        return text
    if "://" not in text:  # host:port, as Dask itself accepts it, is a TCP address
        text = f"tcp://{text}"
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme in CLUSTER_SCHEMES and parts.hostname and port and not parts.path.strip("/"):
        return text.rstrip("/")
    raise ValueError(
        f"is {text!r}; it must be empty (in-process), local (a Dask LocalCluster on this "
        "machine) or a scheduler's address such as tcp://10.0.0.5:8786 or tls://host:8786."
    )


def _cluster(value: Any) -> str:
    try:
        return cluster_address(value)
    except ValueError as exc:
        raise _refuse(str(exc)) from None


class ComputeSettings(Section):
    """Where cross-validation, permutation importance and tuning trials run (compute.py)."""

    cluster: Annotated[str, BeforeValidator(_cluster)] = ""


class Settings(Section):
    """config.yaml as the owner wrote it, validated; a section left out or empty is all defaults."""

    project: ProjectSettings = ProjectSettings()
    data: DataSettings = DataSettings()
    cv: CvSettings = CvSettings()
    train: TrainSettings = TrainSettings()
    tune: TuneSettings = TuneSettings()
    profile: ProfileSettings = ProfileSettings()
    interpret: InterpretSettings = InterpretSettings()
    serve: ServeSettings = ServeSettings()
    compute: ComputeSettings = ComputeSettings()
    detected: dict[str, Any] = {}  # older projects: `make data` wrote here before detected.json

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, raw: Any) -> Any:
        return {name: value or {} for name, value in raw.items()} if isinstance(raw, dict) else raw


def _sentence(error: ValidationError, file: str) -> str:
    """Pydantic's first finding as one sentence, in the order a reader fixes them: an unknown
    section, then per section a section that is no mapping or an unknown key, then values."""
    sections = list(Settings.model_fields)

    def rank(found: dict) -> tuple[int, int, str]:
        loc = found["loc"]
        if found["type"] == "extra_forbidden" and len(loc) == 1:
            return 0, 0, ""
        if len(loc) == 1 or found["type"] == "extra_forbidden":
            return 1, sections.index(loc[0]), str(loc[-1]) if len(loc) > 1 else ""
        return 2, 0, ""

    first = min(error.errors(), key=rank)
    loc = first["loc"]
    key = ".".join(str(part) for part in loc if not isinstance(part, int))
    if first["type"] == "extra_forbidden" and len(loc) == 1:
        return f"{file} has an unknown section {key!r}: allowed sections are {', '.join(sections)}."
    if first["type"] == "extra_forbidden":
        allowed = ", ".join(Settings.model_fields[loc[0]].annotation.model_fields)
        return f"{file} has an unknown key {key}: allowed keys in {loc[0]!r} are {allowed}."
    if len(loc) == 1:
        return f"{file}: section {key!r} must be a mapping of keys."
    if loc and isinstance(loc[-1], int):  # an item of a list: train.models
        key = f"a name in {key}"
    return f"{file}: {key} {first['msg']}"


def defaults() -> dict[str, dict[str, Any]]:
    """section -> key -> default, for every section of config.yaml but the old ``detected``."""
    return {
        name: info.default.model_dump()
        for name, info in Settings.model_fields.items()
        if isinstance(info.default, Section)
    }


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
    serve_max_text_chars: int = 5000  # serve.max_text_chars: the longest text a field takes
    serve_allowed_hosts: tuple[str, ...] = ()  # serve.allowed_hosts: names besides loopback
    serve_public_url: str = ""  # serve.public_url: the deployed service, for the site's try-it
    serve_cors_origins: tuple[str, ...] = ()  # serve.cors_origins: pages that may call it
    ensemble: bool = True  # train.ensemble: blend the suite's models on their OOF predictions
    tune_seconds: int = 120  # tune.seconds: wall-time budget of `make tune`, split over models
    answers: dict[str, Any] = field(default_factory=dict)  # the data section, before detection
    # profile.samples resolved: raw rows in the committed reports (see ProfileSettings).
    profile_samples: bool = True
    # compute.cluster, or DASK_SCHEDULER_ADDRESS when set: "" in-process, "local", or an address.
    cluster: str = ""

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


def _validate(raw: dict[str, Any], path: Path) -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ProjectError(_sentence(exc, path.name)) from exc


def _current(detected: dict[str, Any], target: str) -> dict[str, Any]:
    """What `make data` detected, minus what a changed answer has made stale.

    Task and metric were detected for one target; once the user names another target they no
    longer describe it, and must not stop `make data` from detecting them afresh.
    """
    if target and target != detected.get("target"):
        return {k: v for k, v in detected.items() if k not in ("task", "metric")}
    return detected


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
    raw = _parse(path)
    owner.load_extensions(root)  # models and metrics of the project's own, before validation
    settings = _validate(raw, path)
    data, cv, train, serve = settings.data, settings.cv, settings.train, settings.serve
    detected = _current({**settings.detected, **read_detected(root)}, data.target)
    task = data.task if data.task != "auto" else detected.get("task", "auto")
    return Config(
        root=root,
        project=settings.project.model_dump(),
        source=data.source,
        ref=data.ref,
        target=str(data.target or detected.get("target") or ""),
        id=str(data.id or detected.get("id") or ""),
        task=task,
        metric=choose_metric(task, asked=data.metric, detected=detected.get("metric")),
        cv_folds=cv.folds,
        cv_seed=cv.seed,
        cv_strategy=cv.strategy,
        group_column=cv.group_column,
        time_column=cv.time_column,
        models=tuple(train.models),
        log_target=train.log_target,
        profile_mode=settings.profile.mode,
        interpret_rows=settings.interpret.sample_rows,
        serve_host=serve.host,
        serve_port=serve.port,
        serve_max_records=serve.max_records,
        serve_max_body_bytes=serve.max_body_bytes,
        serve_max_text_chars=serve.max_text_chars,
        serve_allowed_hosts=tuple(serve.allowed_hosts),
        serve_public_url=serve.public_url,
        serve_cors_origins=tuple(serve.cors_origins),
        ensemble=train.ensemble,
        tune_seconds=settings.tune.seconds,
        answers=data.model_dump(),
        profile_samples=_samples(settings.profile.samples, data.source),
        cluster=_effective_cluster(settings.compute.cluster),
    )


def _effective_cluster(configured: str) -> str:
    """compute.cluster, unless DASK_SCHEDULER_ADDRESS is set (a cluster's own sessions set it)."""
    given = os.environ.get(CLUSTER_ENV, "").strip()
    if not given:
        return configured
    try:
        return cluster_address(given)
    except ValueError as exc:
        raise ProjectError(f"The environment variable {CLUSTER_ENV} {exc}") from None


def _samples(choice: str, source: str) -> bool:
    """``profile.samples``: true, false, or auto (rows shown except for a competition's data)."""
    return source != "competition" if choice == "auto" else choice == "true"


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
    for section, keys in defaults().items():
        given = raw.get(section) or {}
        for key, default in keys.items():
            written = given.get(key, default)
            value = effective.get(key, written) if section == "data" else written
            found = detected.get(key) if section == "data" and key in DETECTED else None
            rows.append((f"{section}.{key}", value, _origin(key in given, written, value, found)))
    if os.environ.get(CLUSTER_ENV, "").strip():
        rows = [(k, cfg.cluster, CLUSTER_ENV) if k == "compute.cluster" else (k, v, o)
                for k, v, o in rows]  # fmt: skip
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
