"""Work out what a Kaggle folder holds: which file is which, the target, the id, the task, and
the role of every column. Pure functions over DataFrames, so each rule is testable on its own.

The rules follow how Kaggle lays out competitions: the target is the train column that test lacks
(and that the sample submission names), the id is the sample submission's first column. The
metric is decided with every other source of it, in :func:`..metrics.choose_metric`.
"""

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import ProjectError
from .tables import is_table

ROLES = ("numeric", "categorical", "text", "datetime", "id", "constant", "target")
TARGET_HINTS = ("target", "label", "class", "y", "outcome", "price")
TARGET_PARTS = ("target", "label", "price", "value", "outcome", "score")
ID_NAME = re.compile(r"^(id|Id|ID)$|[_\s-](id|Id|ID)$|^(id|Id|ID)[_\s-]|[a-z](Id|ID)$")
DATE_LIKE = re.compile(r"^\d{4}[-/]\d{1,2}[-/]\d{1,2}|^\d{1,2}[-/]\d{1,2}[-/]\d{4}")
NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/]\d{4}")  # the two numbers before a year
DATE_ORDER_ROWS = 5_000  # values read to tell day-first from month-first dates
MAX_CLASSES = 30
TEXT_WORDS, TEXT_DISTINCT, TEXT_LENGTH = 3, 0.5, 12  # what makes a string column text


@dataclass(frozen=True)
class Counts:
    """Exact counts over a whole column, for a table whose roles are judged on a sample of rows.

    A sample tells a column's type and wording well, but not whether its values are unique, so
    those questions are answered from these counts (taken over every row) instead.
    """

    rows: int
    present: int
    distinct: int
    low: float | None = None  # smallest and largest value of a numeric column
    high: float | None = None
    integral: bool | None = None  # every value of a numeric column is a whole number


def find_files(raw: Path) -> dict[str, str | None]:
    """Train, test and sample-submission files (paths relative to ``raw``) by their names."""
    tables = sorted(
        p for p in raw.rglob("*") if p.is_file() and is_table(p) and p.name != "manifest.json"
    )
    if not tables:
        raise ProjectError(
            f"{raw} holds no table (CSV, TSV, Parquet or a zipped CSV): check the source in "
            "config.yaml (data.ref)."
        )

    def named(*words: str) -> list[Path]:
        return [p for p in tables if any(w in p.name.lower() for w in words)]

    sample = next(iter(named("sample", "submission")), None)
    test = next((p for p in named("test") if p != sample), None)
    train = next((p for p in named("train") if p not in (sample, test)), None)
    if train is None:
        others = [p for p in tables if p not in (sample, test)]
        if not others:
            raise ProjectError(f"{raw} has no training table: expected a file such as train.csv.")
        train = max(others, key=lambda p: p.stat().st_size)

    def rel(path: Path | None) -> str | None:
        return path.relative_to(raw).as_posix() if path else None

    return {"train": rel(train), "test": rel(test), "sample_submission": rel(sample)}


def detect_id(
    train: pd.DataFrame,
    test: pd.DataFrame | None,
    sample: pd.DataFrame | None,
    target: str | None = None,
) -> str | None:
    """The id column: the sample submission's first column, else a unique id-like shared column."""
    if sample is not None and len(sample.columns) and sample.columns[0] in train.columns:
        return str(sample.columns[0])
    shared = [c for c in train.columns if c != target and (test is None or c in test.columns)]
    for column in shared:
        values = train[column]
        if not ID_NAME.search(str(column)) or values.isna().any() or not values.is_unique:
            continue
        if test is None or test[column].is_unique:
            return str(column)
    return None


