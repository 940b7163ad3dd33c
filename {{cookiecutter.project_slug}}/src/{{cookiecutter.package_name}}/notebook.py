"""Write the EDA notebook for this dataset, execute it, and export it as offline HTML.

The markdown is written from the computed summary (see :mod:`.eda`), and a section appears only
when the data has what it is about (text columns, dates, a test table). Code cells load the data
through this package, so the notebook keeps working when the user re-runs or extends it.
"""

import importlib.util
import os
import sys
import time

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .config import Config
from .eda import (
    MAX_LEVELS,
    MAX_PLOTS,
    PLOT_ROWS,
    findings,
    missing_sentence,
    next_steps,
    row_count,
)
from .errors import ProjectError
from .files import write_text

MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\*_[]<>|$#"})
CELL_TIMEOUT = 1800  # seconds; a cell on a large table may take minutes, never forever

# The lab template with every script fetched from a CDN removed (require.js, MathJax, mermaid):
# the outputs are static PNGs and tables, so the page needs no JavaScript to read offline.
OFFLINE_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def esc(text: object) -> str:
    """Text from the data, safe inside markdown (no accidental emphasis, tables or maths)."""
    return str(text).translate(MARKDOWN_SPECIALS)


def bullets(lines: list[str]) -> str:
    return "\n".join(f"- {esc(line)}" for line in lines)


def _source_text(cfg: Config, schema: dict) -> str:
    meta = schema.get("source") or {}
    title = meta.get("title") or cfg.ref
    url = meta.get("url")
    named = f"[{esc(title)}]({url})" if url else esc(title)
    if cfg.source == "competition":
        scored = meta.get("evaluation_metric") or cfg.metric
        return f"Kaggle competition {named}, scored by {esc(scored)}."
    if cfg.source == "dataset":
        licence = meta.get("license") or "unknown (check the dataset page)"
        return f"Kaggle dataset {named}; license: {esc(licence)}."
    return f"Local files from `{cfg.ref}`."


def _intro(cfg: Config, schema: dict, summary: dict) -> str:
    rows, groups = summary["rows"], summary["groups"]
    counts = ", ".join(f"{len(cols)} {role}" for role, cols in groups.items() if cols)
    size = f"Train has {row_count(rows['train'])} and {len(schema['columns'])} columns ({counts})"
    size += "; no test table." if rows["test"] is None else f"; test has {row_count(rows['test'])}."
    sampled = (
        f" Figures draw a seeded sample of {PLOT_ROWS:,} rows." if rows["train"] > PLOT_ROWS else ""
    )
    description = f"{esc(cfg.project['description'])}\n\n" if cfg.project.get("description") else ""
    return (
        f"# {esc(cfg.name)}: exploratory data analysis\n\n{description}"
        f"**Source:** {_source_text(cfg, schema)}\n\n**Size:** {size}{sampled}\n\n"
        f"**Target:** `{schema['target']}` ({summary['task']}), judged by {esc(cfg.metric)}.\n\n"
        "This notebook was written by `make eda` for this dataset: the numbers in the text were "
        "computed from the data, and the code below recomputes them with the same functions "
        f"(`{__package__}.eda`)."
    )


SETUP = """\
%matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from {package} import eda
from {package}.config import load_config
from {package}.dataset import feature_columns, load_schema, load_test, load_train

pd.set_option("display.max_columns", 50)
plt.rcParams.update({{"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3}})

cfg = load_config("..")  # the notebook runs in notebooks/; config.yaml is one level up
schema = load_schema(cfg)
train, test = load_train(cfg), load_test(cfg)
TARGET, TASK = cfg.target, cfg.task
groups = feature_columns(schema)
shown = eda.sample(train, eda.PLOT_ROWS, cfg.cv_seed)  # what the figures draw
print(f"train {{train.shape}}, test {{None if test is None else test.shape}}, target {{TARGET!r}}")
"""

TARGET_CLASSES = """\
counts = train[TARGET].value_counts()
fig, ax = plt.subplots(figsize=(7, 3.5))
bars = ax.bar(counts.index.astype(str), counts.to_numpy(), color="tab:blue")
ax.bar_label(bars, labels=[f"{n:,} ({n / len(train):.1%})" for n in counts])
ax.margins(y=0.15)  # room for the labels above the tallest bar
ax.set(title=f"Class balance of {TARGET}", xlabel=TARGET, ylabel="rows")
eda.save_figure(fig, cfg, "target")
plt.show()
"""

