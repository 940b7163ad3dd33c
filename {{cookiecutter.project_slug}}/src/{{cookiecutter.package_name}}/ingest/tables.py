"""Read a Kaggle table the way a careful person would: whatever its encoding, delimiter or wrapper.

CSV files arrive in UTF-8, UTF-8 with a byte-order mark or Latin-1, separated by commas,
semicolons, tabs or pipes, sometimes zipped; Parquet files are read as they are. Column names are
stripped of stray spaces and made unique; string values are stripped too. Anything that is not a
table becomes one clear sentence instead of a parser's traceback.
"""

import csv
import io
import warnings
import zipfile
from pathlib import Path

import pandas as pd

from ..errors import ProjectError

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".zip")
ENCODINGS = ("utf-8-sig", "latin-1")
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024


def is_table(path: Path) -> bool:
    """True for files this module can read as one table (a zip must hold exactly one CSV)."""
    name = path.name.lower()
    if name.endswith(".zip"):
        return _zipped_member(path) is not None
    return name.endswith(TABLE_SUFFIXES)


def _zipped_member(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith((".csv", ".tsv"))]
    except zipfile.BadZipFile:
        return None
    return members[0] if len(members) == 1 else None


def _raw_bytes(path: Path) -> bytes:
    if path.name.lower().endswith(".zip"):
        member = _zipped_member(path)
        if member is None:
            raise ProjectError(
                f"{path.name} is not a zip holding exactly one CSV file: unzip it into the data "
                "folder or point data.ref at the CSV itself."
            )
        with zipfile.ZipFile(path) as archive:
            return archive.read(member)
    return path.read_bytes()


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ProjectError(
            f"{name} is not a text table (it holds binary data): export it as CSV or Parquet "
            "and fetch the data again."
        )
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def unique_names(names: list[str], source: str) -> list[str]:
    """Strip names and rename duplicates ``x``, ``x_2``, ..., warning about each renamed one."""
    seen: dict[str, int] = {}
    result = []
    for raw in names:
        name = str(raw).strip() or "unnamed"
        if name in seen:
            seen[name] += 1
            new = f"{name}_{seen[name]}"
            warnings.warn(
                f"{source}: column {name!r} appears more than once; renamed a copy to {new!r}.",
                stacklevel=2,
            )
            name = new
        seen.setdefault(name, 1)
        result.append(name)
    return result


def _strip_strings(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_string_dtype(values) or pd.api.types.is_object_dtype(values):
            frame[column] = values.str.strip() if values.map(type).eq(str).any() else values
    return frame


def read_csv_text(text: str, name: str, suffix: str = ".csv") -> pd.DataFrame:
    """Parse decoded CSV text: delimiter sniffed, header checked, names made unique."""
    if not text.strip():
        raise ProjectError(f"{name} is empty: fetch the data again (make data FORCE=1).")
    delimiter = _delimiter(text[:SNIFF_BYTES], suffix)
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = unique_names(header, name)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=0,
            names=names,
            skipinitialspace=True,
            low_memory=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ProjectError(
            f"{name} could not be read as a table ({exc}): check that it is a "
            f"{'tab' if delimiter == chr(9) else repr(delimiter)}-separated file with one "
            "header line."
        ) from exc
    if frame.empty:
        raise ProjectError(
            f"{name} has a header but no rows: fetch the data again (make data FORCE=1) or "
            "check the source."
        )
    return _strip_strings(frame)


def _read_csv_fast(path: Path) -> pd.DataFrame | None:
    """The pyarrow engine for plain UTF-8, comma-separated files with unique names, else None."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip() or b"\x00" in head or head.startswith(b"\xef\xbb\xbf"):
        return None
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut by the sample's end
            return None
        sample = head[: exc.start].decode("utf-8")
    first = next(csv.reader(io.StringIO(sample)), [])
    if _delimiter(sample, path.suffix) != "," or len({n.strip() for n in first}) != len(first):
        return None  # the careful reader renames duplicates, with a warning
    names = unique_names(first, path.name)
    try:
        frame = pd.read_csv(path, engine="pyarrow")
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError, OSError):
        return None
    if frame.empty:
        return None
    frame.columns = names
    return _strip_strings(frame)


def read_table(path: Path) -> pd.DataFrame:
    """Read one table file into a DataFrame, or raise a one-sentence :class:`ProjectError`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises many types for a damaged file
            raise ProjectError(
                f"{path.name} is not a readable Parquet file ({type(exc).__name__}): fetch the "
                "data again (make data FORCE=1)."
            ) from exc
        frame.columns = unique_names(list(frame.columns), path.name)
        return _strip_strings(frame)
    if suffix in (".csv", ".tsv"):
        fast = _read_csv_fast(path)
        if fast is not None:
            return fast
    text, _ = _decode(_raw_bytes(path), path.name)
    inner = ".tsv" if path.name.lower().endswith(".tsv.zip") else suffix
    return read_csv_text(text, path.name, inner)