def detect_target(
    train: pd.DataFrame,
    test: pd.DataFrame | None,
    sample: pd.DataFrame | None,
    id_column: str | None,
) -> str:
    """The train column that test lacks, confirmed by the sample submission; else a named guess.

    Competitions often give train columns that test lacks besides the target (parts of the
    answer, outcomes recorded later): with the sample submission naming one of them, that one
    is the target and the others are only left out of the models.
    """
    if test is not None:
        candidates = [c for c in train.columns if c not in test.columns and c != id_column]
        if sample is not None:
            confirmed = [c for c in candidates if c in sample.columns]
            if len(confirmed) == 1:  # other train-only columns are warned of by the caller
                return str(confirmed[0])
        if len(candidates) == 1:
            return str(candidates[0])
        if candidates:
            raise ProjectError(
                f"several train columns are missing from test ({', '.join(map(str, candidates))}):"
                " set data.target in config.yaml to the one to predict."
            )
    lowered = {str(c).lower(): str(c) for c in train.columns if c != id_column}
    if not lowered:
        raise ProjectError("the training table has no column to predict: check the source.")
    guess = (
        next((lowered[hint] for hint in TARGET_HINTS if hint in lowered), None)
        or next((n for low, n in lowered.items() if any(p in low for p in TARGET_PARTS)), None)
        or _label_after_id(train, id_column)
        or list(lowered.values())[-1]
    )
    warnings.warn(
        f"the target {guess!r} was guessed from the column names (no test file singles it "
        "out); set data.target in config.yaml if another column is the one to predict.",
        stacklevel=2,
    )
    return guess


def _label_after_id(train: pd.DataFrame, id_column: str | None) -> str | None:
    """The column right after the id when it holds a handful of values: Kaggle's training files
    often put the label there (the id, the answer, then the features)."""
    columns = list(train.columns)
    if id_column not in columns or columns.index(id_column) + 1 >= len(columns):
        return None
    after = columns[columns.index(id_column) + 1]
    return str(after) if 2 <= train[after].nunique() <= MAX_CLASSES else None


def detect_task(y: pd.Series) -> str:
    """Binary, multiclass or regression, from the target's values."""
    values = y.dropna()
    n_unique = values.nunique()
    if n_unique < 2:
        raise ProjectError(
            f"the target {y.name!r} has a single value ({values.iloc[0]!r}) in every row: a model "
            "cannot learn from it; set data.target in config.yaml to another column."
            if n_unique == 1
            else f"the target {y.name!r} has no values: check the source."
        )
    if n_unique == 2:
        return "binary"
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "multiclass"
    integral = bool((values == values.round()).all())
    if integral and n_unique <= MAX_CLASSES and n_unique / len(values) < 0.05:
        return "multiclass"
    return "regression"


def _looks_like_dates(values: pd.Series) -> bool:
    sample = values.dropna().astype(str).head(200)
    if sample.empty or not sample.str.match(DATE_LIKE).mean() > 0.9:
        return False
    return max(_parsed_share(sample, False), _parsed_share(sample, True)) > 0.9


def _parsed_share(sample: pd.Series, dayfirst: bool) -> float:
    """The share of ``sample`` that parses as dates in the one format pandas infers from it."""
    with warnings.catch_warnings():  # pandas warns when the inferred format disagrees
        warnings.simplefilter("ignore", UserWarning)
        return float(pd.to_datetime(sample, errors="coerce", dayfirst=dayfirst).notna().mean())


def day_first(values: pd.Series) -> bool:
    """Whether numeric date text puts the day first (31/12/2020), decided as a person would:
    more first numbers than second ones pass 12.

    pandas reads such text month first unless told, value by value, so 05/03/2020 would become
    the 3rd of May beside a correct 31/12/2020. The values are a seeded sample spread over the
    whole column (a table sorted by date may start with days up to the 12th), and a stray value
    written the other way does not decide. Dates with no number past 12 stay ambiguous and keep
    pandas' month-first reading.
    """
    present = values.dropna()
    present = present.sample(min(len(present), DATE_ORDER_ROWS), random_state=0)
    parts = present.astype(str).str.extract(NUMERIC_DATE).dropna().astype(int)
    return bool((parts[0] > 12).sum() > (parts[1] > 12).sum())


def _is_row_number(values: pd.Series, name: str, counts: Counts | None = None) -> bool:
    """A saved DataFrame index (``unnamed`` / ``Unnamed: 0``, counting 0.. or 1..) is no feature."""
    if name != "unnamed" and not name.startswith("Unnamed:"):
        return False
    if counts is not None:  # unique whole numbers from 0 (or 1) to rows - 1 (or rows)
        return counts.low in (0, 1) and counts.high == counts.low + counts.rows - 1
    start = values.min()
    return start in (0, 1) and bool(
        (values.sort_values().to_numpy() == range(int(start), int(start) + len(values))).all()
    )


def _integral(values: pd.Series, counts: Counts | None) -> bool:
    if counts is not None and counts.integral is not None:
        return counts.integral
    present = values.dropna()
    return pd.api.types.is_integer_dtype(values) or bool((present == present.round()).all())


