"""The monitoring report: an offline HTML page with one figure per feature worth looking at.

Figures are drawn from the result of :func:`statistics.compare` alone (its per-bin shares), so
the JSON and the page can never disagree. They are PNG files beside the other report figures,
linked by relative paths: the page opens offline and the README can show the same files. The
page is a Jinja template (``report.html``, autoescaped, since column names and categories come
from the data) rather than HTML assembled in Python.
"""

import os
import re
from importlib import resources
from pathlib import Path

import jinja2
import numpy as np

from ..files import replacing, write_text
from ..plots import plt

MAX_FIGURES = 12  # drifted features first, then the largest PSI: a page a person reads
SIZE = (8, 4.5)
DPI = 110
COLOURS = {"train": "#4C72B0", "served": "#DD8452"}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "column"


def _figure(entry: dict, title: str):
    bins = entry["distribution"]["bins"]
    shown = [
        i
        for i, _ in enumerate(bins)
        if entry["distribution"]["train"][i] or entry["distribution"]["served"][i]
    ]
    labels = [bins[i] if len(bins[i]) <= 18 else bins[i][:17] + "…" for i in shown]
    positions = np.arange(len(shown))
    fig, ax = plt.subplots(figsize=SIZE)
    for offset, side in ((-0.2, "train"), (0.2, "served")):
        shares = [entry["distribution"][side][i] for i in shown]
        ax.bar(positions + offset, shares, width=0.4, label=side, color=COLOURS[side])
    ax.set_xticks(positions, labels, rotation=30 if len(shown) > 6 else 0, ha="right")
    ax.set_ylabel("share of rows")
    ax.set_title(title)
    ax.legend()
    return fig


def _chosen(result: dict) -> list[dict]:
    ranked = sorted(result["features"], key=lambda f: (not f["drifted"], -(f["psi"] or 0)))
    return ranked[:MAX_FIGURES]


def _title(entry: dict) -> str:
    verdict = "drifted: " + "; ".join(entry["reasons"]) if entry["drifted"] else "stable"
    return f"{entry['name']} (PSI {entry['psi']:.2f}, {verdict})"


def write_figures(result: dict, figures_dir: Path) -> list[tuple[Path, str]]:
    """PNG per chosen feature (and the predictions); returns (path, caption) pairs."""
    figures_dir.mkdir(parents=True, exist_ok=True)
    entries = [(f"monitoring-{i:02d}-{_slug(f['name'])}", f) for i, f in enumerate(_chosen(result))]
    if result.get("predictions"):
        entries.append(("monitoring-predictions", result["predictions"]))
    written = []
    for stem, entry in entries:
        caption = _title(entry)
        fig = _figure(entry, caption)
        path = figures_dir / f"{stem}.png"
        with replacing(path) as tmp:
            fig.savefig(tmp, format="png", dpi=DPI, bbox_inches="tight")
        plt.close(fig)
        written.append((path, caption))
    return written


def write_report(result: dict, html_path: Path, figures_dir: Path) -> list[Path]:
    """Write the figures and the offline HTML page; returns the figure paths."""
    html_path, figures_dir = Path(html_path), Path(figures_dir)
    figures = write_figures(result, figures_dir)
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(
        resources.files(__package__).joinpath("report.html").read_text(encoding="utf-8")
    )
    html_path.parent.mkdir(parents=True, exist_ok=True)
    links = [
        {"src": Path(os.path.relpath(path, html_path.parent)).as_posix(), "alt": caption}
        for path, caption in figures
    ]
    write_text(html_path, template.render(result=result, figures=links, alarm=result["alarm"]))
    return [path for path, _ in figures]
