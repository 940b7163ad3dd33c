"""Read a Kaggle table the way a careful person would: whatever its encoding, delimiter or wrapper.

CSV files arrive in UTF-8 (with or without a byte-order mark), Windows-1252, Latin-1 or UTF-16,
separated by commas, semicolons, tabs or pipes, sometimes zipped; Parquet files are read as they
are. Column names are stripped of stray spaces and made unique; string values are stripped too.
Anything that is not a table becomes one clear sentence instead of a parser's traceback.

Files are streamed, never held whole in memory: the encoding is found by decoding chunk by chunk,
and pandas parses straight from the file (or the zip member), so a 100 MB CSV costs the frame and
little else (it used to be read, decoded and copied into two string buffers, about 6x the file).
"""

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ..errors import ProjectError

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".zip")
# Tried in order: UTF-8 is strict (random non-UTF-8 bytes almost never decode), Windows-1252
# leaves five bytes undefined, and Latin-1 decodes anything, so it is the last resort. Trying
# Latin-1 before Windows-1252 would read its smart quotes and euro signs as control characters.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
GUESSED = {"cp1252": "Windows-1252 (cp1252)", "latin-1": "Latin-1"}  # UTF-16 has its BOM
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DELIMITERS = ",;\t|"
SNIFF_BYTES = 64 * 1024
MAX_HEADER_BYTES = 16 * 1024**2  # a first line longer than this is not a header
CHUNK = 1 << 20


def is_table(path: Path) -> bool:
    """True for files this module can read as one table (a zip must hold exactly one CSV)."""
    name = path.name.lower()
    if name.endswith(".zip"):
        return zipped_member(path) is not None
    return name.endswith(TABLE_SUFFIXES)


def zipped_member(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith((".csv", ".tsv"))]
    except zipfile.BadZipFile:
        return None
    return members[0] if len(members) == 1 else None


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    """The file, or the one CSV inside a zip, as a binary stream (nothing read ahead)."""
    if not path.name.lower().endswith(".zip"):
        with path.open("rb") as handle:
            yield handle
        return
    member = zipped_member(path)
    if member is None:
        raise ProjectError(
            f"{path.name} is not a zip holding exactly one CSV file: unzip it into the data "
            "folder or point data.ref at the CSV itself."
        )
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        yield handle


def _head(handle: BinaryIO) -> bytes:
    """The first 64 KiB, extended to the end of the first line so a wide header is whole."""
    head = handle.read(SNIFF_BYTES)
    while b"\n" not in head and len(head) < MAX_HEADER_BYTES:
        more = handle.read(SNIFF_BYTES)
        if not more:
            break
        head += more
    return head


def _decodes(path: Path, encoding: str) -> bool:
    """True when the whole file decodes in ``encoding``, checked chunk by chunk."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with open_binary(path) as handle:
        try:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _encoding(path: Path, head: bytes) -> str:
    """The file's encoding; a WARNING says which when it had to be guessed (not UTF-8)."""
    if head.startswith(UTF16_BOMS):
        encoding = "utf-16"
    elif b"\x00" in head:
        raise ProjectError(
            f"{path.name} is not a text table (it holds binary data): export it as CSV or "
            "Parquet and fetch the data again."
        )
    else:
        encoding = next(e for e in ENCODINGS if e == ENCODINGS[-1] or _decodes(path, e))
    if encoding in GUESSED:
        warnings.warn(
            f"{path.name} is not UTF-8; read it as {GUESSED[encoding]}. Check a few "
            "accented values in the EDA report, and save the file as UTF-8 to be sure.",
            stacklevel=3,
        )
    return encoding


def _sample(head: bytes, encoding: str) -> str:
    """The head as text, without a character cut in half at its end."""
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)


def _delimiter(sample: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    if "\n" in sample.rstrip("\r\n"):  # sniff whole lines: a cut last line looks inconsistent
        sample = sample[: sample.rstrip("\r\n").rindex("\n") + 1]
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


def sniff(path: Path, suffix: str) -> tuple[str, str, list[str]]:
    """Encoding, delimiter and (unique) column names of a CSV, from its head."""
    name = path.name
    with open_binary(path) as handle:
        head = _head(handle)
    if not head.strip():
        raise ProjectError(f"{name} is empty: fetch the data again (make data FORCE=1).")
    encoding = _encoding(path, head)
    sample = _sample(head, encoding).lstrip("\ufeff")
    if not sample.strip():
        raise ProjectError(f"{name} is empty: fetch the data again (make data FORCE=1).")
    delimiter = _delimiter(sample, suffix)
    names = unique_names(next(csv.reader(io.StringIO(sample), delimiter=delimiter)), name)
    return encoding, delimiter, names


def malformed(
    path: Path, encoding: str, delimiter: str, width: int, exc: Exception, name: str = ""
) -> str:
    """One sentence naming the first line with more fields than the header (read again with
    the csv module, slowly: only after a parser gave up); ``name`` is the file as the owner
    knows it when ``path`` is a decoded copy."""
    where, what = None, str(exc).strip().splitlines()[0]
    with open_binary(path) as raw, io.TextIOWrapper(raw, encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for fields in reader:
                if len(fields) > width:
                    where = reader.line_num
                    what = f"it has {len(fields)} fields where the header has {width}"
                    break
        except csv.Error as error:
            where, what = reader.line_num, str(error)
    line = f" at line {where:,}" if where else ""
    return (
        f"{name or path.name} could not be read as a table{line} ({what}): fix or remove that "
        f"line, or check that it is a {'tab' if delimiter == chr(9) else repr(delimiter)}-"
        "separated file with one header line."
    )


def csv_suffix(path: Path) -> str:
    """``.tsv`` for a tab-separated file (zipped or not), else the file's own suffix."""
    return ".tsv" if path.name.lower().endswith(".tsv.zip") else path.suffix.lower()


def _read_careful(path: Path, suffix: str) -> pd.DataFrame:
    """Sniff encoding, delimiter and header from the head, then let pandas stream the file."""
    name = path.name
    encoding, delimiter, names = sniff(path, suffix)
    try:
        with open_binary(path) as handle:
            frame = pd.read_csv(
                handle,
                encoding=encoding,
                sep=delimiter,
                header=0,
                names=names,
                skipinitialspace=True,
                low_memory=False,
            )
    except (pd.errors.ParserError, ValueError) as exc:
        raise ProjectError(malformed(path, encoding, delimiter, len(names), exc)) from exc
    if frame.empty:
        raise ProjectError(
            f"{name} has a header but no rows: fetch the data again (make data FORCE=1) or "
            "check the source."
        )
    return _strip_strings(frame)


def _read_csv_fast(path: Path) -> pd.DataFrame | None:
    """The pyarrow engine for plain UTF-8, comma-separated files with unique names, else None."""
    with path.open("rb") as handle:
        head = _head(handle)
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
    if frame.empty or len(frame.columns) != len(names):
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
    return _read_careful(path, csv_suffix(path))
