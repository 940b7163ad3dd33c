"""Reading a ``POST /predict`` body: JSON only, checked in bounded time, refused in bounded words.

The body is read here rather than by FastAPI's parameter machinery: a body that is one record
*or* a list would otherwise be validated against both shapes, and a typo in one record would come
back as two errors about the wrong shape. Every bad body therefore gets one 4xx whose message
names the record, the field and the problem.

Two costs are kept bounded because any client can choose them. Unknown field names are found
with a set difference before pydantic sees the records, so a body of 85,000 made-up keys costs a
few milliseconds, not one error object per key; and no answer echoes an input value (a bad value
is named by its type), reports more than ``MAX_ERRORS`` problems or quotes a name uncut, so every
refusal stays a few kilobytes whatever was sent. The app runs :meth:`Reader.read` on a worker
thread, so even the bounded work never holds the event loop.
"""

import json

from pydantic import TypeAdapter, ValidationError

from .inputs import MAX_ERRORS, InputField, explain, known_fields, problem, sentence


class Problem(Exception):
    """A request the service answers with ``status`` and one sentence (and the first problems)."""

    def __init__(self, status: int, detail: str, errors: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


def require_json(content_type: str | None) -> None:
    """Refuse a body that is not declared JSON (415). A text/plain or form POST needs no CORS
    preflight, so without this any web page could make a visitor's browser write to the
    service; a JSON body can only come from a page the browser lets through."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media != "application/json":
        got = f"Content-Type {media!r}" if media else "no Content-Type"
        raise Problem(
            415,
            f"the request has {got[:60]}: send the records as JSON with the header "
            "Content-Type: application/json.",
        )


class Reader:
    """Turns a request body into validated records (column -> value), or raises Problem."""

    def __init__(self, record_model, fields: list[InputField], max_records: int):
        self.records = TypeAdapter(list[record_model])
        self.fields = fields
        self.names = frozenset(spec.name for spec in fields)
        self.max_records = max_records

    def read(self, body: bytes) -> list[dict]:
        parsed = _records(_json(body), self.max_records)
        self._unknown_fields(parsed)
        try:
            valid = self.records.validate_python(parsed)
        except ValidationError as exc:
            problems = explain(exc, self.fields)
            raise Problem(422, sentence(problems, exc.error_count()), problems) from None
        return [record.model_dump(by_alias=True) for record in valid]

    def _unknown_fields(self, parsed: list) -> None:
        """Refuse misspelt or made-up fields by name, before pydantic builds an error per key."""
        takes = f"unknown field; the model takes {known_fields(self.fields)}"
        problems, total = [], 0
        for number, record in enumerate(parsed, start=1):
            if not isinstance(record, dict):
                continue
            unknown = [name for name in record if name not in self.names]
            total += len(unknown)
            for name in unknown[: MAX_ERRORS - len(problems)]:
                problems.append(problem(number, name, takes))
        if problems:
            raise Problem(422, sentence(problems, total), problems)


def _json(body: bytes):
    if not body.strip():
        raise Problem(
            400, "the request body is empty: send one record as a JSON object, or a list of them."
        )
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise Problem(400, "the request body is not UTF-8 text: send JSON.") from None
    except json.JSONDecodeError as exc:
        raise Problem(
            400,
            f"the request body is not valid JSON: {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}.",
        ) from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        raise Problem(
            400, "the request body holds an integer too long to read: send numbers as numbers."
        ) from None
    except RecursionError:
        raise Problem(
            400, "the request body is nested too deeply: a record is one flat JSON object."
        ) from None


def _records(parsed, max_records: int) -> list:
    if isinstance(parsed, dict):
        return [parsed]
    if not isinstance(parsed, list):
        raise Problem(
            422, f"the body must be a JSON object or a list of them, not {type(parsed).__name__}."
        )
    if not parsed:
        raise Problem(422, "the list of records is empty: send at least one record.")
    if len(parsed) > max_records:
        raise Problem(
            413, f"the body holds {len(parsed):,} records; send at most {max_records:,} at a time."
        )
    return parsed
