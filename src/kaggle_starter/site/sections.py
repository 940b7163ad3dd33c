"""The site's own pages, written from the facts: the portfolio, the data-quality audit, the run
history, the notebook and the try-it form.

The sentences the README block holds come from :mod:`..readme` itself (rendered by
:mod:`.markdown`), so the site states the same numbers in the same words; what only the site
shows (the data card, the approach, the model card, the figure gallery) is prepared here as
plain values and worded in the templates.
"""

import re
from dataclasses import dataclass
from importlib import resources
from urllib.parse import urlsplit

import pandas as pd

from .. import readme, runs
from ..cleanup import is_generated_notebook
from ..errors import ProjectError
from ..metrics import metric_label
from ..modeling.suite import label as model_label
from ..quality.findings import SEVERITIES
from ..quality.report import finding_line
from ..text import count, score
from .markdown import section, to_html
from .pages import markup, render, with_navigation

# The index's own section ids: headings in the README prose get other anchors.
INDEX_SECTIONS = (
    "content", "data", "approach", "results", "figures", "drivers", "findings", "quality",
    "experiments", "model-card", "try-it", "next-steps", "reproduce", "write-up",
)  # fmt: skip
TARGET_FIGURE = "reports/figures/eda-target.png"  # drawn by the EDA notebook
FIGURE_TITLES = {"eda-target": "The target's distribution", **readme.FIGURE_TITLES}
SOCIAL_FIGURES = ("permutation_importance", "shap_summary", "partial_dependence", "eda-target")
# The service's own page (serving/), whose form the try-it page reuses as it is.
SERVICE_PAGE = "serving/page.html"
SERVICE_ASSETS = ("serving/page.js", "serving/page.css")
# Its header and what its <main> holds (the site's page has a <main> of its own).
SERVICE_PARTS = re.compile(r"(<header>.*?</header>)\s*<main>(.*?)</main>", re.DOTALL)


@dataclass(frozen=True)
class Figure:
    src: str  # inside the site
    alt: str


def description(facts) -> str:
    """The one sentence search engines and social cards show."""
    return facts.project.description or f"{facts.project.name}: a Kaggle portfolio project."


def figures(site) -> list[Figure]:
    """The key figures: the target, then interpretation's (importance, SHAP, dependence, the
    out-of-fold performance plots), each with its title as alt text."""
    listed = [TARGET_FIGURE, *((site.facts.interpretation or {}).get("figures") or [])]
    shown = []
    for path in dict.fromkeys(listed):
        copy = site.copied.get(path)
        if copy:
            stem = path.rsplit("/", 1)[-1].removesuffix(".png")
            shown.append(Figure(copy, FIGURE_TITLES.get(stem, stem.replace("_", " "))))
    return shown


def key_figure(site) -> Figure | None:
    """The figure of the social card (og:image): the importances, else the next best."""
    by_stem = {f.src.rsplit("/", 1)[-1].removesuffix(".png"): f for f in figures(site)}
    return next((by_stem[s] for s in SOCIAL_FIGURES if s in by_stem), None)


def _markdown(site, anchors: set[str]):
    links = site.links(anchors)

    def convert(text: str) -> str:
        return markup(to_html(section(text)[1], links)) if text else ""

    return links, convert


def index_page(site, page) -> str:
    """The portfolio: the owner's prose around the sections the artifacts give."""
    facts, cfg = site.facts, site.cfg
    links, body = _markdown(site, set(INDEX_SECTIONS))
    metrics, interpretation = facts.metrics, facts.interpretation
    context = {
        "intro": markup(to_html(facts.prose[0], links)),
        "write_up": markup(to_html(facts.prose[1], links)),
        "data": data_card(facts),
        "figures": figures(site),
        "findings": body(readme.eda_findings(facts.eda)),
        "quality": body(readme.data_quality(cfg, facts.quality, interpretation)),
        "clean": facts.clean,
        "drivers": body(readme.interpretation_section({**(interpretation or {}), "figures": []})),
        "next_steps": body(readme.next_steps(facts.eda)),
        "results": None,
        "seed": cfg.cv_seed,
        "public_url": cfg.serve_public_url,
    }
    if metrics:
        context["results"] = {
            "headline": body(readme.headline(cfg, metrics)),
            "table": body(readme.cv_table(metrics)),
            "comparison": body(readme.comparison(cfg, metrics)),
            "experiments": body(readme.experiments(cfg, metrics)),
            "summary": summary(facts, cfg.cv_folds),
        }
    site.write(page.file, render("index.html.j2", **site.context(page.file, **context)))
    if links.left_out:
        kinds = ", ".join(sorted(set(links.left_out)))
        print(f"site: left out of README.md's prose on the portfolio page: {kinds}")
    return "the portfolio" if metrics else "the portfolio, without results (no metrics.json)"


def data_card(facts) -> dict:
    """The question and the data, from the audit's record (rows, target, id) and the scores."""
    quality, metrics, eda = facts.quality or {}, facts.metrics or {}, facts.eda or {}
    history = facts.history
    features = pd.to_numeric(history["features"], errors="coerce").iloc[-1] if len(history) else 0
    task = metrics.get("task") or quality.get("task")
    return {
        "rows": quality.get("rows") or {},
        "target": quality.get("target"),
        "id": quality.get("id"),
        "task": task,
        "metric": metric_label(metrics["metric"], task) if metrics.get("metric") else None,
        "higher_is_better": metrics.get("greater_is_better", True),
        "features": int(features) if features > 0 else len(eda.get("top_features") or []) or None,
        "missing": sorted((eda.get("missing") or {}).items(), key=lambda item: -item[1])[:5],
    }


