"""Writing site/: which pages can be made, their files, and the folder swapped in whole.

A page exists when what it shows exists (:data:`PAGES`); otherwise one line says which page is
left out and why, and the navigation bar does not offer it. The folder is written beside
``site/`` and renamed into place (:func:`..files.replace_dir`), so a failed build leaves the
previous site as it was. Figures are copied once into ``site/figures/`` (the folder the reports
already point at, relative to ``reports/``) and every page links to that copy; the large
reports (the profiles) are copied once and linked, never inlined into another page.
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..config import Config
from ..files import replace_dir
from ..layout import Layout
from . import sections
from .content import Facts
from .markdown import Links
from .pages import Page, render, static_files, with_navigation

IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
FIGURES = "figures"  # site/figures/: the copies of reports/figures/
FAVICON = "favicon.svg"  # at the site's root; the other static files go to assets/


@dataclass(frozen=True)
class PageSpec:
    """A page: its file and label, the Layout attributes of what it is made from (the first
    that exists is used), and what to do when none exists."""

    page: Page
    sources: tuple[str, ...]
    remedy: str


PAGES = (
    PageSpec(Page("index.html", "Portfolio"), (), ""),
    PageSpec(Page("eda.html", "Notebook"), ("eda_notebook", "eda_report"), "run `make eda`"),
    PageSpec(Page("profile.html", "Profile"), ("profile_report",), "run `make profile`"),
    PageSpec(
        Page("profile-train-vs-test.html", "Train vs test"),
        ("profile_comparison",),
        "`make profile` writes it when the data has a test file",
    ),
    PageSpec(Page("quality.html", "Data quality"), ("data_quality",), "run `make data`"),
    PageSpec(
        Page("monitoring.html", "Monitoring"),
        ("monitoring_report",),
        "run `make serve`, then `make monitor`",
    ),
    PageSpec(Page("runs.html", "Runs"), ("runs_index",), "run `make train`"),
    PageSpec(Page("try.html", "Try it"), (), "set serve.public_url in config.yaml"),
)
# Project files that have a page of their own: links to them in the README go to the page.
PAGE_OF = {
    "reports/eda.html": "eda.html",
    "notebooks/01-eda.ipynb": "eda.html",
    "reports/profile.html": "profile.html",
    "reports/profile-train-vs-test.html": "profile-train-vs-test.html",
    "reports/data_quality.json": "quality.html",
    "reports/monitoring.html": "monitoring.html",
    "runs/index.csv": "runs.html",
}


@dataclass
class Site:
    """One build: the project, what it shows, the pages it has and the folder being written."""

    cfg: Config
    facts: Facts
    folder: Path
    pages: list[Page] = field(default_factory=list)
    sources: dict[str, Path] = field(default_factory=dict)  # page file -> what it is made from
    copied: dict[str, str] = field(default_factory=dict)  # project path -> site path
    left_out: list[str] = field(default_factory=list)

    @property
    def layout(self) -> Layout:
        return self.cfg.layout

    def links(self, anchors: set[str] | None = None) -> Links:
        return Links(self.link, self.image, set(anchors or ()), self.left_out)

    def link(self, path: str) -> str | None:
        """A project file as the site points at it: its page or copy here, else on GitHub."""
        name = _normalised(path)
        if name is None:
            return None
        page = PAGE_OF.get(name)
        if page and page in self.sources:
            return page
        if name in self.copied:
            return self.copied[name]
        repository = self.facts.project.repository
        return f"{repository}/blob/HEAD/{name}" if repository else None

    def image(self, path: str) -> str | None:
        """An image of the project, copied into the site (None: no such image)."""
        name = _normalised(path)
        if name is None or PurePosixPath(name).suffix.lower() not in IMAGES:
            return None
        if name not in self.copied:
            source = self.cfg.root / name
            if not source.is_file():
                return None
            shutil.copyfile(source, _made(self.folder / name))
            self.copied[name] = name
        return self.copied[name]

    def context(self, current: str, **extra) -> dict:
        """What every page's template is given."""
        return {
            "project": self.facts.project,
            "pages": self.pages,
            "current": current,
            "og_image": sections.key_figure(self),
            "description": sections.description(self.facts),
            **extra,
        }

    def write(self, page: str, html: str) -> None:
        (self.folder / page).write_text(html, encoding="utf-8")


def _normalised(path: str) -> str | None:
    """A relative path inside the project in POSIX form, or None for anything outside it."""
    parts = PurePosixPath(path.strip().replace("\\", "/")).parts
    kept: list[str] = []
    for part in parts:
        if part in ("", "."):
            continue
        if part == ".." or part.startswith("/") or ":" in part:
            return None
        kept.append(part)
    return "/".join(kept) or None


def _made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def plan(site: Site) -> list[str]:
    """Choose the pages that can be made; returns a sentence for each that cannot."""
    missing = []
    for spec in PAGES:
        found = [getattr(site.layout, name) for name in spec.sources]
        source = next((path for path in found if path.is_file()), None)
        if spec.page.file == "try.html" and not site.cfg.serve_public_url:
            missing.append(f"no {spec.page.label} page: serve.public_url is empty ({spec.remedy})")
        elif found and source is None:
            shown = " and ".join(p.relative_to(site.cfg.root).as_posix() for p in found)
            verb = "are" if len(found) > 1 else "is"
            missing.append(f"no {spec.page.label} page: {shown} {verb} missing ({spec.remedy})")
        else:
            site.pages.append(spec.page)
            site.sources[spec.page.file] = source or site.cfg.root
    return missing


def copy_assets(site: Site) -> None:
    """The static files, and every image of reports/figures/ (the reports link to them)."""
    for name, data in static_files().items():
        target = site.folder / (name if name == FAVICON else f"assets/{name}")
        _made(target).write_bytes(data)
    figures = site.layout.figures
    for path in sorted(figures.glob("*")) if figures.is_dir() else ():
        if path.is_file() and path.suffix.lower() in IMAGES:
            shutil.copyfile(path, _made(site.folder / FIGURES / path.name))
            site.copied[path.relative_to(site.cfg.root).as_posix()] = f"{FIGURES}/{path.name}"


def write_pages(site: Site) -> None:
    """Every planned page, with a line of progress each."""
    writers = {
        "index.html": sections.index_page,
        "eda.html": sections.notebook_page,
        "quality.html": sections.quality_page,
        "runs.html": sections.runs_page,
        "try.html": sections.try_page,
    }
    for page in site.pages:
        started = time.perf_counter()
        writer = writers.get(page.file, copied_report)
        note = writer(site, page)
        seconds = time.perf_counter() - started
        print(f"site: {page.file:<28} {note} ({seconds:.1f} s)", flush=True)


def copied_report(site: Site, page: Page) -> str:
    """A report another stage wrote, copied with the navigation bar added."""
    source = site.sources[page.file]
    html = source.read_text(encoding="utf-8")
    site.write(page.file, with_navigation(html, **site.context(page.file)))
    return f"from {source.relative_to(site.cfg.root).as_posix()}"


def build(cfg: Config, facts: Facts) -> tuple[Site, list[str]]:
    """Write the site beside site/ and swap it in; returns the build and the pages left out."""
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=cfg.root))
    umask = os.umask(0)  # read by setting it; mkdtemp's folder is private, a site is not
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        site = Site(cfg, facts, staging)
        missing = plan(site)
        copy_assets(site)
        write_pages(site)
        (staging / cfg.layout.site_marker.name).write_text(
            render("marker.txt.j2", project=facts.project), encoding="utf-8"
        )
        replace_dir(staging, cfg.layout.site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    site.folder = cfg.layout.site
    return site, missing