TARGET_VALUES = """\
values = train[TARGET].astype(float)
log_ok = values.min() >= 0
fig, axes = plt.subplots(1, 2 if log_ok else 1, figsize=(11 if log_ok else 6, 3.5), squeeze=False)
axes[0, 0].hist(values, bins=50, color="tab:blue")
axes[0, 0].set(title=f"{TARGET} (skew {values.skew():.2f})", xlabel=TARGET, ylabel="rows")
if log_ok:
    logs = np.log1p(values)
    axes[0, 1].hist(logs, bins=50, color="tab:green")
    axes[0, 1].set(title=f"log1p({TARGET}) (skew {logs.skew():.2f})", xlabel=f"log1p({TARGET})",
                   ylabel="rows")
fig.suptitle(f"Distribution of the target {TARGET}")
eda.save_figure(fig, cfg, "target")
plt.show()
"""

MISSING = """\
missing = eda.missing_shares(train.drop(columns=[TARGET]), test)
display((100 * missing).round(1).rename(columns=lambda c: f"{c} missing %"))
top = missing.head(25).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
y = np.arange(len(top))
ax.barh(y - 0.2 * ("test" in top), 100 * top["train"], height=0.4, label="train")
if "test" in top:
    ax.barh(y + 0.2, 100 * top["test"].fillna(0), height=0.4, label="test")
ax.set_yticks(y, top.index)
ax.set(title="Missing values per column", xlabel="% of rows missing")
ax.legend()
eda.save_figure(fig, cfg, "missing")
plt.show()
"""

ASSOCIATIONS = """\
ranked = eda.associations(train, groups, TARGET, TASK, cfg.cv_seed)
display(ranked.head(15))
top = ranked.head(15).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
ax.barh(top["feature"], top["association"], color="tab:purple")
ax.set(title=f"Features ranked by mutual information with {TARGET}",
       xlabel="mutual information (nats)")
eda.save_figure(fig, cfg, "associations")
plt.show()
"""

NUMERIC = """\
columns = {columns!r}
display(eda.numeric_by_target(train, columns, TARGET, TASK))
ncols = min(3, len(columns))
nrows = -(-len(columns) // ncols)
fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.4 * nrows), squeeze=False)
classes = sorted(shown[TARGET].unique()) if TASK != "regression" else []
for ax, column in zip(axes.flat, columns):
    if TASK == "regression":
        ax.scatter(shown[column], shown[TARGET], s=8, alpha=0.4)
        ax.set(ylabel=TARGET)
    elif len(classes) <= 3:
        for label in classes:
            part = shown.loc[shown[TARGET] == label, column].dropna()
            ax.hist(part, bins=30, alpha=0.5, density=True, label=f"{{TARGET}} = {{label}}")
        ax.set(ylabel="density")
    else:
        parts = [shown.loc[shown[TARGET] == label, column].dropna() for label in classes]
        ax.boxplot(parts, tick_labels=[str(label) for label in classes])
    ax.set(title=column, xlabel=column)
for ax in axes.flat[len(columns):]:
    ax.set_visible(False)
if 0 < len(classes) <= 3:
    axes[0, 0].legend()
fig.suptitle(f"Numeric features against {{TARGET}}")
fig.tight_layout()
eda.save_figure(fig, cfg, "numeric")
plt.show()
"""

CATEGORICAL = """\
columns = {columns!r}
positive = eda.positive_class(schema["classes"]) if TASK == "binary" else None
fig, axes = plt.subplots(1, len(columns), figsize=(5 * len(columns), 4.5), squeeze=False)
for ax, column in zip(axes.flat, columns):
    table = eda.level_table(train, column, TARGET, TASK, positive)
    display(table)
    labels = [f"{{level}} (n={{n:,}})" for level, n in table["rows"].items()]
    if TASK == "multiclass":
        left = np.zeros(len(table))
        for label in table.columns.drop("rows"):
            ax.barh(labels, table[label], left=left, label=str(label))
            left += table[label].to_numpy()
        ax.set(xlabel="share of rows")
        ax.legend(title=TARGET, fontsize="small")
    else:
        value = table.columns[-1]
        ax.barh(labels, table[value], color="tab:orange")
        overall = (train[TARGET] == positive).mean() if TASK == "binary" else train[TARGET].mean()
        ax.axvline(overall, color="black", linestyle="--", label="all rows")
        ax.set(xlabel=value)
        ax.legend(fontsize="small")
    ax.set(title=column)
    ax.invert_yaxis()
fig.suptitle(f"Categorical levels against {{TARGET}}")
fig.tight_layout()
eda.save_figure(fig, cfg, "categorical")
plt.show()
"""

