"""The HTTP service: a FastAPI app built from objects, so a test builds it without a project.

:func:`create_app` takes the fitted pipeline, the schema, the model card and the training table
(for category levels, ranges and an example record) and reads no file itself; the serve stage
loads those and runs the app with uvicorn.

``POST /predict`` reads its body itself (see :mod:`.body`) and parses and validates it on a
worker thread; the prediction runs on the one predicting thread, together with the requests that
arrive with it (see :mod:`.batcher`). Neither holds the event loop, so one heavy request cannot
stall the others. The service answers loopback host names and those the owner lists
(``allowed_hosts``), and JSON bodies only; training rows appear in the example and the level
lists only when ``show_rows`` allows (profile.samples in config.yaml).
"""

import asyncio
import contextlib
import html
import time
from importlib import resources
from string import Template

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.concurrency import run_in_threadpool
from starlette.middleware.cors import CORSMiddleware

from ..metrics import METRICS
from .batcher import Batcher, single_threaded
from .body import Problem, Reader, require_json
from .fitted import freeze_tags
from .inputs import Frame, describe_fields, example_record, limit_text, request_model
from .limits import BodyLimit, HostCheck
from .predictor import Predictor, model_columns
from .store import MAX_LOG_BYTES, PredictionStore

# The page may load nothing from anywhere but this service: no CDN, font or analytics.
PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'"
# Swagger UI at /docs runs from the app's own files (fastapi_offline's, and docs.js instead of an
# inline start-up script), so the same policy holds there; only its icons are data: images.
DOCS_POLICY = f"{PAGE_POLICY}; img-src 'self' data:"
CORS_MAX_AGE_S = 600  # how long a browser may reuse a preflight's answer
RULE_ROWS = 500  # training rows on which the label rule is checked at start-up
ASSETS = {"page.js": "text/javascript", "page.css": "text/css", "docs.js": "text/javascript"}


def create_app(
    model,
    schema: dict,
    card: dict,
    train,
    store: PredictionStore | None = None,
    *,
    max_records: int = 1000,
    max_body_bytes: int = 1_000_000,
    max_text_chars: int = 5000,
    allowed_hosts: tuple[str, ...] = (),
    cors_origins: tuple[str, ...] = (),
    show_rows: bool = True,
    max_log_bytes: int = MAX_LOG_BYTES,
    version: str,
) -> FastAPI:
    """The service for one fitted pipeline; raises ProjectError if the model cannot predict.

    ``allowed_hosts`` are the host names served besides loopback; ``cors_origins`` the web
    origins whose pages may call it; ``show_rows`` false publishes typical values instead of a
    training row and only levels many rows share; ``max_log_bytes`` caps the prediction log;
    ``max_text_chars`` is the longest value a text field takes (a longer one is a 422)."""
    fields = describe_fields(schema, train, card.get("features"), show_rows)
    fields = limit_text(fields, max_text_chars)
    example = example_record(train, fields, show_rows)
    record = request_model(fields, example)
    reader = Reader(record, fields, max_records)
    frame = Frame(fields, model_columns(model, fields), train)
    single_threaded(model)
    freeze_tags(model)
    predictor = Predictor(model, fields, frame, version, store, threshold=card.get("threshold"))
    predictor.check(record.model_validate(example).model_dump(by_alias=True))
    sample = train.reindex(columns=frame.columns)
    predictor.learn(sample.sample(min(len(sample), RULE_ROWS), random_state=0))
    batcher = Batcher(predictor.answer_all)
    if store is not None:
        store.max_bytes = max_log_bytes

    summary = _summary(schema, card, version, max_records)
    lifespan = _lifespan(store, batcher)
    guards = {"hosts": tuple(allowed_hosts), "origins": tuple(cors_origins)}
    app = _new_app(summary, version, lifespan, max_body_bytes, guards)
    app.state.batcher = batcher
    _page_routes(app)
    _docs_route(app)
    info = {"fields": [spec.public() for spec in fields], "example": example}
    _info_routes(app, card, summary, {**info, "example_is_row": show_rows}, store)

    @app.post("/predict", openapi_extra=_predict_docs(example, max_records, show_rows))
    async def predict(request: Request) -> JSONResponse:
        """Predict one record (a JSON object) or a list of them."""
        require_json(request.headers.get("content-type"))
        with batcher.arriving() as submit:
            answered = submit(await run_in_threadpool(reader.read, await request.body()))
        answers = await asyncio.wrap_future(answered)
        return JSONResponse({**summary["answer"], "predictions": answers})

    app.openapi = lambda: _openapi(app, record)
    return app


def _new_app(
    summary: dict,
    version: str,
    lifespan,
    max_body_bytes: int,
    guards: dict[str, tuple[str, ...]],
) -> FastAPI:
    """The application with its guards: body limit, CORS for the listed origins (``guards``'
    "origins"; none: no CORS headers at all), host check (``guards``' "hosts" besides loopback)
    and one-line error answers. CORS sits inside the host check and around the rest, so the
    listed pages can read refusals (a 413, a 422) too.

    FastAPIOffline serves Swagger UI's files itself (FastAPI's /docs loads them from a CDN); its
    own /docs page is replaced by one with an escaped title and a CSP (_docs_route)."""
    app = FastAPIOffline(
        title=f"{summary['target'] or 'Model'} predictions",
        version=version,
        description=_description(summary),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    if guards["origins"]:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(guards["origins"]),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            max_age=CORS_MAX_AGE_S,
        )
    app.add_middleware(HostCheck, allowed_hosts=guards["hosts"])
    app.add_exception_handler(Problem, _problem)
    app.add_exception_handler(Exception, _server_fault)
    return app


