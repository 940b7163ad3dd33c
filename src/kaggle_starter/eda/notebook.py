"""Write the EDA notebook for this dataset: which sections, in which order, saying what.

The markdown is written from the computed summary (see :mod:`.summary`), and a section appears
only when the data has what it is about (text columns, dates, a test table). The code cells are
real, linted Python files in ``cells/``; a cell's parameters (the columns it draws) are injected as
its first lines, so a cell file reads like the notebook cell it becomes. Code cells load the data
through this package, so the notebook keeps working when the user re-runs or extends it.
"""

import re
from importlib.resources import files

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .. import owner
from ..config import Config
from ..modeling.preprocessing import SENTENCE_WORDS
from ..quality.report import clean_function, finding_line
from ..shift import MISSING_SHIFT, PSI_SHIFT, UNSEEN_SHARE
from ..text import row_count
from .analysis import LEVELS_SHOWN, MAX_PLOTS, PLOT_ROWS
from .prose import (
    disguised_sentence,
    findings,
    gaps_in_test_sentence,
    missing_sentence,
    next_steps,
)

PACKAGE = "kaggle_starter"  # the engine, as the notebook imports it
# The first cell's header: notebook syntax and this package's imports, which a cell file cannot
# spell without knowing the package's name.
SETUP_HEADER = (
    "%matplotlib inline",
    f"from {PACKAGE}.artifacts import load_schema, load_test, load_train",
    f"from {PACKAGE}.config import load_config",
    f"from {PACKAGE}.eda import analysis as eda",
    f"from {PACKAGE}.schema import feature_columns",
)


def code(name: str, header: tuple[str, ...] = (), **parameters) -> nbformat.NotebookNode:
    """The code cell ``cells/<name>.py``, after a header and one ``name = value`` line per
    parameter."""
    source = files(__package__).joinpath("cells", f"{name}.py").read_text(encoding="utf-8")
    lines = [*header, *(f"{key} = {value!r}" for key, value in parameters.items())]
    return new_code_cell("\n".join([*lines, source.rstrip()]) if lines else source.rstrip())


MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\*_[]<>|$#`"})


def esc(text: object) -> str:
    """Text from the data, safe inside markdown (no accidental emphasis, tables or maths)."""
    return str(text).translate(MARKDOWN_SPECIALS)


