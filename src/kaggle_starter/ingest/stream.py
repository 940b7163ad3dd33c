"""Tables larger than memory: a CSV streamed into typed, downcast Parquet, counted and sampled.

Reading a CSV with pandas costs about eleven times the file (9.8 million rows, 1 GB: 11 GB in
`make data`), so a CSV from :data:`STREAM_BYTES` on takes another road, in bounded memory:

1. Polars' streaming engine (``scan_csv`` -> ``sink_parquet``) writes the file to Parquet with
   the column types it infers from the first :data:`INFER_ROWS` rows; when a later value does
   not fit them, it reads again inferring from every row. Polars, not DuckDB, by measurement on
   this project's two cores (1 GB, 10 million rows x 15 columns): 16 s at 0.4 GB against
   DuckDB's 29 s at 0.5 GB, and 94 s at 1.4 GB against 52 s at 1.2 GB with whole-file inference
   (the rare retry). Files that are not plain UTF-8, and zipped ones, are first decoded into a
   UTF-8 copy chunk by chunk. The same missing-value spellings as pandas count as missing,
   string values are stripped, and a malformed line is one sentence naming the file and line.
2. Exact counts, one column at a time (rows, missing, distinct, range, whole numbers): what
   roles, shares and downcasting need, at the memory of one column.
3. A seeded sample of rows (:func:`sample_rows`, :data:`SAMPLE_CELLS` cells) for what a sample
   tells well: a column's type and wording, date order, and the data-quality audit.
4. The typed table, streamed again: rows without a target dropped, dates parsed batch by batch
   by the in-memory road's own rules (pandas), integers in the narrowest type that holds them,
   floats in 32 bits where that loses nothing. The values are those the in-memory road gives.
"""

import codecs
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from pandas._libs.parsers import STR_NA_VALUES  # what pandas reads as missing

from ..errors import ProjectError
from ..text import count
from .detect import Counts, parse_dates
from .tables import CHUNK, csv_suffix, malformed, open_binary, sniff, zipped_member

STREAM_BYTES = 256 * 1024**2  # CSVs this large or larger are streamed (about 3 GB in pandas)
INFER_ROWS = 10_000  # rows the column types are inferred from before the whole file is tried
BATCH_ROWS = 250_000  # rows per Parquet row group and per typed batch
SAMPLE_CELLS = 10_000_000  # a sample of rows holds about this many values (15 columns: 666,666)
PROGRESS_SECONDS = 10
SEED = 0  # the sample the column roles are judged on (the audit's follows the project's cv_seed)
NA_VALUES = sorted(STR_NA_VALUES)
INTEGERS = ("int8", "int16", "int32", "int64")
POLARS = {"int8": pl.Int8, "int16": pl.Int16, "int32": pl.Int32, "int64": pl.Int64}
POLARS |= {"float32": pl.Float32, "float64": pl.Float64}
FLOAT32_EXACT = 2**24  # integers up to this size are exact in 32-bit floats


def csv_bytes(path: Path) -> int:
    """The size of a CSV as text (a zipped one's uncompressed size); 0 for other tables."""
    name = path.name.lower()
    if name.endswith(".zip"):
        member = zipped_member(path)
        if member is None:
            return 0
        with zipfile.ZipFile(path) as archive:
            return archive.getinfo(member).file_size
    return path.stat().st_size if name.endswith((".csv", ".tsv")) else 0


def streams(path: Path, limit: int | None = None) -> bool:
    """Whether a table goes the streaming road: a CSV of ``limit`` bytes (STREAM_BYTES) or more."""
    return csv_bytes(path) >= (STREAM_BYTES if limit is None else limit)


