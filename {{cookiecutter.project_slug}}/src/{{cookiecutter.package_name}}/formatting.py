"""Numbers in sentences, written as a person would write them."""


def amount(value: float) -> str:
    """A quantity in the data's own units: 68,198 or 3.25 or 0.2814, never 3.49e+04.

    Scores keep four decimals everywhere (so the README matches metrics.json); amounts such as a
    price, a spread or an error in dollars read better rounded to their size.
    """
    size = abs(value)
    if size >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if size >= 1 else f"{value:.4f}"
