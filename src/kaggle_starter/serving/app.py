"""The HTTP service: a FastAPI app built from objects, so a test builds it without a project.

:func:`create_app` takes the fitted pipeline, the schema, the model card and the training table
(for category levels, ranges and an example row) and reads no file itself; the serve stage loads
those and runs the app with uvicorn.

The body of ``POST /predict`` is read and validated here rather than by FastAPI's parameter
machinery: a body that is one record *or* a list would otherwise be validated against both
shapes, and a typo in one record would come back as two errors about the wrong shape. Every bad
input therefore gets one 4xx whose message names the record, the field and the problem.
"""

import json
import time
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from ..metrics import METRICS
from .inputs import (
    Frame,
    describe_fields,
    example_record,
    explain,
    request_model,
    sentence,
)
from .limits import BodyLimit
from .predictor import Predictor, model_columns
from .store import PredictionStore

# The page may load nothing from anywhere but this service: no CDN, font or analytics.
PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'"
RULE_ROWS = 500  # training rows on which the label rule is checked at start-up
ASSETS = {"page.js": "text/javascript", "page.css": "text/css"}


class BadRequest(Exception):
    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


def create_app(
    model,
    schema: dict,
    card: dict,
    train,
    store: PredictionStore | None = None,
    *,
    max_records: int = 1000,
    max_body_bytes: int = 1_000_000,
    version: str,
) -> FastAPI:
    """The service for one fitted pipeline; raises ProjectError if the model cannot predict."""
    fields = describe_fields(schema, train, card.get("features"))
    example = example_record(train, fields)
    record = request_model(fields, example)
    records = TypeAdapter(list[record])
    frame = Frame(fields, model_columns(model, fields), train)
    predictor = Predictor(model, fields, frame, version, store)
    predictor.check(record.model_validate(example).model_dump(by_alias=True))
    sample = train.reindex(columns=frame.columns)
    predictor.learn_label_rule(sample.sample(min(len(sample), RULE_ROWS), random_state=0))

    summary = _summary(schema, card, version, max_records)
    # FastAPIOffline serves Swagger UI's files itself: FastAPI's /docs loads them from a CDN.
    app = FastAPIOffline(
        title=f"{summary['target'] or 'Model'} predictions",
        version=version,
        description=_description(summary),
        redoc_url=None,
    )
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_exception_handler(BadRequest, _bad_request)
    _page_routes(app)
    _info_routes(app, card, summary, [spec.public() for spec in fields], example)

    @app.post("/predict", openapi_extra=_predict_docs(example, max_records))
    async def predict(request: Request) -> JSONResponse:
        """Predict one record (a JSON object) or a list of them."""
        parsed = _parse(await request.body(), max_records)
        try:
            valid = records.validate_python(parsed)
        except ValidationError as exc:
            problems = explain(exc, fields)
            raise BadRequest(422, sentence(problems), problems) from None
        rows = [r.model_dump(by_alias=True) for r in valid]
        answers = await run_in_threadpool(predictor.answer, rows)
        return JSONResponse({**summary["answer"], "predictions": answers})

    app.openapi = lambda: _openapi(app, record)
    return app


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


def _info_routes(app: FastAPI, card: dict, summary: dict, fields: list, example: dict) -> None:
    started = time.time()

    @app.get("/health")
    def health() -> dict:
        """Whether the service is up, and which model it answers with."""
        answer = summary["answer"]
        uptime = round(time.time() - started, 1)
        return {"status": "ok", **answer, "uptime_seconds": uptime}

    @app.get("/model")
    def model_card() -> dict:
        """The model card written by `make train`."""
        return card

    @app.get("/schema")
    def input_schema() -> dict:
        """The input fields with their training levels and ranges (the page builds its form
        from this), and an example record from the training data."""
        return {
            **{k: summary[k] for k in ("target", "task", "classes", "max_records")},
            **summary["answer"],
            "fields": fields,
            "example": example,
        }


def _parse(body: bytes, max_records: int):
    if not body.strip():
        raise BadRequest(
            400, "the request body is empty: send one record as a JSON object, or a list of them."
        )
    try:
        parsed = json.loads(body)
    except UnicodeDecodeError:
        raise BadRequest(400, "the request body is not UTF-8 text: send JSON.") from None
    except json.JSONDecodeError as exc:
        raise BadRequest(
            400,
            f"the request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.",
        ) from None
    if isinstance(parsed, dict):
        return [parsed]
    if not isinstance(parsed, list):
        raise BadRequest(
            422, f"the body must be a JSON object or a list of them, not {type(parsed).__name__}."
        )
    if not parsed:
        raise BadRequest(422, "the list of records is empty: send at least one record.")
    if len(parsed) > max_records:
        raise BadRequest(
            413, f"the body holds {len(parsed):,} records; send at most {max_records:,} at a time."
        )
    return parsed


async def _bad_request(request: Request, exc: BadRequest) -> JSONResponse:
    content = {"detail": exc.detail}
    if exc.errors:
        content["errors"] = exc.errors[:100]
    return JSONResponse(content, status_code=exc.status)


def _predict_docs(example: dict, max_records: int) -> dict:
    one = {"$ref": "#/components/schemas/Record"}
    many = {"type": "array", "items": one, "minItems": 1, "maxItems": max_records}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"oneOf": [one, many]},
                    "examples": {
                        "one record": {"summary": "A training row", "value": example},
                        "a batch": {"summary": "A list of records", "value": [example, example]},
                    },
                }
            },
        },
        "responses": {
            "400": {"description": "Empty body or malformed JSON"},
            "413": {"description": "Body larger than the limit, or too many records"},
            "422": {"description": "A field with a wrong type, or an unknown field"},
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
