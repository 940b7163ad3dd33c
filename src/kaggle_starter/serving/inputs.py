"""The request a served model accepts, generated from the schema and the training table.

One optional field per raw feature column, typed by the column's role: a number, a category, a
date-time or free text. Every field may be left out or null, because a missing value is what the
saved pipeline already handles. Unknown fields are refused by name (``extra="forbid"``), so a
misspelt column is an error rather than a silently missing value.

Categories are *not* a ``Literal`` of the training levels: a new category is a fact of life in
production (a new product code, a new port) and the pipeline's encoders map it to "unknown", so
the service answers it with a warning instead of refusing it. The known levels still appear in
the OpenAPI schema (as ``examples`` and in the description) and in ``GET /schema``, where the
page turns them into drop-downs. ``enum`` is avoided on purpose: clients generated from an
OpenAPI ``enum`` would refuse exactly the values the service accepts.

Values become a DataFrame with the training table's types (numbers as float, categories as the
training values themselves, dates parsed), so the pipeline sees what it saw at fit time and the
answers equal ``model.predict`` on the same rows.
"""

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, create_model
from pydantic_core import PydanticCustomError

KINDS = {"numeric": "number", "categorical": "category", "text": "text", "datetime": "date"}
MAX_LEVELS_LISTED = 200  # beyond this a drop-down stops helping: the page offers free text
# Without sample rows (profile.samples off, a competition's default) a level is published only if
# enough training rows share it, so no listed value stands for one row; and fewer are listed.
PRIVATE_LEVELS_LISTED = 50
PRIVATE_LEVEL_ROWS = 10
NAMES_IN_MESSAGE = 8  # field or level names spelled out in one sentence before "..."
MAX_ERRORS = 20  # problems reported per request: enough to fix a body, bounded in size
SHOWN_CHARS = 40  # a value or a field name quoted in a message is cut to this length
# pandas holds datetime64[ns] from 1677-09-21 to 2262-04-11; a day inside each end leaves room
# for any time zone's offset, so the check needs no conversion that could itself overflow.
FIRST_DATE, LAST_DATE = datetime(1677, 9, 23), datetime(2262, 4, 10)

Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]  # strict: true is no number


def _in_pandas_range(value: datetime) -> datetime:
    if not FIRST_DATE <= value.replace(tzinfo=None) <= LAST_DATE:
        raise PydanticCustomError(
            "date_range",
            "the date must lie between {first} and {last}, the dates the model can hold",
            {"first": FIRST_DATE.date().isoformat(), "last": LAST_DATE.date().isoformat()},
        )
    return value


Date = Annotated[datetime, AfterValidator(_in_pandas_range)]
Text = Annotated[str, Field(strict=True)]
LEVEL_TYPES = {
    bool: Annotated[bool, Field(strict=True)],
    int: Annotated[int, Field(strict=True)],
    float: Number,
}


@dataclass(frozen=True)
class InputField:
    """One raw feature column as the service sees it, with what training says about it."""

    name: str
    kind: str  # number, category, text or date
    missing: float = 0.0  # share missing in training
    levels: tuple = ()  # categories, most frequent first (at most MAX_LEVELS_LISTED)
    all_levels: frozenset = field(default_factory=frozenset)  # every level, spelled as text
    minimum: Any = None  # numbers: float; dates: ISO text
    maximum: Any = None
    has_time: bool = False  # dates: whether any training value has a time of day
    typical: Any = None  # the median number or date, the most frequent listed level
    max_chars: int | None = None  # text: the longest value accepted (serve.max_text_chars)

    def public(self) -> dict:
        """The description ``GET /schema`` gives the page (JSON-safe)."""
        entry = {"name": self.name, "kind": self.kind, "missing": self.missing}
        if self.kind == "category":
            entry["levels"] = list(self.levels)
            entry["levels_complete"] = len(self.levels) == len(self.all_levels)
        if self.kind in ("number", "date"):
            entry.update(minimum=self.minimum, maximum=self.maximum)
        if self.kind == "date":
            entry["has_time"] = self.has_time
        if self.kind == "text":
            entry["max_chars"] = self.max_chars
        return entry