def column_role(values: pd.Series, n_rows: int, counts: Counts | None = None) -> str:
    """numeric, categorical, text, datetime, id or constant, judged as a person would.

    With ``counts`` (exact over the whole column), ``values`` may be a sample of its rows:
    uniqueness and whole numbers come from the counts, type and wording from the sample.
    """
    present = values.dropna()
    n_unique, n_present = (
        (counts.distinct, counts.present) if counts else (present.nunique(), len(present))
    )
    if n_unique <= 1:
        return "constant"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "datetime"
    if pd.api.types.is_bool_dtype(values):
        return "categorical"
    unique_everywhere = n_unique == n_present == n_rows
    if pd.api.types.is_numeric_dtype(values):
        name = str(values.name)
        if (
            unique_everywhere
            and _integral(values, counts)
            and (ID_NAME.search(name) or _is_row_number(values, name, counts))
        ):
            return "id"
        return "numeric"
    if isinstance(values.dtype, pd.CategoricalDtype):  # the owner's clean() says so
        return "categorical"
    if _looks_like_dates(present):
        return "datetime"
    if text_reason(present):
        return "text"
    if unique_everywhere:
        return "id"
    return "categorical"


def mean_words(text: pd.Series) -> float:
    """Words per value on average (runs of whitespace + 1), of non-missing strings."""
    return float(text.str.count(r"\s+").mean() + 1) if len(text) else 0.0


def text_reason(values: pd.Series) -> str | None:
    """Why a string column is free text (a phrase for `make data`), or None when it is not.

    Text is several words per value on average (3 or more), or values mostly distinct (over
    half) and longer than a code (12 characters on average): sentences, titles, names.
    """
    text = values.dropna().astype(str)
    if text.empty:
        return None
    words = mean_words(text)
    distinct, length = text.nunique() / len(text), float(text.str.len().mean())
    if words >= TEXT_WORDS:
        return f"{words:.1f} words per value on average"
    if distinct > TEXT_DISTINCT and length > TEXT_LENGTH:
        return f"{distinct:.0%} of values distinct, {length:.0f} characters on average"
    return None


def parse_dates(frame: pd.DataFrame, columns: list[str], dayfirst=frozenset()) -> pd.DataFrame:
    """Turn date-like text columns into datetime64 (unparseable values become missing); the
    columns in ``dayfirst`` (see :func:`day_first`) read 01/02/2020 as the 1st of February."""
    for column in columns:
        if column in frame.columns and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = pd.to_datetime(
                frame[column], errors="coerce", format="mixed", dayfirst=column in dayfirst
            )
    return frame


def describe_columns(
    train: pd.DataFrame,
    test: pd.DataFrame | None,
    target: str,
    id_column: str | None,
    counts: dict[str, Counts] | None = None,
    text_columns: frozenset[str] | set[str] = frozenset(),
) -> list[dict]:
    """One entry per train column: role, dtype, missing share, distinct values, presence in test.

    ``counts`` (exact, per column) make ``train`` a sample: the shares and distinct values
    come from the counts, the roles from both (see :func:`column_role`). ``text_columns``
    (config.yaml's data.text_columns) are text whatever the rule says.
    """
    entries = []
    for column in train.columns:
        values = train[column]
        exact = counts[column] if counts else None
        n_rows = exact.rows if exact else len(train)
        if column == target:
            role = "target"
        elif column == id_column:
            role = "id"
        elif column in text_columns:
            role = "text"
        else:
            role = column_role(values, n_rows, exact)
        missing = 1 - exact.present / max(n_rows, 1) if exact else values.isna().mean()
        entries.append(
            {
                "name": str(column),
                "role": role,
                "dtype": str(values.dtype),
                "missing": round(float(missing), 4),
                "n_unique": exact.distinct if exact else int(values.nunique()),
                "in_test": bool(test is not None and column in test.columns),
            }
        )
        if role == "datetime" and day_first(values):
            entries[-1]["dayfirst"] = True
        if role == "text":
            entries[-1]["text_because"] = (
                "named in data.text_columns" if column in text_columns else text_reason(values)
            )
            entries[-1]["words"] = round(float(mean_words(values.dropna().astype(str))), 1)
    return entries


def json_labels(y: pd.Series) -> list:
    """Sorted class labels as JSON values, spelled as in train (ints, bools or strings)."""
    labels = sorted(y.dropna().unique().tolist(), key=lambda v: (str(type(v)), v))
    return [v.item() if hasattr(v, "item") else v for v in labels]
