"""Numbers and lists in sentences, written as a person would write them: one set of rules.

Every sentence the project prints or writes (stage output, notebook prose, README, model card)
formats its numbers here, so a score reads the same in metrics.json, the notebook and the README,
and a count always agrees with its noun.
"""


def amount(value: float) -> str:
    """A quantity in the data's own units: 68,198 or 3.25 or 0.2814, never 3.49e+04.

    Scores keep four decimals everywhere (see :func:`score`); amounts such as a price, a spread
    or an error in dollars read better rounded to their size.
    """
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if size >= 1 else f"{value:.4f}"


def score(value: float) -> str:
    """A metric value: four decimals everywhere, so the README matches metrics.json."""
    return f"{value:.4f}"


def percent(share: float) -> str:
    """A share as a percentage with one decimal: ``0.199 -> '19.9 %'``."""
    return f"{100 * share:.1f} %"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """A count with the right noun: ``count(1, 'row') -> '1 row'``, ``1200 -> '1,200 rows'``."""
    word = noun if number == 1 else (plural or noun + "s")
    return f"{number:,} {word}"


def row_count(number: int) -> str:
    """``count(number, 'row')``: the count sentences use most."""
    return count(number, "row")


def names(items: list, *, quote: str = "", most: int = 5) -> str:
    """Names as a sentence lists them: ``a``, ``a and b``, ``a, b, c and 3 more``.

    ``quote`` wraps each name (a backtick for markdown code); at most ``most`` are spelled out.
    """
    shown = [f"{quote}{item}{quote}" for item in items[:most]]
    if not shown:
        return ""
    if len(items) > most:
        return ", ".join(shown) + f" and {len(items) - most} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def size(number_of_bytes: int) -> str:
    """A file size in decimal units: ``512 B``, ``61.2 kB``, ``1.4 GB``."""
    value, units = float(number_of_bytes), ["B", "kB", "MB", "GB", "TB"]
    while value >= 1000 and len(units) > 1:
        value /= 1000
        units.pop(0)
    return f"{number_of_bytes} B" if units[0] == "B" else f"{value:.1f} {units[0]}"