def code_span(text: object) -> str:
    """A name from the data as inline code that its own backticks cannot close early.

    The fence is one backtick longer than the longest run inside, so a name such as
    ``a`<img src=x onerror=...>`` stays literal text (code spans are HTML-escaped) instead of
    closing the span and becoming markup in the exported HTML.
    """
    value = str(text).replace("\n", " ")
    fence = "`" * (max((len(run) for run in re.findall("`+", value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


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
    return f"Local files from {code_span(cfg.ref)}."


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
        f"**Target:** {code_span(schema['target'])} ({summary['task']}), "
        f"judged by {esc(cfg.metric)}.\n\n"
        "This notebook was written by `make eda` for this dataset: the numbers in the text were "
        "computed from the data, and the code below recomputes them with the same functions "
        f"(`{PACKAGE}.eda.analysis`, and `{PACKAGE}.shift` for train against test)."
    )


def _numeric_cells(summary: dict) -> list:
    columns = summary["numeric_plots"]
    if not columns:
        return []
    text = (
        "## Numeric features against the target\n\n"
        + ("The numeric feature" if len(columns) == 1 else f"The {len(columns)} numeric features")
        + f" most associated with {code_span(summary['target'])}. "
        "The strongest:\n\n" + bullets(summary["numeric_sentences"])
    )
    return [new_markdown_cell(text), code("numeric", columns=columns)]


def _categorical_cells(summary: dict) -> list:
    columns = summary["categorical_plots"]
    if not columns:
        return []
    rate = {"binary": "target rate", "multiclass": "class mix", "regression": "target mean"}
    text = (
        "## Categorical levels against the target\n\n"
        f"The {rate[summary['task']]} per level (the {LEVELS_SHOWN} most frequent levels; the rest "
        "pooled as (other)), for the categorical features most associated with the target.\n\n"
        + bullets(summary["level_sentences"])
    )
    return [new_markdown_cell(text), code("categorical", columns=columns)]


def _text_cells(summary: dict, samples: bool = False) -> list:
    """The text section: length, marks, repeated texts and the n-grams of each class, said in
    sentences; a figure of length by class and of those n-grams; example rows only when the
    owner allows raw rows (``profile.samples``), n-grams and counts otherwise."""
    columns = summary["groups"]["text"][: MAX_PLOTS["text"]]
    if not columns:
        return []
    lines = []
    for column in columns:
        info = summary["text"][column]
        words = ", ".join(w for w, _ in info["top_tokens"][:8])
        lines.append(
            f"{column}: {info['mean_words']:.1f} words ({info['mean_chars']:.0f} "
            f"characters) on average; frequent words: {words}."
            + _lengths(info)
            + _marks(info.get("shares") or {})
            + _conflicts(info.get("conflicts"))
        )
        lines += _separating(column, info.get("separating") or [])
    intro = (
        "## Text columns\n\nWhat a model can read in the text: how long it is for each class, "
        "the marks of social media, texts repeated with different labels, and the word "
        "n-grams most typical of each class (ranked by how surely the share of rows holding "
        "them differs, with those counts; a term must appear in 5 rows). Text of "
        f"{SENTENCE_WORDS} words or more per value reaches the models as TF-IDF of words and "
        "characters, shorter text as its frequent words.\n\n"
    )
    cells = [new_markdown_cell(intro + bullets(lines)), code("text", columns=columns)]
    if samples:
        cells.append(code("text_examples", columns=columns))
    return cells


def _lengths(info: dict) -> str:
    """Whether longer texts go with a class (or a larger target), in one sentence."""
    by_class = info.get("words_by_class") or []
    if len(by_class) >= 2:
        ranked = sorted(by_class, key=lambda r: r["mean_words"])
        low, high = ranked[0], ranked[-1]
        ratio = high["mean_words"] / max(low["mean_words"], 1e-9)
        verdict = (
            "nearly the same: length alone says little"
            if ratio < 1.1
            else f"{ratio:.1f} times as many: length is a clue"
        )
        return (
            f" Length by class: {_label(high['class'])} averages {high['mean_words']:.1f} "
            f"words, {_label(low['class'])} {low['mean_words']:.1f} ({verdict})."
        )
    rho = info.get("words_correlation")
    if rho is None:
        return ""
    strength = "hardly" if abs(rho) < 0.1 else "weakly" if abs(rho) < 0.3 else "clearly"
    sign = "with" if rho >= 0 else "against"
    return f" Word count moves {strength} {sign} the target (Spearman {rho:+.2f})."


def _marks(shares: dict) -> str:
    named = {"urls": "URLs", "hashtags": "hashtags", "mentions": "mentions"}
    said = [f"{named.get(n, n)} in {share:.1%}" for n, share in shares.items() if share > 0]
    return f" Rows with {', '.join(said)}." if said else ""


def _conflicts(found: dict | None) -> str:
    if not found or not found["repeated_texts"]:
        return ""
    return (
        f" {found['repeated_texts']:,} texts appear more than once ({found['repeated_rows']:,} "
        f"rows); {found['conflicting_texts']:,} of them carry different labels "
        f"({found['conflicting_rows']:,} rows no model can all get right)."
    )


def _separating(column: str, terms: list[dict]) -> list[str]:
    """One line per class: the n-grams most typical of it, with the rows in and out of it."""
    lines = []
    for label in dict.fromkeys(t["class"] for t in terms):
        shown = ", ".join(
            f"'{t['term']}' ({t['rows_in_class']:,} vs {t['rows_other']:,})"
            for t in terms
            if t["class"] == label
        )
        lines.append(
            f"{column}: the n-grams most typical of {_label(label)} (rows holding "
            f"them in that class vs the others): {shown}."
        )
    return lines


def _label(label) -> str:
    return f"{label!r}" if isinstance(label, str) else str(label)


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
        code("dates", columns=columns),
    ]


SHIFT_HEADER = (f"from {PACKAGE} import shift",)


def _shift_cells(summary: dict) -> list:
    if summary["rows"]["test"] is None:
        return []
    drift = summary["drift"] or []
    worst = ", ".join(f"{d['feature']} (PSI {d['psi']:.2f})" for d in drift[:3])
    text = (
        "## Train versus test\n\n"
        "Per feature, the population stability index (PSI) says how much the distribution "
        f"moved (below {PSI_SHIFT} stable, above 0.25 a major shift) and a Kolmogorov-Smirnov "
        "or chi-square test whether the move is more than chance; a feature also shifts when "
        f"its missing share moves by {100 * MISSING_SHIFT:.0f} points or more, or when "
        f"{100 * UNSEEN_SHARE:.0f} % of its test values are categories train never had. "
        "Adversarial validation trains a gradient-boosting classifier to tell test rows from "
        "train rows; its out-of-fold ROC AUC is 0.5 when the two are alike. The data-quality "
        f"audit and `make monitor` use the same measures (`{PACKAGE}.shift`).\n\n"
        f"{esc(summary['adversarial_sentence'])}"
        + (f"\n\nLargest per-feature shifts: {esc(worst)}." if worst else "")
    )
    return [new_markdown_cell(text), code("shift", SHIFT_HEADER)]


QUALITY_HEADER = (
    f"from {PACKAGE}.artifacts import read_json",
    f"from {PACKAGE}.quality.report import gap_table",
)


def _quality_cells(summary: dict) -> list:
    """The audit's findings (from `make data`), the fixes as a clean() to paste, a gap figure."""
    found = summary.get("quality")
    if found is None:
        return []
    if not found:
        return [
            new_markdown_cell(
                "## Data quality\n\nThe audit found nothing to fix: no values that mean "
                "'missing' stored as data, repeated rows, redundant columns, leak suspects or "
                "train/test mismatches."
            )
        ]
    lines = [f"**{esc(finding_line(f))}** {esc(f['message'])}" for f in found]
    text = (
        "## Data quality\n\nWhat an audit of train and test finds "
        "(`reports/data_quality.json`, written by `make data`), most severe first:\n\n"
        + "\n".join(f"- {line}" for line in lines)
    )
    code_text = clean_function(found)
    if code_text:
        text += (
            f"\n\nThe proposed fixes, ready to paste into `{owner.current().label()}` "
            "(low-severity ones are commented out: whether they help depends on the model). "
            "`make train` then shows in the run history whether they helped.\n\n"
            f"```python\n{code_text}```"
        )
    return [new_markdown_cell(text), code("quality", QUALITY_HEADER)]


def _opening_cells(cfg: Config, schema: dict, summary: dict) -> list:
    """Introduction, setup, columns, target and missing values: every notebook has these."""
    target, task = summary["target"], summary["task"]
    missing_rows = "rows" if summary["rows"]["test"] is None else "training rows"
    missing_text = missing_sentence(summary["missing"], missing_rows)
    no_gaps = "" if summary["missing"] else " Models still need a plan for gaps in new data."
    cells = [
        new_markdown_cell(_intro(cfg, schema, summary)),
        code("setup", SETUP_HEADER),
        new_markdown_cell(
            "## The columns\n\nEach column's role decides how it is modelled: numeric, "
            "categorical, free text, date, identifier (dropped), constant (dropped) or the "
            "target. Missing % and distinct values are over the training rows."
        ),
        code("columns" if cfg.profile_samples else "columns_no_rows"),
        new_markdown_cell(
            f"## The target: {code_span(target)}\n\n" + bullets(summary["target_sentences"])
        ),
        code("target_values" if task == "regression" else "target_classes"),
        new_markdown_cell(
            "## Missing values\n\n"
            + esc(
                " ".join(
                    filter(
                        None,
                        [missing_text, gaps_in_test_sentence(summary), disguised_sentence(summary)],
                    )
                )
            )
            + no_gaps
        ),
    ]
    if summary["missing"] or summary.get("missing_test"):
        cells.append(code("missing"))
    return cells


def _association_cells(summary: dict) -> list:
    top = summary["top_features"][:5]
    ranked_text = ", ".join(f"{t['feature']} ({t['association']:.3f})" for t in top)
    return [
        new_markdown_cell(
            f"## Features most associated with {code_span(summary['target'])}\n\n"
            "Mutual information measures any dependence, linear or not, one feature at a time "
            f"(0 means independent). Strongest: {esc(ranked_text) or 'none'}."
        ),
        code("associations"),
    ]


def _closing_cells(summary: dict) -> list:
    """Findings and next steps, then how to try a feature of one's own and measure it."""
    return [
        new_markdown_cell(
            "## Findings\n\n"
            + bullets(findings(summary))
            + "\n\n## Next steps\n\n"
            + bullets(next_steps(summary))
        ),
        new_markdown_cell(
            "## Try a feature\n\n"
            f"Write it in `{owner.current().label()}` (`clean` for fixes, `add_features` for new "
            "columns), then re-run the cell below: it compares a quick cross-validated score "
            'with and without your changes. When it helps, `NOTE="what you tried" make all` '
            "trains the real suite on it and `make runs` keeps the comparison."
        ),
        code("try_feature", (f"from {owner.current().package} import features",)),
    ]


def build(cfg: Config, schema: dict, summary: dict) -> nbformat.NotebookNode:
    """The notebook for this dataset: sections chosen by which column roles exist."""
    cells = _opening_cells(cfg, schema, summary)
    cells += _quality_cells(summary)
    cells += _association_cells(summary)
    cells += _numeric_cells(summary)
    cells += _categorical_cells(summary)
    cells += _text_cells(summary, bool(cfg.profile_samples))
    cells += _date_cells(summary)
    cells += _shift_cells(summary)
    cells += _closing_cells(summary)
    notebook = new_notebook(cells=cells)
    notebook.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
        title=f"{cfg.name}: exploratory data analysis",
    )
    return notebook