def summary(facts, folds: int) -> dict:
    """The scores the header, the approach and the model card state."""
    metrics = facts.metrics
    best = metrics["cv"][metrics["best_model"]]
    others = [name for name in metrics["cv"] if name not in ("dummy", "ensemble")]
    flags = [
        f["title"] for f in (facts.quality or {}).get("findings") or [] if f["severity"] == "high"
    ]
    last = facts.history.iloc[-1] if not facts.history.empty else None
    return {
        "model": model_label(metrics["best_model"]),
        "score": score(metrics["best_score"]),
        "std": score(best["std"]),
        "folds": len(best.get("folds") or []) or folds,
        "baseline": score(metrics["baseline_score"]) if metrics.get("baseline_score") else None,
        "models": [model_label(name) for name in others],
        "ensemble": "ensemble" in metrics["cv"],
        "high_findings": flags,
        "shift_auc": (facts.eda or {}).get("adversarial_auc"),
        "runs": len(facts.history),
        "commit": str(last["git_commit"]) if last is not None else "",
    }


def quality_page(site, page) -> str:
    """Every finding of the audit (and the residual check), its fix, and the owner's clean()."""
    quality = site.facts.quality or {}
    residuals = (site.facts.interpretation or {}).get("residual_outliers") or []
    found = sorted(
        [*residuals, *(quality.get("findings") or [])],
        key=lambda f: SEVERITIES.index(f["severity"]) if f.get("severity") in SEVERITIES else 9,
    )
    # finding_line starts with the title and severity, which the page shows as a heading.
    shown = [{**f, "line": finding_line(f).partition("): ")[2]} for f in found]
    context = {
        "quality": quality,
        "findings": shown,
        "clean": site.facts.clean,
        "proposed": quality.get("clean") or "",
    }
    site.write(page.file, render("quality.html.j2", **site.context(page.file, **context)))
    return f"{count(len(shown), 'finding')} of the data-quality audit"


def runs_page(site, page) -> str:
    """The run history: every `make train`, its note, score and change, and the chart."""
    history, metrics = site.facts.history, site.facts.metrics or {}
    greater = bool(metrics.get("greater_is_better", True))
    repository = site.facts.project.repository
    rows = []
    for _, run in runs.compared(history, greater).iterrows():
        commit = str(run["git_commit"] or "")
        rows.append(
            {
                "run": run["run"],
                "note": run["note"] or "",
                "model": model_label(str(run["best_model"])),
                "score": f"{score(run['score'])} ± {score(run['std'])}",
                "vs_previous": runs.change(run["vs_previous"]),
                "vs_best": runs.change(run["vs_best"]),
                "started": str(run["started_at"])[:10],
                "commit": commit,
                "commit_url": f"{repository}/commit/{commit}" if repository and commit else "",
                "dirty": str(run["dirty"]) == "True",
            }
        )
    metric = history["metric"].iloc[-1] if not history.empty else ""
    context = {
        "rows": rows,
        "metric": metric_label(metric) if metric else "",
        "chart": site.copied.get(site.layout.runs_figure.relative_to(site.cfg.root).as_posix()),
    }
    site.write(page.file, render("runs.html.j2", **site.context(page.file, **context)))
    return count(len(rows), "run")


def notebook_page(site, page) -> str:
    """The EDA notebook as HTML: the owner's notebook exported with nbconvert (figures inline),
    or reports/eda.html when the notebook is make's own and that export is already there."""
    from ..notebooks import export_html

    layout, source = site.layout, site.sources[page.file]
    target = site.folder / page.file
    if source == layout.eda_notebook and not (
        is_generated_notebook(source) and layout.eda_report.is_file()
    ):
        import nbformat

        try:
            notebook = nbformat.read(source, as_version=4)
        except (OSError, ValueError) as exc:  # not JSON, or not a notebook
            raise ProjectError(
                f"{source.relative_to(site.cfg.root)} cannot be read as a notebook ({exc}): "
                "fix it in JupyterLab, or restore it with git, then run `make site` again."
            ) from exc
        export_html(notebook, target)
    else:
        source = layout.eda_report
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    html = target.read_text(encoding="utf-8")
    site.write(page.file, with_navigation(html, **site.context(page.file)))
    return f"from {source.relative_to(site.cfg.root).as_posix()}"


def try_page(site, page) -> str:
    """The service's own form, posting to serve.public_url (the service must allow the site's
    origin: see the README's CORS setting)."""
    engine = resources.files(__package__.rpartition(".")[0])
    parts = SERVICE_PARTS.search(engine.joinpath(SERVICE_PAGE).read_text(encoding="utf-8"))
    if parts is None:
        raise RuntimeError(f"{SERVICE_PAGE} lost the <header> and <main> the try-it page reuses")
    for name in SERVICE_ASSETS:
        (site.folder / "assets" / name.rsplit("/", 1)[-1]).write_bytes(
            engine.joinpath(name).read_bytes()
        )
    url = urlsplit(site.cfg.serve_public_url)
    context = {
        "service": site.cfg.serve_public_url,
        "service_origin": f"{url.scheme}://{url.netloc}",
        "form": markup(parts.group(1) + parts.group(2)),
    }
    site.write(page.file, render("try.html.j2", **site.context(page.file, **context)))
    return f"posting to {site.cfg.serve_public_url}"