TEXT = """\
columns = {columns!r}
fig, axes = plt.subplots(1, len(columns), figsize=(6 * len(columns), 3.6), squeeze=False)
for ax, column in zip(axes.flat, columns):
    words = shown[column].astype("string").str.split().str.len()
    if TASK == "regression":
        ax.scatter(words, shown[TARGET], s=8, alpha=0.4)
        ax.set(ylabel=TARGET)
    else:
        for label in sorted(shown[TARGET].unique())[:5]:
            ax.hist(words[shown[TARGET] == label].dropna(), bins=30, alpha=0.5, density=True,
                    label=f"{{TARGET}} = {{label}}")
        ax.set(ylabel="density")
        ax.legend(fontsize="small")
    ax.set(title=f"Length of {{column}}", xlabel="words")
    frequent = ", ".join(f"{{w}} ({{n}})" for w, n in eda.tokens(shown[column]))
    print(f"{{column}} - frequent words: {{frequent}}")
fig.suptitle(f"Text length against {{TARGET}}")
fig.tight_layout()
eda.save_figure(fig, cfg, "text")
plt.show()
"""

DATES = """\
columns = {columns!r}
fig, axes = plt.subplots(len(columns), 2, figsize=(12, 3.6 * len(columns)), squeeze=False)
for row, column in zip(axes, columns):
    dates = shown[column]
    span = (dates.max() - dates.min()).days
    freq = "Y" if span > 3650 else "M" if span > 90 else "D"
    period = dates.dt.to_period(freq)
    counts = period.value_counts().sort_index()
    row[0].plot(counts.index.to_timestamp(), counts.to_numpy(), marker=".", label="train")
    if test is not None and column in test:
        test_counts = eda.sample(test)[column].dt.to_period(freq).value_counts().sort_index()
        row[0].plot(test_counts.index.to_timestamp(), test_counts.to_numpy(), marker=".",
                    label="test")
    row[0].set(title=f"Rows per period of {{column}}", xlabel=column, ylabel="rows")
    row[0].legend()
    if TASK == "regression":
        trend, what = shown[TARGET].groupby(period).mean(), f"mean {{TARGET}}"
    elif TASK == "binary":
        positive = eda.positive_class(schema["classes"])
        what = f"share {{TARGET}}={{positive}}"
        trend = (shown[TARGET] == positive).groupby(period).mean()
    else:
        trend = shown[TARGET].groupby(period).agg(lambda s: s.value_counts(normalize=True).iloc[0])
        what = "share of the most common class"
    trend = trend.sort_index()
    row[1].plot(trend.index.to_timestamp(), trend.to_numpy(), marker=".", color="tab:red")
    row[1].set(title=f"{{what}} over {{column}}", xlabel=column, ylabel=what)
fig.tight_layout()
eda.save_figure(fig, cfg, "dates")
plt.show()
"""

SHIFT = """\
shifted = eda.drift(train, test, groups)
auc = eda.adversarial_auc(train, test, groups, cfg.cv_seed)  # None: too few rows to tell
auc_text = "n/a" if auc is None else f"{auc:.2f}"
print(f"Adversarial validation: train vs test ROC AUC = {auc_text}",
      f"({eda.ADVERSARIAL_FOLDS}-fold CV)")
display(shifted.head(15))
top = shifted.head(15).iloc[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1.5))
palette = {"Kolmogorov-Smirnov": "tab:blue", "total variation distance": "tab:orange"}
colors = top["measure"].map(palette)
ax.barh(top["feature"], top["statistic"], color=colors)
ax.set(title=f"Train vs test distribution shift (adversarial AUC {auc_text})",
       xlabel="KS statistic (continuous) / total variation distance (categorical)")
eda.save_figure(fig, cfg, "shift")
plt.show()
"""


