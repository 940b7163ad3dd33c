"""Headless Chromium for the tests, with the network cut, and a folder served on 127.0.0.1.

The browser is the system's own (Debian's ``chromium``), driven by Playwright: nothing is
downloaded. Every host name but 127.0.0.1 fails to resolve, so a page that reaches for the
network shows it as a failed request, which the tests collect.
"""

import contextlib
import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Every host name fails to resolve except the test server's address: the network is cut.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def chromium() -> str:
    """The browser's executable; the test is skipped on a machine without one."""
    for candidate in CANDIDATES:
        found = candidate if Path(candidate).is_file() else shutil.which(candidate)
        if found:
            return found
    pytest.skip("no Chromium found (apt-get install chromium): the page test needs a browser")


def launch(playwright, profile: Path, **options):
    """A browser context on a fresh profile (nothing cached from another run)."""
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=chromium(), headless=True, args=FLAGS, **options
    )


def outside(requests: list[str]) -> list[str]:
    """The requested URLs that left 127.0.0.1 (or tried to)."""
    return [url for url in requests if urlsplit(url).hostname not in ("127.0.0.1", None)]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output is for failures
        pass


@contextlib.contextmanager
def serving_folder(folder: Path) -> Iterator[str]:
    """A static file server on a free 127.0.0.1 port, as `python -m http.server -d` runs one;
    yields its base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
