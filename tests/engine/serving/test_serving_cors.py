"""serve.cors_origins: the web pages allowed to call the service from a browser (the site's
try-it page). Listed origins get CORS headers, on answers and on preflights; any other origin
gets none, and with the default empty list the service sends no CORS header at all."""

import http.client
import shutil

import pytest
from example import EXAMPLE

from kaggle_starter.config import load_config
from kaggle_starter.errors import ProjectError
from kaggle_starter.serving.app import create_app

SITE = "https://owner.github.io"
OTHER = "https://elsewhere.example"


def request(url: str, method: str, path: str, headers: dict, body: bytes | None = None):
    """(status, lower-cased headers) of one real HTTP request."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def preflight(url: str, origin: str):
    return request(
        url,
        "OPTIONS",
        "/predict",
        {
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )


def post(url: str, origin: str):
    headers = {"Origin": origin, "Content-Type": "application/json"}
    return request(url, "POST", "/predict", headers, b'{"size (cm)": 2.5}')


def test_a_listed_origin_may_call_the_service_and_another_may_not(classifier, serve):
    model, schema, card, train = classifier
    app = create_app(model, schema, card, train, None, cors_origins=(SITE,), version="cors")
    with serve(app) as url:
        status, headers = preflight(url, SITE)
        assert status == 200
        assert headers["access-control-allow-origin"] == SITE
        assert set(headers["access-control-allow-methods"].split(", ")) == {"GET", "POST"}
        assert "content-type" in headers["access-control-allow-headers"].lower()
        assert headers["access-control-max-age"] == "600"
        status, headers = post(url, SITE)
        assert status == 200 and headers["access-control-allow-origin"] == SITE
        status, headers = request(url, "GET", "/schema", {"Origin": SITE})
        assert status == 200 and headers["access-control-allow-origin"] == SITE

        status, headers = preflight(url, OTHER)
        assert status == 400 and "access-control-allow-origin" not in headers
        status, headers = post(url, OTHER)  # answered (a browser would not let the page read it)
        assert status == 200 and "access-control-allow-origin" not in headers


def test_by_default_the_service_sends_no_cors_headers(classifier, serve):
    model, schema, card, train = classifier
    with serve(create_app(model, schema, card, train, None, version="cors")) as url:
        status, headers = preflight(url, SITE)
        assert status == 405 and not any(k.startswith("access-control-") for k in headers)
        status, headers = post(url, SITE)
        assert status == 200 and not any(k.startswith("access-control-") for k in headers)


@pytest.fixture
def project(tmp_path):
    shutil.copy(EXAMPLE / "config.yaml", tmp_path / "config.yaml")
    return tmp_path


def _with_origins(project, value: str) -> None:
    path = project / "config.yaml"
    assert "cors_origins: []" in path.read_text()
    path.write_text(path.read_text().replace("cors_origins: []", f"cors_origins: {value}", 1))


def test_the_origins_are_read_from_config_and_empty_by_default(project):
    assert load_config(project).serve_cors_origins == ()
    _with_origins(
        project, '["https://Owner.GitHub.io/", "http://localhost:8080", "http://[::1]:3000"]'
    )
    assert load_config(project).serve_cors_origins == (
        "https://owner.github.io",
        "http://localhost:8080",
        "http://[::1]:3000",
    )


@pytest.mark.parametrize(
    "value",
    [
        "https://owner.github.io",  # not a list
        '["owner.github.io"]',  # no scheme
        '["ftp://owner.github.io"]',
        '["https://owner.github.io/my-project"]',  # a path: an origin has none
        '["*"]',
        '["https://*.github.io"]',
        '["https://owner.github.io:99999"]',
        '["https://user@owner.github.io"]',
        "[8080]",
    ],
)
def test_a_bad_origin_is_one_sentence_naming_the_key_and_the_fix(project, value):
    _with_origins(project, value)
    with pytest.raises(ProjectError) as caught:
        load_config(project)
    message = str(caught.value)
    assert message.startswith("config.yaml: serve.cors_origins "), message
    assert '["https://you.github.io", "http://localhost:8080"]' in message
    assert "\n" not in message
