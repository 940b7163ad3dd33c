"""How every figure is drawn and saved: headless, with text taken as written.

The stages run without a display, so the Agg backend is chosen here, before pyplot is imported
anywhere else. Titles, labels and ticks carry column names, category levels and served values,
which may contain ``$``: matplotlib would read ``$...$`` as TeX and raise on what does not parse,
so mathtext is off for all text (no figure of the engine uses it). Modules that draw import
``plt`` from here, so the settings always apply first.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

DPI = 130

__all__ = ["DPI", "plt", "save"]


def save(figure, path: Path, dpi: int = DPI) -> None:
    """Write ``figure`` as a PNG at ``path`` and close it, so a long run never accumulates open
    figures."""
    figure.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(figure)
