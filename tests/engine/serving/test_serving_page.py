"""A real headless Chromium, with the network cut, tries the model through the page at ``/``."""

import pytest

from browser import launch, outside
from kaggle_starter.serving.app import create_app

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def test_a_reader_fills_the_form_sees_the_prediction_and_reads_the_docs_offline(
    classifier, serve, tmp_path
):
    model, schema, card, train = classifier
    app = create_app(model, schema, card, train, None, version="page-test")
    requested = []
    with serve(app) as url, sync_api.sync_playwright() as playwright:
        browser = launch(playwright, tmp_path / "profile")
        page = browser.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{url}/")
        size = page.get_by_label("size (cm)")
        size.wait_for()
        assert "training range" in page.locator(".field", has=size).inner_text()
        levels = page.get_by_label("colour").locator("option").all_inner_texts()
        assert sorted(levels) == ["(missing)", "blue", "green", "red"]
        note = page.get_by_label("note")  # a text-role column: a textarea, with its limit
        assert note.evaluate("node => node.tagName") == "TEXTAREA"
        assert "up to 5,000 characters" in page.locator(".field", has=note).inner_text()

        page.get_by_role("button", name="Clear").click()
        size.fill("14.5")
        page.get_by_label("colour").select_option(label="red")
        page.get_by_label("member").select_option(label="true")
        page.get_by_label("seen").fill("2021-03-04")
        note.fill("item beta of batch\nwritten on two lines")
        page.get_by_role("button", name="Predict").click()
        page.locator("#prediction").filter(has_text="1").wait_for(timeout=15_000)
        probabilities = page.locator("#probabilities tbody tr").all_inner_texts()

        size.fill("400")
        page.get_by_role("button", name="Predict").click()
        page.locator("#warnings li").first.wait_for(timeout=15_000)
        warning = page.locator("#warnings").inner_text()

        refused = []  # what the pages' Content-Security-Policy blocked, if anything
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(f"{url}/docs")  # Swagger UI, served by the app itself
        page.locator(".opblock-summary-path", has_text="/predict").wait_for(timeout=15_000)
        page.locator(".opblock-summary-path", has_text="/predict").click()
        page.get_by_role("button", name="Try it out").click()
        page.get_by_role("button", name="Execute").click()
        page.locator(".live-responses-table .response-col_status", has_text="200").wait_for(
            timeout=15_000
        )
        browser.close()

    sent = train.iloc[:1][["size (cm)", "colour", "member", "note", "seen"]].copy()
    when = __import__("pandas").Timestamp("2021-03-04")
    sent.iloc[0] = [14.5, "red", True, "item beta of batch\nwritten on two lines", when]
    expected = model.predict_proba(sent)[0]
    assert model.predict(sent)[0] == 1
    assert [row.split("\t")[:2] for row in probabilities] == [
        [str(label), f"{share:.4f}"] for label, share in zip(model.classes_, expected, strict=True)
    ]
    assert "outside the training range" in warning
    assert outside(requested) == [] and refused == []
