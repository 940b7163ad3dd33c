"""`make site`: a static, self-contained website built from the committed artifacts alone."""

import re
import shutil

import pytest
from site_project import QUALITY, finished

import site_checks
from kaggle_starter import cleanup, makedeps
from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One finished miniature project and its site, shared by the read-only tests below."""
    from site_project import build

    root = finished(tmp_path_factory.mktemp("site"))
    return root, build(root)


def test_every_page_is_there_and_every_link_and_image_resolves_inside_the_site(built):
    root, site = built
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    pages = {"index.html", "eda.html", "profile.html", "quality.html", "runs.html"}
    assert pages <= files
    assert {"favicon.svg", "assets/site.css", "assets/nav.css", "figures/shap_summary.png"} <= files
    assert "docs/diagram.png" in files  # an image of the owner's README, copied in
    assert site_checks.problems(site) == []
    assert not (site / "try.html").exists()  # serve.public_url is empty


def test_the_portfolio_page_says_what_the_artifacts_say(built):
    _, site = built
    index = (site / "index.html").read_text()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", index))
    assert "0.8765" in text and "± 0.0101" in text  # the best CV score, as in metrics.json
    assert "LightGBM" in text and "(best)" in text and "dummy baseline" in text
    for section in ("data", "approach", "results", "figures", "drivers", "quality", "model-card"):
        assert f'id="{section}"' in index, section
    assert "train 891 · test 418" in text  # the audit's record: no data/ needed
    assert "Intended use" in text and "Limitations" in text
    assert "Columns that give the target away" in text
    page = site_checks.read(site / "index.html")
    assert len(page.images) >= 4 and all(image["alt"] for image in page.images)
    assert (
        page.meta["og:image"]
        == "https://some-one.github.io/titanic/figures/permutation_importance.png"
    )
    assert page.meta["og:url"] == "https://some-one.github.io/titanic/"


def test_the_owners_prose_is_on_the_portfolio_page_with_links_pointed_at_the_site(built):
    _, site = built
    index = (site / "index.html").read_text()
    assert "Predicting who survived, with my own features." in index  # before the block
    assert "My notes" in index and 'href="#more"' in index and 'id="more"' in index
    assert "The committed block" not in index  # the site writes its own sections
    assert '<a href="eda.html">the notebook</a>' in index
    assert '<a href="quality.html">quality audit</a>' in index
    assert 'href="https://github.com/Some-One/titanic/blob/HEAD/src/titanic/features.py"' in index
    assert 'src="docs/diagram.png" alt="A diagram of mine"' in index
    assert "example.com/tracker" not in index and "badge.svg" not in index


def test_values_from_the_data_are_text_never_markup(built):
    _, site = built
    quality = (site / "quality.html").read_text()
    assert "a &lt;leak&gt;" in quality and "<leak>" not in quality
    runs = (site / "runs.html").read_text()
    assert "fare | bins" in runs and "(with uncommitted edits)" in runs


def test_the_reports_of_other_stages_get_the_navigation_bar_once(built):
    _, site = built
    profile = (site / "profile.html").read_text()
    assert profile.count('class="ks-nav"') == 1 and "<h1>Profile of train</h1>" in profile
    # A minified page has no </head>: the bar's styles go before <body>, the bar after it.
    assert profile.index("assets/nav.css") < profile.index("<body>") < profile.index("ks-nav")


def test_a_missing_artifact_leaves_its_page_out_and_says_why(tmp_path, capsys):
    from site_project import build

    root = finished(tmp_path)
    (root / "reports" / "profile.html").unlink()
    (root / "reports" / "metrics.json").unlink()
    site = build(root)
    out = capsys.readouterr().out
    assert "site: no Profile page: reports/profile.html is missing (run `make profile`)" in out
    assert "site: no Monitoring page: reports/monitoring.html is missing" in out
    assert "without results (no metrics.json)" in out
    assert not (site / "profile.html").exists()
    assert 'href="profile.html"' not in (site / "index.html").read_text()
    assert "python -m http.server -d site" in out
    assert site_checks.problems(site) == []


def test_a_rebuild_replaces_the_site_whole_and_clean_removes_only_a_site_it_wrote(tmp_path):
    from site_project import build

    root = finished(tmp_path)
    site = build(root)
    (site / "stale.html").write_text("from an older build")
    build(root)
    assert not (site / "stale.html").exists()
    assert "site/" in cleanup.clean(root) and not site.exists()

    site.mkdir()
    (site / "index.html").write_text("my own site")
    assert "site/" not in cleanup.clean(root)
    assert (site / "index.html").read_text() == "my own site"


def test_an_owners_site_folder_is_never_replaced_without_force(tmp_path, capsys):
    from site_project import build

    root = finished(tmp_path)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("my own site")
    with pytest.raises(ProjectError, match=r"site/ exists and was not written by `make site`"):
        build(root)
    assert (root / "site" / "index.html").read_text() == "my own site"
    build(root, force=True)
    assert (root / "site.edited" / "index.html").read_text() == "my own site"
    assert (root / "site" / ".kaggle-starter-site").is_file()
    assert "moved to site.edited/" in capsys.readouterr().out


def test_an_edited_notebook_is_exported_with_nbconvert(tmp_path):
    import nbformat
    from site_project import build

    root = finished(tmp_path)
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# My own analysis\n\nWritten by hand.")]
    )
    (root / "notebooks").mkdir()
    nbformat.write(notebook, root / "notebooks" / "01-eda.ipynb")
    page = (build(root) / "eda.html").read_text()
    assert "Written by hand." in page and "Exploratory analysis" not in page
    assert page.count('class="ks-nav"') == 1


def test_a_public_url_adds_the_try_it_page_with_the_services_own_form(tmp_path):
    from site_project import build

    root = finished(tmp_path, serve={"public_url": "https://model.example.org/api"})
    site = build(root)
    page = (site / "try.html").read_text()
    assert 'content="https://model.example.org/api/"' in page  # normalised with a slash
    assert "connect-src https://model.example.org;" in page
    assert page.index("assets/tryit.js") < page.index("assets/page.js")
    for needed in ('id="fields"', 'id="predict"', 'id="prediction"', 'id="error"'):
        assert needed in page, needed
    assert page.count("<main") == 1
    assert (site / "assets" / "page.js").is_file() and (site / "assets" / "page.css").is_file()
    assert 'href="try.html"' in (site / "index.html").read_text()
    assert site_checks.problems(site) == []


@pytest.mark.parametrize(
    ("given", "effective"),
    [("", ""), ("https://a.example.com", "https://a.example.com/"), ("http://h:8000/x/", None)],
)
def test_serve_public_url_is_an_http_address_or_empty(tmp_path, given, effective):
    (tmp_path / "config.yaml").write_text(f"serve:\n  public_url: {given!r}\n")
    assert load_config(tmp_path).serve_public_url == (effective or given)


@pytest.mark.parametrize("given", ["ftp://a.example.com", "a.example.com", "https://a/?q=1"])
def test_a_wrong_public_url_is_one_sentence(tmp_path, given):
    (tmp_path / "config.yaml").write_text(f"serve:\n  public_url: {given!r}\n")
    with pytest.raises(ProjectError, match=r"serve.public_url is .*; give the address"):
        load_config(tmp_path)


def test_make_redoes_the_site_when_its_templates_or_the_services_form_change():
    sources = {
        p.relative_to(makedeps.PACKAGE_DIR).as_posix() for p in makedeps.stage_sources()["site"]
    }
    assert {"site/templates/index.html.j2", "site/static/site.css", "serving/page.js"} <= sources
    assert "stages/train.py" not in sources


def test_the_audit_record_alone_gives_the_data_card(tmp_path):
    from kaggle_starter.site.content import gather
    from kaggle_starter.site.sections import data_card

    root = finished(tmp_path)
    shutil.rmtree(root / "runs")
    card = data_card(gather(load_config(root)))
    assert card["rows"] == QUALITY["rows"] and card["target"] == "label" and card["id"] == "row_id"
    assert card["metric"] == "ROC AUC" and card["higher_is_better"] is True