def plain(value: Any) -> Any:
    """A numpy or pandas scalar as the Python value JSON can carry (NaN and NaT as None)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _describe(name: str, kind: str, values: pd.Series, show_rows: bool) -> InputField:
    missing = round(float(values.isna().mean()), 4) if len(values) else 0.0
    present = values.dropna()
    if kind == "number":
        numbers = pd.to_numeric(present, errors="coerce").dropna()
        if numbers.empty:
            return InputField(name, kind, missing)
        low, high, middle = (float(numbers.min()), float(numbers.max()), float(numbers.median()))
        return InputField(name, kind, missing, minimum=low, maximum=high, typical=middle)
    if kind == "category":
        counts = present.value_counts()
        known = frozenset(str(plain(v)) for v in counts.index)
        if not show_rows:
            counts = counts[counts >= PRIVATE_LEVEL_ROWS].head(PRIVATE_LEVELS_LISTED)
        levels = tuple(plain(v) for v in counts.index[:MAX_LEVELS_LISTED])
        first = levels[0] if levels else None
        return InputField(name, kind, missing, levels=levels, all_levels=known, typical=first)
    if kind == "date":
        dates = pd.to_datetime(present, errors="coerce").dropna()
        if dates.empty:
            return InputField(name, kind, missing)
        timed = bool((dates != dates.dt.normalize()).any())
        low, high, middle = (plain(d) for d in (dates.min(), dates.max(), dates.median()))
        return InputField(
            name, kind, missing, minimum=low, maximum=high, has_time=timed, typical=middle
        )
    return InputField(name, kind, missing, typical="")


def describe_fields(
    schema: dict, train: pd.DataFrame, features: dict | None = None, show_rows: bool = True
) -> list:
    """The model's raw feature columns, in schema order, described from the training table.

    ``features`` is the model card's columns by role; without it every schema column with a
    feature role is an input. Columns the training table lacks cannot be described and are left
    out (the pipeline then receives them as missing). ``show_rows`` false lists only the levels
    many rows share (see ``PRIVATE_LEVEL_ROWS``).
    """
    wanted = {c for columns in (features or {}).values() for c in columns}
    described = []
    for column in schema["columns"]:
        name, kind = column["name"], KINDS.get(column["role"])
        if kind is None or (wanted and name not in wanted) or name not in train.columns:
            continue
        described.append(_describe(name, kind, train[name], show_rows))
    return described


def limit_text(fields: list[InputField], max_chars: int) -> list[InputField]:
    """The fields with ``max_chars`` as the longest text a text field accepts."""
    return [replace(spec, max_chars=max_chars) if spec.kind == "text" else spec for spec in fields]


def _description(spec: InputField) -> str:
    gaps = f" {spec.missing:.0%} missing in training." if spec.missing else ""
    if spec.kind == "number":
        if spec.minimum is None:
            return "A number." + gaps
        return f"A number; training range {spec.minimum:g} to {spec.maximum:g}.{gaps}"
    if spec.kind == "category":
        shown = ", ".join(map(str, spec.levels[:NAMES_IN_MESSAGE]))
        more = ", ..." if len(spec.all_levels) > NAMES_IN_MESSAGE else ""
        return (
            f"A category; known levels: {shown}{more}. Another value is accepted and answered "
            f"with a warning.{gaps}"
        )
    if spec.kind == "date":
        span = f"; training range {spec.minimum} to {spec.maximum}" if spec.minimum else ""
        return f"A date or date-time (ISO 8601){span}.{gaps}"
    longest = f", at most {spec.max_chars:,} characters" if spec.max_chars else ""
    return f"Free text{longest}.{gaps}"


def _annotation(spec: InputField):
    if spec.kind == "number":
        return Number
    if spec.kind == "date":
        return Date
    if spec.kind == "category":
        # Text always works (the page's drop-downs send text); a level that train spells as
        # true/false or 1/2 may also arrive as that JSON value.
        extra = {type(v) for v in spec.levels if type(v) in LEVEL_TYPES}
        annotation = Text
        for kind in sorted(extra, key=str):
            annotation = annotation | LEVEL_TYPES[kind]
        return annotation
    if spec.max_chars:
        return Annotated[str, Field(strict=True, max_length=spec.max_chars)]
    return Text


def request_model(fields: list[InputField], example: dict | None = None) -> type[BaseModel]:
    """The pydantic model of one record: every field optional, unknown fields forbidden.

    Python names are positional (``f0``, ``f1``...) and the column names are aliases, so any
    column name works, ``"size (cm)"`` or ``"class"`` included, and errors name the column.
    """
    definitions = {}
    for i, spec in enumerate(fields):
        extra = {"examples": list(spec.levels)} if spec.kind == "category" else None
        definitions[f"f{i}"] = (
            _annotation(spec) | None,
            Field(
                None,
                alias=spec.name,
                title=spec.name,
                description=_description(spec),
                json_schema_extra=extra,
            ),
        )
    config = ConfigDict(
        extra="forbid",
        title="Record",
        json_schema_extra={"examples": [example]} if example else None,
    )
    return create_model("Record", __config__=config, **definitions)


def example_record(train: pd.DataFrame, fields: list[InputField], show_rows: bool = True) -> dict:
    """A real training row (the first of the most complete ones), as a request would send it;
    without ``show_rows``, typical values instead (median numbers and dates, the most frequent
    listed level, empty text), so the published example is no one's row. A text is cut to the
    field's ``max_chars``."""
    names = [spec.name for spec in fields]
    if not show_rows:
        return {spec.name: spec.typical for spec in fields if spec.typical is not None}
    if train.empty or not names:
        return {}
    row = train.loc[train[names].notna().sum(axis=1).idxmax(), names]
    example = {name: plain(row[name]) for name in names if plain(row[name]) is not None}
    for spec in fields:  # a text longer than the service takes is cut to what it takes
        if spec.max_chars and isinstance(example.get(spec.name), str):
            example[spec.name] = example[spec.name][: spec.max_chars]
    return example


