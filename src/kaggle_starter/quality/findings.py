"""What the audit reports: one finding per problem, in a form a person and a JSON file can read.

A finding names the columns and the counts, says in one or two sentences what is wrong and why
it matters, and proposes code for the user's ``clean(frame)``. The fix is plain statements on a
DataFrame named ``frame`` with names and values written by ``repr()``, so a column called
``it's`` or a level with quotes still pastes as valid Python. When no code in ``clean()`` can
help (rows cannot be dropped there: it also runs on test rows), ``fix`` is None and the message
says what to do instead. A finding that reveals a feature (a rule that holds, a total of parts)
also carries ``feature``: statements for the user's ``add_features(frame)``, written the same way.
"""

from dataclasses import asdict, dataclass

import numpy as np

SEVERITIES = ("high", "medium", "low")
NAMES_SHOWN = 6  # columns named in a sentence before "and N more"


@dataclass(frozen=True)
class Finding:
    """One data-quality problem: where, how much, and the fix for ``clean()`` (or why none)."""

    check: str
    title: str
    columns: list[str]
    counts: dict[str, int | float]
    message: str
    fix: str | None
    severity: str
    feature: str | None = None

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        # numpy scalars are not JSON serialisable; the report writes to_dict() with json.dump
        object.__setattr__(self, "columns", [str(c) for c in self.columns])
        object.__setattr__(self, "counts", {str(k): _plain(v) for k, v in self.counts.items()})

    def to_dict(self) -> dict:
        """The finding as JSON-ready builtins, keys in field order."""
        return asdict(self)


def _plain(value) -> int | float:
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, int | np.integer):
        return int(value)
    return round(float(value), 4)


def count(value: float) -> str:
    """A whole number with thousands separators: 1,453."""
    return f"{int(value):,}"


def number(value: float) -> str:
    """A value from the data, rounded to its size: 215,245 or 3.25 or 0.0123."""
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if size >= 1 else f"{value:.3g}"


def percent(share: float) -> str:
    """A share as a percentage with one decimal, never 0.0% for a share above zero."""
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{100 * share:.1f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 row', '12 rows'."""
    return f"{count(n)} {word if n == 1 else (many or word + 's')}"


def names(columns: list[str], shown: int = NAMES_SHOWN) -> str:
    """Column names for a sentence: 'a', 'a and b', 'a, b, c and 4 more'."""
    columns = [str(c) for c in columns]
    if len(columns) <= 1:
        return "".join(columns)
    if len(columns) <= shown:
        return ", ".join(columns[:-1]) + " and " + columns[-1]
    return ", ".join(columns[:shown]) + f" and {len(columns) - shown} more"
