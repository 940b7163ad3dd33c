"""The official Kaggle client, reached only when it is needed, and its failures in plain words.

The Python API (``kaggle.api.kaggle_api_extended.KaggleApi``) is used rather than the ``kaggle``
command: its calls raise ``requests`` exceptions carrying the HTTP status, so a refused rule, a bad
key or a rate limit becomes one precise sentence instead of scraped console text, and the client's
own progress bars and download retries still apply.

``import kaggle`` authenticates as a side effect and, without credentials, prints a long help block
and creates a config folder. So credentials are looked for here first, and the import happens only
once they exist. Credential values are never read into messages, printed or stored.
"""

import contextlib
import errno
import io
import os
import stat
import sys
import warnings
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..errors import ProjectError

NO_CREDENTIALS = (
    "No Kaggle credentials were found: create a token at kaggle.com → Settings → API and either "
    "export it as KAGGLE_API_TOKEN or save the downloaded kaggle.json as ~/.kaggle/kaggle.json "
    "(chmod 600 ~/.kaggle/kaggle.json), then run the command again."
)


def credentials_source() -> str | None:
    """Where the client will find credentials (a description, never the value), or None.

    Mirrors the order of ``KaggleApi.authenticate``: an access token, then a legacy kaggle.json
    key (or ``KAGGLE_USERNAME`` with ``KAGGLE_KEY``), then OAuth credentials from ``kaggle auth``.
    """
    home = Path.home() / ".kaggle"
    if os.environ.get("KAGGLE_API_TOKEN"):
        return "KAGGLE_API_TOKEN"
    for name in ("access_token", "access_token.txt"):
        if (home / name).is_file():
            return str(home / name)
    if os.environ.get("KAGGLE_USERNAME") and os.environ.get("KAGGLE_KEY"):
        return "KAGGLE_USERNAME and KAGGLE_KEY"
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "kaggle"
    config_dir = os.environ.get("KAGGLE_CONFIG_DIR")
    for folder in (Path(config_dir) if config_dir else None, home, xdg):
        if folder is not None and (folder / "kaggle.json").is_file():
            return str(folder / "kaggle.json")
    if (home / "credentials.json").is_file():
        return str(home / "credentials.json")
    return None


def warn_if_readable(source: str) -> None:
    """One WARNING when the credentials file can be read by other users of this machine.

    The client prints the same advice, but to the stdout that :func:`connect` silences (its
    other output is noise); the path is named, never the file's content.
    """
    path = Path(source)
    if os.name == "nt" or not path.is_absolute() or not path.is_file():
        return  # an environment variable, or Windows, where the mode bits mean nothing
    if path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.warn(
            f"{path} is readable by other users of this machine, who could use your Kaggle "
            f"key: run `chmod 600 {path}`.",
            stacklevel=3,
        )


def connect():
    """An authenticated ``KaggleApi``, or :class:`ProjectError` without usable credentials."""
    source = credentials_source()
    if source is None:
        raise ProjectError(NO_CREDENTIALS)
    warn_if_readable(source)
    quiet = io.StringIO()
    try:
        with contextlib.redirect_stdout(quiet):
            from kaggle.api.kaggle_api_extended import KaggleApi

            api = KaggleApi()
            api.authenticate()
    except SystemExit as exc:
        raise ProjectError(
            f"The Kaggle credentials in {source} were not accepted by the Kaggle client: create a "
            "new token at kaggle.com → Settings → API and replace them, then run the command again."
        ) from exc
    return api


def client_version() -> str | None:
    """The installed Kaggle client's version, for the manifest."""
    module = sys.modules.get("kaggle")
    return getattr(module, "__version__", None)


def _retry_after(response) -> str:
    """When to retry, in words, from a 429 answer's ``Retry-After`` (seconds or an HTTP date)."""
    value = (response.headers.get("Retry-After") or "").strip() if response is not None else ""
    if value.isdigit():
        return f"wait {int(value)} seconds"
    with contextlib.suppress(TypeError, ValueError, IndexError):
        when = parsedate_to_datetime(value)
        seconds = max(0, round((when - datetime.now(UTC)).total_seconds()))
        return f"wait {seconds} seconds (until {when:%H:%M} UTC)"
    return "wait a few minutes"


def _without_status(exc: BaseException, doing: str, retry: str) -> str:
    """The sentence for a failure that carries no HTTP status: a full disk, a lost connection."""
    import requests

    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return (
            f"The disk filled up while {doing}: the download did not fit; data/raw is unchanged: "
            f"free some space (or move the project to a larger disk) and run `{retry}` again."
        )
    if isinstance(exc, requests.exceptions.RequestException | OSError):
        return (
            f"The connection to Kaggle failed while {doing} ({type(exc).__name__}): "
            f"check your internet connection (and HTTP_PROXY, if you use one) and run `{retry}` "
            "again."
        )
    return (
        f"The Kaggle client failed while {doing} ({type(exc).__name__}): Kaggle's answer was "
        f"incomplete or malformed; run `{retry}` again."
    )


def explain(exc: BaseException, doing: str, kind: str, ref: str, retry: str) -> ProjectError:
    """One sentence for a Kaggle call that failed while ``doing`` (e.g. "downloading 'titanic'").

    ``retry`` is the command to run again. The exception's own text is left out on purpose: it can
    hold URLs and proxy settings, and the status code says everything the user can act on.
    """
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    page = (
        f"https://www.kaggle.com/competitions/{ref}"
        if kind == "competition"
        else f"https://www.kaggle.com/datasets/{ref}"
    )
    if status == 401:
        text = (
            f"Kaggle rejected your credentials (HTTP 401) while {doing}: create a new token "
            "at kaggle.com → Settings → API, put it in KAGGLE_API_TOKEN or ~/.kaggle/kaggle.json "
            f"(mode 600), and run `{retry}` again."
        )
    elif status == 403 and kind == "competition":
        text = (
            f"Kaggle refused the request (HTTP 403) while {doing} because you have not accepted "
            f"the competition's rules: accept them at {page}/rules while signed in, then run "
            f"`{retry}` again."
        )
    elif status == 403:
        text = (
            f"Kaggle refused the request (HTTP 403) while {doing}: the dataset is private or your "
            f"account has no access; check {page} while signed in, then run `{retry}` again."
        )
    elif status == 404:
        noun = "competition" if kind == "competition" else "dataset"
        text = (
            f"Kaggle has no {noun} '{ref}' (HTTP 404): check the name in its address ({page}) "
            "and set data.ref in config.yaml to it."
        )
    elif status == 429:
        text = (
            f"Kaggle is rate-limiting your requests (HTTP 429) while {doing}: "
            f"{_retry_after(response)} and run `{retry}` again."
        )
    elif status is not None:
        text = (
            f"Kaggle answered HTTP {status} while {doing}: the service may be busy; "
            f"try `{retry}` again in a few minutes."
        )
    else:
        text = _without_status(exc, doing, retry)
    return ProjectError(text)