def _lifespan(store: PredictionStore | None, batcher: Batcher):
    """Answer the queued requests, then write the log's last queued rows, when the server stops,
    however it was started (the serve stage also closes the store; ``uvicorn --factory`` does
    not)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await run_in_threadpool(batcher.close)
        if store is not None:
            await run_in_threadpool(store.flush)

    return lifespan


def _summary(schema: dict, card: dict, version: str, max_records: int) -> dict:
    cv = card.get("cv") or {}
    metric = METRICS.get(card.get("metric") or schema.get("metric") or "")
    score = {
        "metric": metric.name if metric else card.get("metric"),
        "label": metric.label if metric else card.get("metric"),
        "mean": cv.get("mean"),
        "std": cv.get("std"),
    }
    answer = {"model": card.get("model"), "cv": score, "version": version}
    return {
        "target": card.get("target") or schema.get("target"),
        "task": card.get("task") or schema.get("task"),
        "classes": schema.get("classes"),
        "max_records": max_records,
        "answer": answer,
    }


def _description(summary: dict) -> str:
    answer, cv = summary["answer"], summary["answer"]["cv"]
    score = f"{cv['label']} {cv['mean']:.4f}" if cv["mean"] is not None else "not scored"
    return (
        f"Predicts **{summary['target']}** ({summary['task']}) with the {answer['model']} "
        f"pipeline (cross-validated {score}), version `{answer['version']}`. Send one record or "
        f"a list of up to {summary['max_records']} records; every field is optional."
    )


def _page_routes(app: FastAPI) -> None:
    folder = resources.files(__package__)
    page = folder.joinpath("page.html").read_text(encoding="utf-8")
    assets = {name: folder.joinpath(name).read_text(encoding="utf-8") for name in ASSETS}
    headers = {"Content-Security-Policy": PAGE_POLICY, "Cache-Control": "no-cache"}

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)

    def serve(name: str):
        def asset() -> Response:
            return Response(assets[name], media_type=ASSETS[name], headers=headers)

        return asset

    for name in ASSETS:
        app.add_api_route(f"/{name}", serve(name), methods=["GET"], include_in_schema=False)


def _docs_route(app: FastAPI) -> None:
    """Swagger UI at /docs. The title carries the target's name, which comes from the data, so
    it is escaped; the CSP stops any script but the service's own files should one slip in."""
    template = Template(resources.files(__package__).joinpath("docs.html").read_text("utf-8"))
    page = template.substitute(title=html.escape(f"{app.title} - Swagger UI"))
    headers = {"Content-Security-Policy": DOCS_POLICY, "Cache-Control": "no-cache"}

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return Response(page, media_type="text/html; charset=utf-8", headers=headers)


def _info_routes(
    app: FastAPI, card: dict, summary: dict, inputs: dict, store: PredictionStore | None
) -> None:
    started = time.time()

    @app.get("/health")
    def health() -> dict:
        """Whether the service is up, which model it answers with, and how many answered rows
        the prediction log had to drop (a locked or full log never stops an answer)."""
        answer = summary["answer"]
        uptime = round(time.time() - started, 1)
        log = {"log_dropped_rows": store.dropped} if store is not None else {}
        return {"status": "ok", **answer, "uptime_seconds": uptime, **log}

    @app.get("/model")
    def model_card() -> dict:
        """The model card written by `make train`."""
        return card

    @app.get("/schema")
    def input_schema() -> dict:
        """The input fields with their training levels and ranges (the page builds its form
        from this), and an example record: a training row, or typical values when the
        project publishes no rows."""
        return {
            **{k: summary[k] for k in ("target", "task", "classes", "max_records")},
            **summary["answer"],
            **inputs,
        }


async def _problem(request: Request, exc: Problem) -> JSONResponse:
    content = {"detail": exc.detail}
    if exc.errors:
        content["errors"] = exc.errors
    return JSONResponse(content, status_code=exc.status)


async def _server_fault(request: Request, exc: Exception) -> JSONResponse:
    """Any other failure: still JSON, naming the kind of fault; the server's output has the
    traceback (Starlette logs it after this answer)."""
    detail = f"the service failed on this request ({type(exc).__name__}); see the server's output."
    return JSONResponse({"detail": detail}, status_code=500)


def _predict_docs(example: dict, max_records: int, show_rows: bool) -> dict:
    one = {"$ref": "#/components/schemas/Record"}
    shown = "A training row" if show_rows else "Typical values"
    many = {"type": "array", "items": one, "minItems": 1, "maxItems": max_records}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [one, many]},
                    "examples": {
                        "one record": {"summary": shown, "value": example},
                        "a batch": {"summary": "A list of records", "value": [example, example]},
                    },
                }
            },
        },
        "responses": {
            "400": {"description": "Empty body or malformed JSON"},
            "413": {"description": "Body larger than the limit, or too many records"},
            "415": {"description": "A body not sent as Content-Type: application/json"},
            "422": {
                "description": "A field with a wrong type, an unknown field, or a text longer "
                "than serve.max_text_chars"
            },
            "500": {"description": "The model failed on valid records (JSON naming the cause)"},
        },
    }


def _openapi(app: FastAPI, record) -> dict:
    """FastAPI's schema plus the Record model, which the hand-read body does not register."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        definition = record.model_json_schema(ref_template="#/components/schemas/{model}")
        schema.setdefault("components", {}).setdefault("schemas", {})["Record"] = definition
        app.openapi_schema = schema
    return app.openapi_schema