def _dates(values: list, dtype) -> pd.Series:
    """Date-times as the training column holds them: naive UTC unless train is tz-aware."""
    utc = [
        v.astimezone(UTC).replace(tzinfo=None) if v is not None and v.tzinfo else v for v in values
    ]
    series = pd.Series(pd.to_datetime(utc), dtype="datetime64[ns]")
    if isinstance(dtype, pd.DatetimeTZDtype):
        return series.dt.tz_localize("UTC").dt.tz_convert(dtype.tz)
    return series


class Frame:
    """Turns validated records into the DataFrame the pipeline was fitted on."""

    def __init__(self, fields: list[InputField], columns: list[str], train: pd.DataFrame):
        self.fields = fields
        self.columns = columns
        self.dtypes = {name: train[name].dtype for name in columns if name in train.columns}
        # Each category maps from its text spelling back to the training value (True, 3, "S"),
        # so a level sent as text reaches the encoders exactly as training spelled it.
        self.levels = {
            spec.name: {str(v): v for v in _training_levels(train[spec.name])}
            for spec in fields
            if spec.kind == "category"
        }

    def build(self, records: list[dict]) -> pd.DataFrame:
        data = {}
        for spec in self.fields:
            values = [record.get(spec.name) for record in records]
            if spec.kind == "number":
                data[spec.name] = np.array([np.nan if v is None else v for v in values], float)
            elif spec.kind == "date":
                data[spec.name] = _dates(values, self.dtypes.get(spec.name))
            elif spec.kind == "category":
                known = self.levels[spec.name]
                mapped = [None if v is None else known.get(str(v), v) for v in values]
                data[spec.name] = pd.Series(mapped, dtype=object)
            else:
                data[spec.name] = pd.Series(values, dtype=object)
        # Columns the pipeline was fitted with but the request does not take (a column only
        # train has) arrive as missing; the pipeline drops or imputes them as it did in training.
        blank = np.full(len(records), np.nan)
        return pd.DataFrame({name: data.get(name, blank) for name in self.columns})