def _numeric_cells(summary: dict) -> list:
    columns = summary["numeric_plots"]
    if not columns:
        return []
    text = (
        "## Numeric features against the target\n\n"
        + ("The numeric feature" if len(columns) == 1 else f"The {len(columns)} numeric features")
        + f" most associated with `{summary['target']}`. "
        "The strongest:\n\n" + bullets(summary["numeric_sentences"])
    )
    return [new_markdown_cell(text), new_code_cell(NUMERIC.format(columns=columns))]


def _categorical_cells(summary: dict) -> list:
    columns = summary["categorical_plots"]
    if not columns:
        return []
    rate = {"binary": "target rate", "multiclass": "class mix", "regression": "target mean"}
    text = (
        "## Categorical levels against the target\n\n"
        f"The {rate[summary['task']]} per level (the {MAX_LEVELS} most frequent levels; the rest "
        "pooled as (other)), for the categorical features most associated with the target.\n\n"
        + bullets(summary["level_sentences"])
    )
    return [new_markdown_cell(text), new_code_cell(CATEGORICAL.format(columns=columns))]


def _text_cells(summary: dict) -> list:
    columns = summary["groups"]["text"][: MAX_PLOTS["text"]]
    if not columns:
        return []
    lines = []
    for column in columns:
        info = summary["text"][column]
        words = ", ".join(w for w, _ in info["top_tokens"][:8])
        lines.append(
            f"{column}: {info['mean_words']:.1f} words ({info['mean_chars']:.0f} characters) on "
            f"average; frequent words: {words}."
        )
    return [
        new_markdown_cell("## Text columns\n\n" + bullets(lines)),
        new_code_cell(TEXT.format(columns=columns)),
    ]


def _date_cells(summary: dict) -> list:
    dated = [c for c in summary["groups"]["datetime"] if summary["dates"][c]["train"]]
    columns = dated[: MAX_PLOTS["datetime"]]
    if not columns:
        return []
    lines = []
    for column in columns:
        info = summary["dates"][column]
        line = f"{column}: train from {info['train'][0]} to {info['train'][1]}"
        if info["test"]:
            line += f", test from {info['test'][0]} to {info['test'][1]}"
            line += " (after train: validate on the latest rows)" if info["test_after"] else ""
        lines.append(line + ".")
    return [
        new_markdown_cell("## Dates\n\n" + bullets(lines)),
        new_code_cell(DATES.format(columns=columns)),
    ]


def _shift_cells(summary: dict) -> list:
    if summary["rows"]["test"] is None:
        return []
    drift = summary["drift"] or []
    worst = ", ".join(f"{d['feature']} ({d['statistic']:.2f})" for d in drift[:3])
    text = (
        "## Train versus test\n\n"
        "Adversarial validation trains a gradient-boosting classifier to tell test rows from "
        "train rows; its cross-validated ROC AUC is 0.5 when the two are alike.\n\n"
        f"{esc(summary['adversarial_sentence'])}"
        + (f"\n\nLargest per-feature shifts: {esc(worst)}." if worst else "")
    )
    return [new_markdown_cell(text), new_code_cell(SHIFT)]


