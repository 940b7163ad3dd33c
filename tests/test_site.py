"""`make site` on a finished project cloned without its data: the pages, their links and size,
make's view of it, and what a headless Chromium with the network cut shows at two widths."""

import json
import re
import shutil

import pytest
import yaml

from browser import launch, outside, serving_folder
from conftest import make, stages_ran
from kaggle_starter.text import score
from site_checks import problems, read

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
MAX_BYTES = 30_000_000
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def _as_cloned(project):
    """What a fresh clone of the finished project holds: no data/, models/ or make bookkeeping
    (git ignores them), everything the stages wrote to reports/ and runs/."""
    for ignored in ("data", "models", "submissions", ".make"):
        shutil.rmtree(project / ignored, ignore_errors=True)
    return project


def _look(site, tmp_path) -> tuple[dict, list[str]]:
    """Open the portfolio at each width: its broken images, its overflow, a screenshot each."""
    seen, requested = {}, []
    with serving_folder(site) as url, sync_api.sync_playwright() as playwright:
        browser = launch(playwright, tmp_path / "profile")
        for name, (width, height) in WIDTHS.items():
            page = browser.new_page()
            page.set_viewport_size({"width": width, "height": height})
            page.on("request", lambda r: requested.append(r.url))
            page.goto(f"{url}/index.html", wait_until="networkidle")
            seen[name] = {
                # The figures load lazily, as the reader scrolls to them: load each now.
                "broken": page.evaluate(
                    "Promise.all([...document.images].map(i => { i.loading = 'eager'; "
                    "return i.decode().then(() => null, () => i.src); }))"
                    ".then(found => found.filter(Boolean))"
                ),
                "width": page.evaluate("document.documentElement.scrollWidth"),
                "nav": page.get_by_role("navigation", name="Pages of this site").is_visible(),
            }
            page.screenshot(path=str(tmp_path / f"index-{name}.png"), full_page=True)
            page.close()
        browser.close()
    return seen, requested


def test_make_site_publishes_a_fresh_clone_without_data_and_it_reads_offline(
    finished_copy, tmp_path
):
    project = _as_cloned(finished_copy)
    result = make(project, "site")
    assert stages_ran(result) == {"site"}, result.stdout  # no `make data` without data/
    assert "python -m http.server -d site" in result.stdout
    site = project / "site"
    pages = sorted(p.name for p in site.glob("*.html"))
    assert {"index.html", "eda.html", "profile.html", "quality.html", "runs.html"} <= set(pages)
    assert sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) <= MAX_BYTES
    assert problems(site) == []

    index = read(site / "index.html")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (site / "index.html").read_text()))
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    assert f"{score(metrics['best_score'])} ± " in text
    figures = [i for i in index.images if i["src"].startswith("figures/")]
    assert len(figures) >= 3 and all(i["alt"] for i in figures)
    headings = {text for _, text in index.headings}
    assert {"The question and the data", "Results", "What drives the predictions"} <= headings
    assert {"Data quality", "Experiments", "Model card"} <= headings

    seen, requested = _look(site, tmp_path)
    assert outside(requested) == []
    for name, (width, _) in WIDTHS.items():
        assert seen[name]["broken"] == [], name
        assert seen[name]["width"] <= width, f"the page is wider than a {name} screen"
        assert seen[name]["nav"], name


def test_make_site_reruns_when_what_it_shows_changes_and_clean_removes_it(finished_copy):
    project = _as_cloned(finished_copy)
    assert stages_ran(make(project, "site")) == {"site"}
    assert stages_ran(make(project, "site")) == set()  # up to date
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nOne more thought.\n")
    assert stages_ran(make(project, "site")) == {"site"}
    assert "One more thought." in (project / "site" / "index.html").read_text()

    config = project / "config.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["serve"]["public_url"] = "https://model.example.org/"
    config.write_text(yaml.safe_dump(settings))
    assert stages_ran(make(project, "site")) == {"site"}  # its settings changed
    assert (project / "site" / "try.html").is_file()

    cleaned = make(project, "clean")
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (project / "site").exists() and (project / "runs" / "index.csv").is_file()


def test_the_pages_workflow_builds_from_the_repository_and_deploys_with_pages_permissions(
    default_project,
):
    workflow = yaml.safe_load((default_project / ".github/workflows/pages.yml").read_text())
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [s["run"] for s in build["steps"] if "run" in s]
    assert runs == ["make setup", "make site"]  # no `make data`: no data, no Kaggle token
    uploads = [s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages")]
    assert uploads and uploads[0]["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert not any("KAGGLE" in json.dumps(step) for step in build["steps"])


def test_the_readme_links_the_site_and_says_how_to_switch_pages_on(tmp_path):
    from conftest import render

    project = render(tmp_path, github_username="Ada-Lovelace", project_slug="my-titanic")
    readme = (project / "README.md").read_text()
    assert "https://ada-lovelace.github.io/my-titanic/" in readme
    assert "Settings → Pages → Build and deployment → Source: GitHub" in readme
    assert "serve.cors_origins" in readme  # the service's side of the try-it page
    assert "site/" in (project / ".gitignore").read_text().split()
