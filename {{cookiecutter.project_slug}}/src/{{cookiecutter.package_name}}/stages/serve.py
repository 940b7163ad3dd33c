"""Stage `serve`: the saved model answers over HTTP until Ctrl-C.

Loads what :func:`..serving.app.create_app` needs (the pipeline, the schema, the model card and the
processed training table, for levels, ranges and an example row), opens the prediction log in
monitoring/, and runs the app with uvicorn on ``serve.host``:``serve.port`` (``PORT`` in the
environment overrides the port, as hosting platforms expect). Every answer carries the model's
version (:func:`..artifacts.model_version`), so a logged prediction names the pipeline behind it.

The socket is bound here, before uvicorn starts, so a busy port is one sentence rather than a
logged traceback, and the printed address is one that already accepts connections.
:func:`application` builds the same app for ``uvicorn --factory``, for uvicorn's own options.
"""

import json
import os
import shlex
import socket
from pathlib import Path

from .. import artifacts
from ..config import Config
from ..errors import ProjectError


def run(cfg: Config, *, force: bool = False) -> None:
    """Serve the model until interrupted (``force`` is accepted for the CLI's sake)."""
    import uvicorn

    from ..serving.store import PredictionStore

    store = PredictionStore(cfg.layout.predictions_log)
    try:
        app, loaded = build(cfg, store)
        sock = _bind(cfg.serve_host, port(cfg))
        print(_greeting(cfg, *loaded, sock.getsockname()[1]), flush=True)
        server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
        )
        try:
            server.run(sockets=[sock])  # returns on Ctrl-C or SIGTERM, after open requests end
        except KeyboardInterrupt:
            pass
        finally:
            sock.close()
        print(f"Stopped; {store.count():,} predictions are logged in {_shown(cfg)}.")
    finally:
        store.close()


def build(cfg: Config, store):
    """The app for this project's saved model, and what it was built from (schema, card,
    training table, version)."""
    from ..serving.app import create_app

    schema = artifacts.load_schema(cfg)
    model = artifacts.load_model(cfg)
    card = artifacts.read_json(cfg, "model_card")
    train = artifacts.load_train(cfg)
    version = artifacts.model_version(cfg)
    app = create_app(
        model,
        schema,
        card,
        train,
        store,
        max_records=cfg.serve_max_records,
        max_body_bytes=cfg.serve_max_body_bytes,
        version=version,
    )
    return app, (schema, card, train, version)


def application():
    """The app of the project in the current folder, for ``uvicorn --factory``: the way to run
    the same service under uvicorn's own options (``--workers``, ``--ssl-*``, ``--root-path``).
    A problem is one ``ERROR:`` line, as from make."""
    from ..config import load_config
    from ..serving.store import PredictionStore

    try:
        cfg = load_config(Path.cwd())
        return build(cfg, PredictionStore(cfg.layout.predictions_log))[0]
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
    """Where the service is, and three ways to try it (the curl call sends a real training row)."""
    from ..serving.inputs import describe_fields, example_record

    example = example_record(train, describe_fields(schema, train, card.get("features")))
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
