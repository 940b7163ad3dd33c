"""Stage `site`: the portfolio as a static website in ``site/``, from the committed reports.

It reads what a clone of the project holds (reports, figures, the run history, the notebook, the
README and ``features.py``; never ``data/`` or ``models/``), so `make site` works on a fresh
clone without data or credentials, and the Pages workflow publishes what the owner previews.
A page whose artifact is missing is left out with one line saying which and why
(:mod:`..site.build`); the index is always written.

``site/`` is the stage's only when it wrote it (a marker file inside says so): a ``site/`` of
the owner's is never replaced, unless ``FORCE=1``, which first moves it to ``site.edited/``, as
`make eda` does with an edited notebook. `make clean` removes ``site/`` only when it is marked.
"""

import time

from ..config import Config
from ..errors import ProjectError
from ..notebooks import set_aside
from ..site.build import build
from ..site.content import gather
from ..text import count, size


def run(cfg: Config, *, force: bool = False) -> None:
    """Build the site and swap it into site/; always rebuilt whole (make decides when)."""
    started = time.perf_counter()
    _claim(cfg, force)
    facts = gather(cfg)
    print(f"site: building {facts.project.name!r} from the committed reports", flush=True)
    site, missing = build(cfg, facts)
    for line in missing:
        print(f"site: {line}")
    files = [p for p in site.folder.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    print(
        f"site: {count(len(site.pages), 'page')}, {count(len(files), 'file')}, {size(total)} in "
        f"{site.folder.relative_to(cfg.root)}/ ({time.perf_counter() - started:.1f} s)"
    )
    print("site: to look at it here: python -m http.server -d site, then http://127.0.0.1:8000/")
    if facts.project.pages_url:
        print(f"site: .github/workflows/pages.yml publishes it at {facts.project.pages_url}")


def _claim(cfg: Config, force: bool) -> None:
    """Make sure site/ is the stage's to replace: absent, marked as written by it, or (FORCE=1)
    set aside whole."""
    folder = cfg.layout.site
    if not (folder.exists() or folder.is_symlink()) or cfg.layout.site_marker.is_file():
        return
    if not force:
        raise ProjectError(
            f"{folder.name}/ exists and was not written by `make site` (it has no "
            f"{cfg.layout.site_marker.name}): move it away, or run `make site FORCE=1`, which "
            f"moves it to {folder.name}.edited/ first."
        )
    kept = set_aside(folder)
    print(f"site: your {folder.name}/ was moved to {kept.name}/")
