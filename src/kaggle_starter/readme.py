"""The README's results block: markers, and the markdown built from the stages' artifacts.

Everything in the block comes from the artifacts of the earlier stages (schema, metrics, CV table,
interpretation, EDA summary), so the write-up always states the numbers the code produced. A
section whose artifact is missing is left out rather than filled with stand-in text. Only the
block is ever replaced: the author's own prose around it is never touched.
"""

from pathlib import Path

from . import artifacts, owner, runs
from .config import Config
from .errors import ProjectError
from .metrics import CLASSIFICATION, get_metric, metric_label
from .modeling.suite import label as model_label
from .quality.findings import SEVERITIES
from .quality.report import finding_line
from .references import references_for
from .schema import FEATURE_ROLES
from .text import count, score

START = "<!-- results:start -->"
END = "<!-- results:end -->"
FIGURE_TITLES = {
    "permutation_importance": "Permutation importance on held-out folds",
    "shap_summary": "SHAP summary",
    "partial_dependence": "Partial dependence of the top features",
    "confusion_matrix": "Confusion matrix (out of fold)",
    "roc_curve": "ROC curve (out of fold)",
    "precision_recall": "Precision-recall curve (out of fold)",
    "predicted_vs_actual": "Predicted vs actual (out of fold)",
    "residuals": "Residuals (out of fold)",
}


def check_markers(text: str) -> None:
    """Refuse a README without exactly one start marker followed by one end marker."""
    starts, ends = text.count(START), text.count(END)
    if starts != 1 or ends != 1 or text.index(START) > text.index(END):
        found = f"{starts} start and {ends} end marker{'s' if ends != 1 else ''}"
        raise ProjectError(
            f"README.md needs exactly one results block but has {found}: put the lines {START} "
            f"and {END} (in that order, each on its own line) where the results should go, "
            "then run `make report` again."
        )


def fill_block(text: str, block: str) -> str:
    """``text`` with everything between the markers replaced by ``block``; the rest untouched."""
    check_markers(text)
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    return f"{head}{START}\n{inert_comments(block.strip())}\n{END}{tail}"


def inert_comments(text: str) -> str:
    """Generated text with every ``<!--`` made inert (a word joiner after the ``<``).

    The block quotes values from the data (class labels, category levels, titles); one that reads
    ``<!-- results:end -->`` would add a second marker and break every later `make report`, and
    any ``<!--`` would hide the rest of the block on GitHub. The joiner is invisible, so the text
    still reads as written.
    """
    return text.replace("<!--", "<\u2060!--")


def results_markdown(cfg: Config) -> str:
    """The block's markdown, built from whatever artifacts exist (metrics.json must)."""
    metrics = artifacts.read_json(cfg, "metrics")
    schema = artifacts.read_json(cfg, "schema", required=False) or {}
    metadata = artifacts.read_json(cfg, "source_metadata", required=False)
    source = metadata or schema.get("source") or {}
    interpretation = artifacts.read_json(cfg, "interpretation", required=False)
    eda = artifacts.read_json(cfg, "eda_summary", required=False)
    quality = artifacts.read_json(cfg, "data_quality", required=False)
    sections = [
        headline(cfg, metrics),
        dataset_card(cfg, schema, source, metrics),
        cv_table(metrics),
        comparison(cfg, metrics),
        experiments(cfg, metrics),
        eda_findings(eda),
        data_quality(cfg, quality, interpretation),
        interpretation_section(interpretation),
        next_steps(eda),
        reproduce(cfg),
    ]
    return "\n\n".join(section for section in sections if section)


def folds_used(cfg: Config, metrics: dict) -> int:
    """The folds train scored on, from its record: fewer than cv.folds on a huge table."""
    return len(metrics["cv"][metrics["best_model"]].get("folds") or []) or cfg.cv_folds


def headline(cfg: Config, metrics: dict) -> str:
    label = metric_label(metrics["metric"], metrics.get("task"))
    best = metrics["cv"][metrics["best_model"]]
    folds = folds_used(cfg, metrics)
    text = (
        f"The best model, **{model_label(metrics['best_model'])}**, reaches a cross-validated "
        f"{label} of **{score(metrics['best_score'])}** (± {score(best['std'])} over {folds} "
        f"folds)"
    )
    if metrics.get("baseline_score") is not None:
        text += f", against {score(metrics['baseline_score'])} for the dummy baseline"
    return "## Results\n\n" + text + "." + threshold_sentence(metrics, label)


def threshold_sentence(metrics: dict, label: str) -> str:
    """What the decision threshold chosen in training does (see modeling.threshold), or ""."""
    found = metrics.get("threshold")
    if not found:
        return ""
    return (
        f" Predictions say `{found['positive']}` from a probability of {found['value']:.2f}, "
        f"chosen on out-of-fold predictions: {label} {score(found['honest'])} "
        f"(± {score(found['honest_std'])}, each fold scored with a threshold chosen on the "
        f"others) against {score(found['at_half'])} at 0.5."
    )


