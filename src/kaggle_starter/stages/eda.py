"""Stage `eda`: write the EDA notebook for this dataset, execute it, export it, record eda.json.

The numbers come from :mod:`..eda.summary` (computed once) and the data-quality findings from
``reports/data_quality.json`` (written by `make data`), the notebook's sections from
:mod:`..eda.notebook`, execution and HTML export from :mod:`..notebooks`.
"""

import time
from pathlib import Path

from ..artifacts import load_quality, load_schema, load_test, load_train
from ..cleanup import recorded_figures
from ..config import Config
from ..eda.notebook import build
from ..eda.summary import eda_json, summarise
from ..files import write_json
from ..notebooks import destination, execute, export_html, mark_generated, put_in_place


def run(cfg: Config, *, force: bool = False) -> None:
    """Build the notebook for this dataset, execute it, write eda.json, and export HTML last.

    ``reports/eda.html`` is make's target for this stage, so it is written after the notebook and
    eda.json: an interrupted run leaves it stale and make runs the stage again. A notebook the
    user has edited is never overwritten (``force`` does): the fresh one is written beside it.
    """
    started = time.perf_counter()
    layout = cfg.layout
    schema, train, test = load_schema(cfg), load_train(cfg), load_test(cfg)
    quality = load_quality(cfg)  # the audit `make data` ran
    tested = f" and {len(test):,} test rows" if test is not None else ""
    print(f"Summarising {len(train):,} train rows{tested} ...", flush=True)
    summary = summarise(schema, train, test, cfg.metric, cfg.cv_seed)
    summary["quality"] = quality  # for the prose (findings, next steps) and the notebook
    notebook = build(cfg, schema, summary)
    mark_generated(notebook)
    before = _figure_times(layout.figures)
    path = destination(layout.eda_notebook)
    execute(notebook, path, root=cfg.root)
    if force and path != layout.eda_notebook:  # FORCE=1: the fresh notebook in place of yours
        kept = put_in_place(path, layout.eda_notebook)
        path = layout.eda_notebook
        print(f"{path.name} had your edits: moved to {kept.name}, the fresh one is in its place.")
    figures = _drawn_since(layout.figures, before, cfg.root)
    for stale in set(recorded_figures(layout.eda_summary)) - set(figures):
        (cfg.root / stale).unlink(missing_ok=True)  # the last run's, not redrawn this time
    write_json(layout.eda_summary, eda_json(summary, figures), default=str)
    export_html(notebook, layout.eda_report)
    if path != layout.eda_notebook:
        print(
            f"{layout.eda_notebook.relative_to(cfg.root)} has your edits, so it was kept: the "
            f"fresh notebook is {path.relative_to(cfg.root)} (FORCE=1 puts it in place and "
            "moves yours to *.edited.ipynb)."
        )
    print(
        f"Wrote {path.relative_to(cfg.root)}, "
        f"{layout.eda_report.relative_to(cfg.root)} and "
        f"{layout.eda_summary.relative_to(cfg.root)} in {time.perf_counter() - started:.1f} s."
    )


def _figure_times(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.glob("eda-*.png")}


def _drawn_since(folder: Path, before: dict[Path, int], root: Path) -> list[str]:
    """The notebook's figures: eda-*.png files new or rewritten by this run. A figure of the
    owner's with a similar name, untouched by the run, is neither listed nor removed."""
    drawn = [p for p, t in _figure_times(folder).items() if before.get(p) != t]
    return sorted(p.relative_to(root).as_posix() for p in drawn)