def sample_size(columns: int, rows: int) -> int:
    """Rows in a sample of about SAMPLE_CELLS values (all rows of a smaller table)."""
    return min(rows, max(10_000, SAMPLE_CELLS // max(columns, 1)))


@contextmanager
def _progress(label: str, grows: Path | None = None) -> Iterator[dict]:
    """Print a line every PROGRESS_SECONDS while the block runs; ``state['done']`` says how far."""
    stop, started, state = threading.Event(), time.monotonic(), {"done": ""}

    def report() -> None:
        while not stop.wait(PROGRESS_SECONDS):
            done = state["done"]
            if grows is not None and grows.exists():
                done = f"{grows.stat().st_size / 1e6:,.0f} MB of Parquet written"
            elapsed = time.monotonic() - started
            print(f"  {label}: {elapsed:.0f} s" + (f", {done}" if done else ""), flush=True)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        thread.join()


@contextmanager
def _utf8(source: Path, encoding: str, work: Path) -> Iterator[Path]:
    """The CSV itself when it is plain UTF-8 on disk, else a UTF-8 copy decoded chunk by chunk."""
    with open_binary(source) as handle:
        bom = handle.read(3) == codecs.BOM_UTF8
    if encoding == "utf-8-sig" and not bom and not source.name.lower().endswith(".zip"):
        yield source
        return
    copy = work / f"{source.name}.utf8.csv"
    with open_binary(source) as raw, copy.open("w", encoding="utf-8", newline="") as out:
        reader = codecs.getreader(encoding)(raw)
        while text := reader.read(CHUNK):
            out.write(text)
    try:
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def _sink(source: Path, dest: Path, delimiter: str, names: list[str], infer: int | None) -> None:
    frame = pl.scan_csv(
        source,
        separator=delimiter,
        new_columns=names,
        null_values=NA_VALUES,
        infer_schema_length=infer,
        raise_if_empty=False,
    )
    frame.with_columns(pl.col(pl.String).str.strip_chars()).sink_parquet(
        dest, row_group_size=BATCH_ROWS
    )


def to_parquet(source: Path, dest: Path, work: Path) -> int:
    """Stream one CSV (plain or zipped, any encoding) into Parquet; returns its row count."""
    encoding, delimiter, names = sniff(source, csv_suffix(source))
    label = f"reading {source.name} ({csv_bytes(source) / 1e6:,.0f} MB)"
    print(f"{label[0].upper()}{label[1:]} into Parquet, streamed ...", flush=True)
    started = time.monotonic()
    with _progress(label, dest), _utf8(source, encoding, work) as plain:
        try:
            _sink(plain, dest, delimiter, names, INFER_ROWS)
        except pl.exceptions.ComputeError:
            print(f"  {source.name}: types change after row {INFER_ROWS:,}; reading again.")
            try:
                _sink(plain, dest, delimiter, names, None)
            except pl.exceptions.ComputeError as exc:
                message = malformed(plain, "utf-8", delimiter, len(names), exc, source.name)
                raise ProjectError(message) from exc
    rows = pq.ParquetFile(dest).metadata.num_rows
    if not rows:
        raise ProjectError(
            f"{source.name} has a header but no rows: fetch the data again (make data FORCE=1) "
            "or check the source."
        )
    print(f"  {source.name}: {count(rows, 'row')} in {time.monotonic() - started:.0f} s.")
    return rows


def read_columns(path: Path, columns: list[str]) -> pd.DataFrame:
    """Whole columns of a Parquet table (a few at a time keeps memory bounded)."""
    return pq.read_table(path, columns=columns).to_pandas()


def sample_rows(path: Path, rows: int, seed: int) -> pd.DataFrame:
    """A seeded sample of ``rows`` rows in file order, read one row group at a time."""
    source = pq.ParquetFile(path)
    total = source.metadata.num_rows
    if rows >= total:
        return source.read().to_pandas()
    chosen = np.sort(np.random.default_rng(seed).choice(total, rows, replace=False))
    parts, start = [], 0
    for group in range(source.num_row_groups):
        size = source.metadata.row_group(group).num_rows
        low, high = np.searchsorted(chosen, [start, start + size])
        if high > low:
            parts.append(source.read_row_group(group).take(pa.array(chosen[low:high] - start)))
        start += size
    return pa.concat_tables(parts).to_pandas()


def _narrow(dtype: pl.DataType, stats: dict, rows: int) -> str | None:
    """The narrowest pandas dtype that holds a numeric column exactly, or None to keep it."""
    if stats["low"] is None:
        return None
    if dtype.is_integer():
        if stats["present"] < rows:  # pandas reads integers with gaps as floats
            wide = max(abs(stats["low"]), abs(stats["high"])) > FLOAT32_EXACT
            return "float64" if wide else "float32"
        return next(
            t
            for t in INTEGERS
            if np.iinfo(t).min <= stats["low"] and stats["high"] <= np.iinfo(t).max
        )
    return "float32" if stats["float32"] else "float64"


def _column_stats(frame: pl.LazyFrame, name: str, dtype: pl.DataType) -> dict:
    column = pl.col(name)
    exprs = [column.drop_nulls().n_unique().alias("distinct"), column.count().alias("present")]
    if dtype.is_numeric():
        wide = column.cast(pl.Float64)
        exprs += [
            wide.min().alias("low"),
            wide.max().alias("high"),
            (wide == wide.round()).all().alias("integral"),
            (wide.cast(pl.Float32).cast(pl.Float64) == wide).all().alias("float32"),
        ]
    stats = frame.select(exprs).collect(engine="streaming").row(0, named=True)
    return {"low": None, "high": None, "integral": None, **stats}


def count_columns(path: Path, keep: str | None = None) -> tuple[dict[str, Counts], dict[str, str]]:
    """Exact counts of every column (over rows where ``keep`` has a value), one column at a
    time, and the narrow dtype each numeric column can take without changing a value."""
    frame = pl.scan_parquet(path)
    if keep is not None:
        frame = frame.filter(pl.col(keep).is_not_null())
    rows = frame.select(pl.len()).collect(engine="streaming").item()
    counts, narrow = {}, {}
    schema = frame.collect_schema()
    with _progress(f"counting {path.stem}'s {len(schema)} columns") as state:
        for number, (name, dtype) in enumerate(schema.items(), 1):
            stats = _column_stats(frame, name, dtype)
            fields = ("present", "distinct", "low", "high", "integral")
            counts[name] = Counts(rows, **{k: stats[k] for k in fields})
            if (small := _narrow(dtype, stats, rows)) is not None:
                narrow[name] = small
            state["done"] = f"{number} of {len(schema)} columns"
    return counts, narrow


def _parsed_dates(dayfirst: bool):
    """A batch function parsing a text column as the in-memory road does (``parse_dates``)."""

    def parse(values: pl.Series) -> pl.Series:
        frame = values.to_frame().to_pandas()
        days = {values.name} if dayfirst else frozenset()
        return pl.from_pandas(parse_dates(frame, [values.name], days)[values.name])

    return parse


def write_typed(
    staged: Path,
    dest: Path,
    *,
    narrow: dict[str, str],
    dates: list[str],
    dayfirst=frozenset(),
    keep: str | None = None,
) -> int:
    """Write the typed table (see the module's step 4), streamed; returns its row count."""
    frame = pl.scan_parquet(staged)
    if keep is not None:
        frame = frame.filter(pl.col(keep).is_not_null())
    present = frame.collect_schema()
    typed = [pl.col(name).cast(POLARS[dtype]) for name, dtype in narrow.items()]
    typed += [
        pl.col(name).map_batches(
            _parsed_dates(name in dayfirst), return_dtype=pl.Datetime("ns"), is_elementwise=True
        )
        for name in dates
        if name in present
    ]
    with _progress(f"typing {dest.stem}", dest):
        frame.with_columns(typed).sink_parquet(dest, row_group_size=BATCH_ROWS)
    return pq.read_metadata(dest).num_rows


def pandas_dtypes(path: Path, counts: dict[str, Counts]) -> dict[str, str]:
    """The dtype pandas gives each column of a typed Parquet table (as schema.json records it)."""
    empty = pq.read_schema(path).empty_table().to_pandas()
    dtypes = {name: str(dtype) for name, dtype in empty.dtypes.items()}
    for name, dtype in dtypes.items():  # a boolean column with gaps comes back as objects
        exact = counts.get(name)
        if dtype == "bool" and exact is not None and exact.present < exact.rows:
            dtypes[name] = "object"
    return dtypes


def audit_sample(path: Path, seed: int) -> tuple[pd.DataFrame, int]:
    """A typed table for the data-quality audit: all of it up to SAMPLE_CELLS values, else a
    seeded sample of its rows; returns the frame and the table's row count."""
    total = pq.read_metadata(path).num_rows
    rows = sample_size(len(pq.read_schema(path)), total)
    return sample_rows(path, rows, seed), total
