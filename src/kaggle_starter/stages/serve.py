"""Stage `serve`: the saved model answers over HTTP until Ctrl-C.

Loads what :func:`..serving.app.create_app` needs (the pipeline, the schema, the model card and the
processed training table, for levels, ranges and an example record; a training row only when
``profile.samples`` allows publishing rows), opens the prediction log in
monitoring/, and runs the app with uvicorn on ``serve.host``:``serve.port`` (``PORT`` in the
environment overrides the port, as hosting platforms expect). Every answer carries the model's
version (the start of its file's sha256), so a logged prediction names the pipeline behind it;
model, card and version are read as one snapshot (:func:`..artifacts.load_trained`), since a
`make train` may be replacing them while the service starts.

The socket is bound here, before the model loads and uvicorn starts, so a busy port is one
sentence rather than a logged traceback, and the printed address already accepts connections.
:func:`application` builds the same app for ``uvicorn --factory``, for uvicorn's own options.
"""

import contextlib
import json
import os
import shlex
import socket
import sqlite3
from pathlib import Path

from .. import artifacts, owner
from ..config import Config
from ..errors import ProjectError


def run(cfg: Config, *, force: bool = False) -> None:
    """Serve the model until interrupted (``force`` is accepted for the CLI's sake)."""
    import uvicorn

    # The port first: a busy one is said at once, not after the model has loaded.
    with contextlib.closing(_bind(cfg.serve_host, port(cfg))) as sock:
        app, store, loaded = build(cfg)
        with contextlib.closing(store):
            print(_greeting(cfg, *loaded, sock.getsockname()[1]), flush=True)
            config = uvicorn.Config(
                app, log_level="warning", access_log=False, timeout_graceful_shutdown=5
            )
            with contextlib.suppress(KeyboardInterrupt):
                # Returns on Ctrl-C or SIGTERM, once the open requests are answered.
                uvicorn.Server(config).run(sockets=[sock])
            print(f"Stopped; {store.count():,} predictions are logged in {_shown(cfg)}.")


def build(cfg: Config):
    """The app for this project's saved model, its open prediction log, and what the app was
    built from (schema, card, training table, version). Every artifact is read before the log
    is opened, so a project without a model gets an error and no empty database."""
    from ..serving.app import create_app
    from ..serving.store import PredictionStore, log_problem

    schema = artifacts.load_schema(cfg)
    trained = artifacts.load_trained(cfg)  # model, card and version of one `make train`
    model, card, version = trained.model, trained.card, trained.version
    _same_code(card)
    train = artifacts.load_train(cfg)
    try:
        store = PredictionStore(cfg.layout.predictions_log)
    except sqlite3.Error as exc:
        shown = cfg.layout.predictions_log.relative_to(cfg.root).as_posix()
        raise log_problem(exc, shown, "make serve") from exc
    try:
        app = create_app(
            model,
            schema,
            card,
            train,
            store,
            max_records=cfg.serve_max_records,
            max_body_bytes=cfg.serve_max_body_bytes,
            max_text_chars=cfg.serve_max_text_chars,
            allowed_hosts=(*_listening_name(cfg.serve_host), *cfg.serve_allowed_hosts),
            cors_origins=cfg.serve_cors_origins,
            show_rows=cfg.profile_samples,
            version=version,
        )
    except BaseException:
        store.close()
        raise
    return app, store, (schema, card, train, version)


def _listening_name(host: str) -> tuple[str, ...]:
    """serve.host when it names one address (a LAN address, say): requests addressed to it are
    answered; a wildcard (0.0.0.0, ::) names no host."""
    return () if host in ("0.0.0.0", "::", "") else (host,)


def _same_code(card: dict) -> None:
    """Refuse to serve a model with code it was not trained with: the pickle holds a reference to
    features.py, not the code, so an edit would silently change every answer."""
    edited = owner.changed(card.get("code_sha256"))
    if edited:
        raise ProjectError(
            f"{edited[0]} changed since models/model.joblib was trained, so the service would "
            "answer with code the model was never validated with: run `make train` (or undo the "
            "edit), then serve."
        )


def application():
    """The app of the project in the current folder, for ``uvicorn --factory``: the same service
    under uvicorn's own options (``--ssl-*``, ``--root-path``). A problem is one ``ERROR:``
    line, as from make."""
    from ..config import load_config

    try:
        return build(load_config(Path.cwd()))[0]
    except ProjectError as exc:
        raise SystemExit(f"ERROR: {exc}") from None


def port(cfg: Config) -> int:
    """``PORT`` from the environment when set, else ``serve.port`` from config.yaml."""
    given = os.environ.get("PORT", "").strip()
    if not given:
        return cfg.serve_port
    if not given.isdigit() or int(given) > 65535:
        raise ProjectError(
            f"PORT is {given!r}; give a port number up to 65535 (0 picks a free one), e.g. "
            "PORT=8001."
        )
    return int(given)


def _bind(host: str, number: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelt out: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
    # that say they are TCP, and with it on, a keep-alive client waits ~40 ms per answer for a
    # delayed ACK, because the headers and the body leave in two writes.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart may reuse it
        sock.bind((host, number))
    except OSError as exc:
        sock.close()
        raise ProjectError(
            f"cannot listen on {host}:{number} ({exc.strerror or exc}): another program may use "
            "that port; run `PORT=8001 make serve` or change serve.port in config.yaml."
        ) from exc
    return sock


def _greeting(cfg: Config, schema: dict, card: dict, train, version: str, number: int) -> str:
    """Where the service is, and three ways to try it (the curl call sends the service's example:
    a training row, or typical values when profile.samples is off)."""
    from ..serving.inputs import describe_fields, example_record

    rows = cfg.profile_samples
    example = example_record(
        train, describe_fields(schema, train, card.get("features"), rows), rows
    )
    shown = "127.0.0.1" if cfg.serve_host in ("0.0.0.0", "::") else cfg.serve_host
    url = f"http://{shown}:{number}"
    log = _shown(cfg)
    return (
        f"Serving {card.get('model')} (version {version}) at {url}/ until Ctrl-C.\n"
        f"  in a browser:  {url}/\n"
        f"  the API docs:  {url}/docs\n"
        f"  from a shell:  curl -s {url}/predict -H 'Content-Type: application/json' \\\n"
        f"                   -d {shlex.quote(json.dumps(example, ensure_ascii=False))}\n"
        f"Every answer is logged to {log}; `make monitor` compares those rows with train."
    )


def _shown(cfg: Config) -> str:
    return cfg.layout.predictions_log.relative_to(cfg.root).as_posix()