def build(cfg: Config, schema: dict, summary: dict) -> nbformat.NotebookNode:
    """The notebook for this dataset: sections chosen by which column roles exist."""
    target, task = summary["target"], summary["task"]
    missing_rows = "rows" if summary["rows"]["test"] is None else "training rows"
    missing_text = missing_sentence(summary["missing"], missing_rows)
    top = summary["top_features"][:5]
    ranked_text = ", ".join(f"{t['feature']} ({t['association']:.3f})" for t in top)
    cells = [
        new_markdown_cell(_intro(cfg, schema, summary)),
        new_code_cell(SETUP.format(package=__package__)),
        new_markdown_cell(
            "## The columns\n\nEach column's role decides how it is modelled: numeric, "
            "categorical, free text, date, identifier (dropped), constant (dropped) or the "
            "target. Missing % and distinct values are over the training rows."
        ),
        new_code_cell("display(eda.data_dictionary(schema))\ntrain.head()"),
        new_markdown_cell(f"## The target: `{target}`\n\n" + bullets(summary["target_sentences"])),
        new_code_cell(TARGET_VALUES if task == "regression" else TARGET_CLASSES),
        new_markdown_cell(
            "## Missing values\n\n"
            + esc(missing_text)
            + (
                ""
                if summary["missing"]
                else " Models still need a plan for gaps that appear in new data."
            )
        ),
    ]
    if summary["missing"] or summary.get("missing_test"):
        cells.append(new_code_cell(MISSING))
    cells += [
        new_markdown_cell(
            f"## Features most associated with `{target}`\n\n"
            "Mutual information measures any dependence, linear or not, one feature at a time "
            f"(0 means independent). Strongest: {esc(ranked_text) or 'none'}."
        ),
        new_code_cell(ASSOCIATIONS),
    ]
    cells += _numeric_cells(summary)
    cells += _categorical_cells(summary)
    cells += _text_cells(summary)
    cells += _date_cells(summary)
    cells += _shift_cells(summary)
    cells.append(
        new_markdown_cell(
            "## Findings\n\n"
            + bullets(findings(summary))
            + "\n\n## Next steps\n\n"
            + bullets(next_steps(summary))
        )
    )
    notebook = new_notebook(cells=cells)
    notebook.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
        title=f"{cfg.name}: exploratory data analysis",
    )
    return notebook


def _kernel_manager_class() -> type:
    """Kernels on this very interpreter, whatever kernels the machine has registered.

    A ``python3`` kernel spec installed elsewhere could point at another Python without this
    project's dependencies, so the search is limited to ipykernel's built-in spec, which runs
    ``sys.executable``.
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    if importlib.util.find_spec("ipykernel") is None:
        raise ProjectError(
            f"ipykernel is not installed for {sys.executable}, so the notebook cannot run: "
            "run `make setup` (or pip install ipykernel into that interpreter)."
        )

    class ThisInterpreter(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _builtin_spec_only(self):
            return KernelSpecManager(kernel_dirs=[])

    return ThisInterpreter


def execute(notebook: nbformat.NotebookNode, cfg: Config) -> None:
    """Run every cell in notebooks/ with progress, and save the notebook with its outputs.

    The notebook is saved even when a cell fails, so its traceback can be read where it happened.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    code = [i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"]
    clock = {"start": time.perf_counter()}

    def started(cell, cell_index, **_):
        if cell_index not in code:
            return
        clock["start"] = time.perf_counter()
        first = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
        print(f"  cell {code.index(cell_index) + 1}/{len(code)}: {first}", end="", flush=True)

    def finished(cell, cell_index, **_):
        if cell_index not in code:
            return
        print(f"  ({time.perf_counter() - clock['start']:.1f} s)", flush=True)

    cfg.layout.notebooks.mkdir(parents=True, exist_ok=True)
    src = str(cfg.root / "src")
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        kernel_manager_class=_kernel_manager_class(),
        extra_arguments=["--log-level=ERROR"],  # not the kernel's transport notices
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(cfg.layout.notebooks)}},
        on_cell_start=started,
        on_cell_executed=finished,
    )
    print(f"Executing {cfg.layout.eda_notebook.relative_to(cfg.root)} ({len(code)} code cells):")
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        print()
        _write_notebook(notebook, cfg)
        error = next(
            (o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"),
            None,
        )
        detail = f"{error.ename}: {error.evalue}" if error else str(exc).splitlines()[0]
        raise ProjectError(
            f"The EDA notebook stopped with {detail}; the traceback is in "
            f"{cfg.layout.eda_notebook.relative_to(cfg.root)}."
        ) from exc
    _write_notebook(notebook, cfg)


def _write_notebook(notebook: nbformat.NotebookNode, cfg: Config) -> None:
    """Save the notebook whole or not at all, so an interrupt never leaves unreadable JSON."""
    text = nbformat.writes(notebook)
    write_text(cfg.layout.eda_notebook, text if text.endswith("\n") else text + "\n")


def export_html(notebook: nbformat.NotebookNode, cfg: Config):
    """reports/eda.html: the executed notebook, readable with no network (no CDN scripts)."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline.html.j2",
    )
    body, _ = exporter.from_notebook_node(notebook)
    write_text(cfg.layout.eda_report, body)
    return cfg.layout.eda_report