def dataset_card(cfg: Config, schema: dict, source: dict, metrics: dict) -> str:
    rows = []
    title = source.get("title") or Path(cfg.ref).name or cfg.ref
    url = source.get("url")
    kind = {"competition": "Kaggle competition", "dataset": "Kaggle dataset"}.get(
        source.get("kind", cfg.source), "local files"
    )
    rows.append(("source", f"[{title}]({url}) ({kind})" if url else f"{title} ({kind})"))
    if source.get("license"):
        rows.append(("license", source["license"]))
    counts = schema.get("rows") or {}
    if counts.get("train") is not None:
        test = f" · test {counts['test']:,}" if counts.get("test") else ""
        dropped = schema.get("dropped_rows") or 0
        note = f" ({dropped:,} without a target dropped)" if dropped else ""
        rows.append(("rows", f"train {counts['train']:,}{test}{note}"))
    columns = schema.get("columns") or []
    features = [c for c in columns if c["role"] in FEATURE_ROLES]
    if features:
        counts = {role: sum(c["role"] == role for c in features) for role in FEATURE_ROLES}
        parts = ", ".join(f"{n} {role}" for role, n in counts.items() if n)
        others = sorted({c["role"] for c in columns} - set(FEATURE_ROLES))
        rows.append(
            ("columns", f"{count(len(features), 'feature')} ({parts}), plus {', '.join(others)}")
        )
    target = f"`{cfg.target}` ({metrics['task']})"
    classes = schema.get("classes")
    if classes and metrics["task"] in CLASSIFICATION:
        target += ": " + ", ".join(f"`{c}`" for c in classes[:10])
    rows.append(("target", target))
    metric = get_metric(metrics["metric"], metrics.get("task"))
    direction = "higher is better" if metric.greater_is_better else "lower is better"
    rows.append(("metric", f"{metric.label} ({direction}), {folds_used(cfg, metrics)}-fold CV"))
    table = "\n".join(f"| {key} | {value} |" for key, value in rows)
    return "### Data\n\n| | |\n|---|---|\n" + table


def cv_table(metrics: dict) -> str:
    metric = get_metric(metrics["metric"], metrics.get("task"))
    ranked = sorted(
        metrics["cv"].items(),
        key=lambda item: (
            item[1]["mean"] if metric.greater_is_better else -item[1]["mean"],
            item[0] == metrics["best_model"],
        ),
        reverse=True,
    )
    lines = [
        f"### Cross-validation\n\n| model | {metric.label} (mean ± std) | fit time |",
        "|---|---|---|",
    ]
    for name, result in ranked:
        label, value = model_label(name), f"{score(result['mean'])} ± {score(result['std'])}"
        label += _members(result)
        if name == metrics["best_model"]:
            label, value = f"**{label}** (best)", f"**{value}**"
        elif name == "dummy":
            label += " (the bar to clear)"
        seconds = result.get("fit_seconds")
        timing = f"{seconds:.1f} s" if isinstance(seconds, int | float) else ""
        lines.append(f"| {label} | {value} | {timing} |")
    return "\n".join(lines)


def _members(result: dict) -> str:
    """An ensemble's members and weights, and its in-sample score beside the honest one."""
    weights = result.get("weights")
    if not weights:
        return ""
    ranked = sorted(weights.items(), key=lambda item: -item[1])
    parts = ", ".join(f"{model_label(name)} {weight:.2f}" for name, weight in ranked)
    in_sample = result.get("in_sample")
    extra = f"; in-sample {score(in_sample)}, optimistic" if in_sample is not None else ""
    return f" of {parts}{extra}"


def comparison(cfg: Config, metrics: dict) -> str:
    known = references_for(cfg.ref, metrics["metric"]) if cfg.is_competition else ()
    if not known:
        return ""
    lines = [
        "### Against published scores\n",
        "| approach | score | source |",
        "|---|---|---|",
        f"| **this project: {model_label(metrics['best_model'])}** | "
        f"**CV {score(metrics['best_score'])}** | `reports/metrics.json` |",
    ]
    lines += [f"| {r.what} | {r.score} | {r.source} |" for r in known]
    return "\n".join(lines)


