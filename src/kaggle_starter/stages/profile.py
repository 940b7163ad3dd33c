"""Stage `profile`: a fg-data-profiling report of train, and of train against test.

fg-data-profiling is the maintained successor of ydata-profiling (same API, imported as
``data_profiling``). The settings come from the table's size (:mod:`..eda.profiling`), and the
report says which were used. Reports are self-contained HTML (styles and scripts inlined), so they
open with no network; the library's usage analytics are switched off by the CLI.
"""

import copy
import html
import re
import time

import pandas as pd

from ..artifacts import load_schema, load_test, load_train
from ..config import Config
from ..eda.profiling import choose_plan, columns_for, rows_for
from ..files import write_text
from ..schema import feature_columns

# How fg-data-profiling refuses to compare a column whose kind differs between the two tables.
INCOMPATIBLE = re.compile(r"Types for (.+) are not compatible")


def run(cfg: Config, *, force: bool = False) -> None:
    """Profile train (and train against test when there is a test table).

    ``force`` is accepted for the uniform command line; make decides when this stage is stale,
    so it always rewrites its reports.
    """
    from data_profiling import ProfileReport

    schema, train, test = load_schema(cfg), load_train(cfg), load_test(cfg)
    numeric = len(feature_columns(schema)["numeric"])
    plan = choose_plan(len(train), train.shape[1], numeric, cfg.profile_mode)
    print(plan.describe(), flush=True)
    common = {
        "html": {"use_local_assets": True, "inline": True},  # no CDN: readable offline
        "progress_bar": True,
        **plan.settings(),
        **({} if cfg.profile_samples else _no_rows()),
    }
    started = time.perf_counter()
    dataset = _dataset(cfg, schema, plan)
    keep = (schema.get("target"), schema.get("id"))
    train = columns_for(train, plan, cfg.cv_seed, keep)
    report = ProfileReport(
        _escaped(rows_for(train, plan, cfg.cv_seed)),
        title=f"{cfg.name}: training data profile",
        dataset=dataset,
        **common,
    )
    write_text(cfg.layout.profile_report, report.to_html())
    print(
        f"Wrote {cfg.layout.profile_report.relative_to(cfg.root)} "
        f"in {time.perf_counter() - started:.1f} s."
    )
    if test is None:
        cfg.layout.profile_comparison.unlink(missing_ok=True)
        return
    started = time.perf_counter()
    html_text, left_out = _comparison(
        rows_for(train, plan, cfg.cv_seed), rows_for(test, plan, cfg.cv_seed), common, dataset
    )
    write_text(cfg.layout.profile_comparison, html_text)
    skipped = f" (left out, empty or of another kind in one file: {', '.join(left_out)})"
    print(
        f"Wrote {cfg.layout.profile_comparison.relative_to(cfg.root)} "
        f"in {time.perf_counter() - started:.1f} s{skipped if left_out else ''}."
    )


def _comparison(train: pd.DataFrame, test: pd.DataFrame, common: dict, dataset: dict):
    """(HTML of train against test, the shared columns it leaves out).

    Both sides on the columns they share (the library compares only identical column sets),
    with minimal settings: the comparison is about distributions, not correlations. The library
    refuses to render a column whose inferred kind differs between the sides (all missing in
    test, numbers in one file and text in the other); such columns are left out and named, and
    the audit (`make data`) reports what is wrong with them.
    """
    from data_profiling import ProfileReport

    shared = [c for c in train.columns if c in test.columns]
    left_out = [c for c in shared if train[c].isna().all() or test[c].isna().all()]
    sides = {**common, "minimal": True}
    sides.pop("interactions", None)
    while True:  # each refusal leaves one more column out, so this ends
        kept = [c for c in shared if c not in left_out]
        train_side = ProfileReport(
            _escaped(train[kept]), title="train", dataset=dataset, **copy.deepcopy(sides)
        )
        test_side = ProfileReport(_escaped(test[kept]), title="test", **copy.deepcopy(sides))
        try:
            return train_side.compare(test_side).to_html(), [str(c) for c in left_out]
        except ValueError as exc:
            column = _incompatible(exc, kept)
            if column is None:
                raise
            left_out.append(column)


def _incompatible(exc: ValueError, columns: list) -> object | None:
    """The column the library named as of different kinds in the two files, if it did."""
    found = INCOMPATIBLE.match(str(exc))
    escaped = {html.escape(str(c)): c for c in columns}
    return escaped.get(found.group(1)) if found else None


def _dataset(cfg: Config, schema: dict, plan) -> dict:
    """The report's "dataset" block: the description with the plan's sentence, source, author."""
    return {
        "description": f"{cfg.project.get('description') or ''} {plan.describe()}".strip(),
        "url": (schema.get("source") or {}).get("url") or "",
        "creator": cfg.project.get("author") or "",
    }


def _no_rows() -> dict:
    """Settings that empty the profiler's sections printing raw rows: the first, last and random
    rows, and the most frequent duplicated rows. Fresh dicts: the library edits what it is given.
    """
    return {"samples": {"head": 0, "tail": 0, "random": 0}, "duplicates": {"head": 0}}


def _escaped(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with HTML-escaped column names, for the profiler only.

    fg-data-profiling writes column names into its HTML unescaped, so a column named
    ``<img src=x onerror=...>`` would run script when the committed report is opened. Escaped
    names display as the original text; values are escaped by the library itself.
    """
    return frame.set_axis([html.escape(str(c)) for c in frame.columns], axis=1)
