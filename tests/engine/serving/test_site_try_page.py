"""The site's try-it page, in a real headless Chromium with the network cut, asks the deployed
service (serve.public_url) through the service's own form: it answers when the service allows
the site's origin (CORS), and says the inputs could not be loaded when it does not."""

import pytest
from site_project import build, finished

from browser import launch, outside, serving_folder
from kaggle_starter.serving.app import create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def _site(tmp_path, service: str):
    return build(finished(tmp_path, serve={"public_url": service}))


def _open(playwright, tmp_path, url: str, requested: list[str]):
    browser = launch(playwright, tmp_path / "profile")
    page = browser.new_page()
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url)
    return browser, page


def test_the_try_it_page_predicts_through_the_deployed_service(classifier, serve, tmp_path):
    model, schema, card, train = classifier
    requested: list[str] = []
    with (
        serving_folder(tmp_path / "project" / "site") as site_url,
        sync_api.sync_playwright() as playwright,
    ):
        # The change the service needs, as the README describes it: serve.cors_origins.
        app = create_app(
            model, schema, card, train, None, cors_origins=(site_url,), version="site-test"
        )
        with serve(app) as service:
            _site(tmp_path, service)
            browser, page = _open(playwright, tmp_path, f"{site_url}/try.html", requested)
            page.get_by_label("size (cm)").wait_for(timeout=15_000)
            page.get_by_label("size (cm)").fill("14.5")
            page.get_by_role("button", name="Predict").click()
            page.locator("#prediction").filter(has_text="1").wait_for(timeout=15_000)
            browser.close()
    assert outside(requested) == []
    assert any(url.startswith(f"{service}/predict") for url in requested)


def test_without_the_cors_setting_the_form_says_the_service_cannot_be_read(
    classifier, serve, tmp_path
):
    model, schema, card, train = classifier
    app = create_app(model, schema, card, train, None, version="site-test")
    with (
        serve(app) as service,
        serving_folder(tmp_path / "project" / "site") as site_url,
        sync_api.sync_playwright() as playwright,
    ):
        _site(tmp_path, service)
        browser, page = _open(playwright, tmp_path, f"{site_url}/try.html", [])
        page.locator("#error").filter(has_text="could not be loaded").wait_for(timeout=15_000)
        browser.close()