def experiments(cfg: Config, metrics: dict) -> str:
    """Every `make train` so far, with the change each one made, and the figure of scores."""
    history = runs.index(cfg)
    if history.empty:
        return ""
    metric = get_metric(metrics["metric"], metrics.get("task"))
    frame = runs.compared(history, metric.greater_is_better)
    lines = [
        "### Experiments\n",
        "Every `make train` is kept in `runs/` (`make runs` prints this table); + is better.\n",
        f"| run | note | best model | {metric.label} (mean ± std) | vs previous | vs best |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in frame.iterrows():
        lines.append(
            f"| `{r['run']}` | {table_cell(r['note'] or '')} | {model_label(r['best_model'])} | "
            f"{score(r['score'])} ± {score(r['std'])} | {runs.change(r['vs_previous'])} | "
            f"{runs.change(r['vs_best'])} |"
        )
    if cfg.layout.runs_figure.is_file():
        shown = cfg.layout.runs_figure.relative_to(cfg.root).as_posix()
        lines += ["", f"![Score of every run]({shown})"]
    return "\n".join(lines)


def table_cell(text: str) -> str:
    """Text as one Markdown table cell: a `|` would end the cell and a line break the row."""
    return " ".join(str(text).split()).replace("\\", "\\\\").replace("|", "\\|")


def eda_findings(eda: dict | None) -> str:
    findings = (eda or {}).get("findings") or []
    if not findings:
        return ""
    return "### What the data shows\n\n" + "\n".join(f"- {f}" for f in findings[:8])


QUALITY_SHOWN = 6  # findings the README lists; the notebook and data_quality.json have all


def data_quality(cfg: Config, quality: dict | None, interpretation: dict | None) -> str:
    """The audit's top findings with counts, most severe first, and where the fixes are: the
    README says what to clean, the notebook shows how.

    The after-training residual check (in interpretation.json) leads its severity: it names the
    rows that bend the fit of the model just reported.
    """
    if quality is None:
        return ""
    found = (interpretation or {}).get("residual_outliers") or []
    found = [*found, *(quality.get("findings") or [])]
    if not found:
        return "### Data quality\n\nThe data-quality audit found nothing to fix."
    found.sort(key=lambda f: SEVERITIES.index(f["severity"]))  # stable: the audit's order stays
    lines = [f"- {finding_line(f)}" for f in found[:QUALITY_SHOWN]]
    if len(found) > QUALITY_SHOWN:
        lines.append(f"- and {count(len(found) - QUALITY_SHOWN, 'more finding')}.")
    notebook = cfg.layout.eda_notebook.relative_to(cfg.root).as_posix()
    where = f"the Data quality section of [the EDA notebook]({notebook})"
    if quality.get("clean"):
        pointer = (
            f"The fixes, as a `clean()` to paste into `{owner.current().label()}`, are in "
            f"{where} and under `clean` in `reports/data_quality.json`."
        )
    else:
        pointer = f"None of these has a fix for `clean()`; {where} says what to do instead."
    return "### Data quality\n\n" + "\n".join(lines) + "\n\n" + pointer


def interpretation_section(interpretation: dict | None) -> str:
    if not interpretation:
        return ""
    parts = ["### What drives the predictions"]
    if interpretation.get("sentences"):
        parts.append("\n".join(f"- {s}" for s in interpretation["sentences"]))
    for path in interpretation.get("figures", []):
        title = FIGURE_TITLES.get(Path(path).stem, Path(path).stem.replace("_", " "))
        parts.append(f"![{title}]({path})")
    return "\n\n".join(parts)


def next_steps(eda: dict | None) -> str:
    """The EDA stage's next steps: they are drawn from the data and already name each idea once.

    They are not added to here, so the README never says the same thing twice.
    """
    steps = (eda or {}).get("next_steps") or []
    if not steps:
        return ""
    return "### What to try next\n\n" + "\n".join(f"- {s}" for s in steps)


def reproduce(cfg: Config) -> str:
    layout = cfg.layout
    links = [
        (layout.profile_report, "profiling report"),
        (layout.profile_comparison, "train vs test profile"),
        (layout.eda_report, "EDA notebook (HTML)"),
        (layout.eda_notebook, "EDA notebook"),
    ]
    present = [
        f"[{label}]({path.relative_to(cfg.root).as_posix()})"
        for path, label in links
        if path.is_file()
    ]
    lines = [
        "### Reproduce",
        "",
        "```bash",
        "make setup  # the environment",
        "make all    # data -> profile -> eda -> train -> interpret -> predict -> report",
        "```",
        "",
        f"Folds and models are seeded (`cv.seed: {cfg.cv_seed}` in `config.yaml`), and "
        "`data/raw/manifest.json` records the sha256 of every input file, so the numbers above "
        "come out the same on every run.",
    ]
    if present:
        lines += ["", "Full reports: " + " · ".join(present) + "."]
    if layout.submission.is_file():
        # Named, not linked: submissions/ is gitignored, so a link would be dead on GitHub.
        where = layout.submission.relative_to(cfg.root).as_posix()
        lines += ["", f"`make predict` writes the submission to `{where}` (local, not committed)."]
    return "\n".join(lines)
