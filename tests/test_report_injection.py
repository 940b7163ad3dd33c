"""Column names and target names from the data cannot run script in the committed reports.

A project whose feature is named like an HTML tag with an event handler, and whose target name
carries backticks around one, runs data, profile and eda. The reports must hold no such element
(parsed as a browser would), and opening them in headless Chromium must fire no dialog.
"""

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from conftest import cli, render

FEATURE = "<img src=x onerror=alert(1)>"
TARGET = "y`<img src=x onerror=alert(2)>`"
CHROMIUM = Path("/usr/bin/chromium")


class Handlers(HTMLParser):
    """Every element that carries an inline event handler (onerror, onload, ...)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") and "alert(" in (value or ""):
                self.found.append(f"<{tag} {name}={value}>")


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("injection")
    source = root / "source"
    source.mkdir()
    rows = 60
    train = pd.DataFrame(
        {
            "id": range(rows),
            FEATURE: ["<b>bold</b>", "plain", "other"] * (rows // 3),
            "size": [float(i % 7) for i in range(rows)],
            TARGET: [0, 1] * (rows // 2),
        }
    )
    train.to_csv(source / "train.csv", index=False)
    test = train.drop(columns=[TARGET]).assign(id=range(rows, 2 * rows))
    test.to_csv(source / "test.csv", index=False)
    project = render(root, data_source="local", dataset=str(source), project_name="Injection")
    for stage in ("data", "profile", "eda"):
        result = cli(project, stage)
        assert result.returncode == 0, f"{stage}:\n{result.stderr}"
    return project / "reports"


@pytest.mark.parametrize("name", ["profile.html", "profile-train-vs-test.html", "eda.html"])
def test_no_element_from_a_name_carries_a_handler(reports, name):
    html = (reports / name).read_text(encoding="utf-8")
    parser = Handlers()
    parser.feed(html)
    assert parser.found == [], parser.found[:3]
    assert "&lt;img src=x onerror=alert(1)&gt;" in html or "&lt;img src=x onerror=alert(1)>" in html


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
@pytest.mark.parametrize("name", ["profile.html", "eda.html"])
def test_opening_the_report_fires_no_dialog(reports, name, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / name
    shutil.copy(reports / name, page_file)
    dialogs: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_timeout(500)
        browser.close()
    assert dialogs == []