def _training_levels(values: pd.Series) -> list:
    return [plain(v) for v in values.dropna().unique()]


def warnings_for(record: dict, fields: list[InputField]) -> list[str]:
    """Why an answer deserves less trust: an unseen category, a value outside training's range."""
    found = []
    for spec in fields:
        value = record.get(spec.name)
        if value is None:
            continue
        if spec.kind == "category" and str(value) not in spec.all_levels:
            found.append(
                f"{spec.name!r} is {quoted(value)}, a category not seen in training; the model "
                "treats it as an unknown level."
            )
        elif spec.kind in ("number", "date") and spec.minimum is not None:
            low, high = spec.minimum, spec.maximum
            if spec.kind == "date":
                value = _naive(value).isoformat()
            if value < low or value > high:
                found.append(
                    f"{spec.name!r} is {value}, outside the training range {low} to {high}; "
                    "the model extrapolates."
                )
    return found


def _naive(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def quoted(value: Any) -> str:
    """A value as a message shows it: its repr, cut to ``SHOWN_CHARS``, so an answer never
    carries a long input back (a huge int has no repr at all past 4,300 digits)."""
    if isinstance(value, int) and value.bit_length() > 3 * SHOWN_CHARS:
        return "a very long integer"
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def _received(value: Any) -> str:
    """What a bad value was, by type: the message names the problem without echoing the input."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def problem(record: int, name: str | None, text: str) -> dict:
    """One entry of an error answer; a field name is quoted cut short, as any input is."""
    shown = name if name is None or len(name) <= SHOWN_CHARS else name[: SHOWN_CHARS - 3] + "..."
    return {"record": record, "field": shown, "problem": text}


def known_fields(fields: list[InputField]) -> str:
    """The model's field names for a message, the first few spelled out."""
    more = ", ..." if len(fields) > NAMES_IN_MESSAGE else ""
    return ", ".join(spec.name for spec in fields[:NAMES_IN_MESSAGE]) + more


def explain(error: ValidationError, fields: list[InputField]) -> list[dict]:
    """One entry per problem (the first ``MAX_ERRORS``): the record (1-based), the field, and
    what is wrong, in words."""
    problems = []
    for issue in error.errors(include_url=False)[:MAX_ERRORS]:
        loc = list(issue["loc"])
        record = loc.pop(0) + 1 if loc and isinstance(loc[0], int) else 1
        name = str(loc[0]) if loc else None
        if issue["type"] == "extra_forbidden":
            text = f"unknown field; the model takes {known_fields(fields)}"
        elif issue["type"] in ("model_type", "model_attributes_type"):
            text = "a record must be a JSON object of column: value pairs"
        elif issue["type"] == "string_too_long":
            text = (
                f"the text is {len(issue['input']):,} characters, more than the "
                f"{issue['ctx']['max_length']:,} this service accepts (serve.max_text_chars)"
            )
        else:
            text = f"{issue['msg'][0].lower()}{issue['msg'][1:]}, got {_received(issue['input'])}"
        problems.append(problem(record, name, text))
    return problems


def sentence(problems: list[dict], total: int | None = None, limit: int = 5) -> str:
    """The problems as one sentence, the first few spelled out (``total`` counts them all)."""
    parts = [
        f"record {p['record']}"
        + (f", field {p['field']!r}" if p["field"] else "")
        + f": {p['problem']}"
        for p in problems[:limit]
    ]
    total = len(problems) if total is None else total
    more = f" (and {total - limit:,} more)" if total > limit else ""
    return "; ".join(parts) + more + "."
