"""A stand-in for Kaggle's API on 127.0.0.1, so the real ``kaggle`` client runs end to end offline.

The client is pointed here with ``KAGGLE_API_ENVIRONMENT=LOCALHOST`` (it then calls
``http://localhost/api/v1/<service>/<Method>``) and ``HTTP_PROXY`` set to this server, which
therefore receives proxy-style request lines (``POST http://localhost/api/v1/... HTTP/1.1``).

It serves competitions and datasets from folders, zipped on demand, with the wire format the
client expects (JSON in camelCase, a 302 from the download RPC to the archive, ``Content-Length``,
``Last-Modified``, ``ETag`` and ``Range`` on the archive), records every request and every
submission, and can be told to fail the way Kaggle does: an HTTP status on any RPC (403 rules,
401, 404, 429 with ``Retry-After``), a download cut mid-stream, a slowed-down download, or a
different archive (unsafe, corrupt, short) in place of the real one.
"""

import hashlib
import io
import json
import threading
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"
RULES_MESSAGE = "You must accept this competition's rules before you'll be able to download files."
MESSAGES = {
    401: "Unauthenticated",
    403: RULES_MESSAGE,
    404: "Not found",
    429: "Too many requests",
    500: "Internal error",
}


def zip_folder(folder: Path) -> bytes:
    """The folder's files as a deflated zip, members named by their path inside the folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def unsafe_zip() -> bytes:
    """A zip whose member climbs out of the extraction folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("train.csv", "a,b\n1,2\n")
        archive.writestr("../evil", "written outside the folder\n")
    return buffer.getvalue()


def corrupt_zip(folder: Path) -> bytes:
    """The folder's archive with bytes flipped inside the first member's data (a CRC failure)."""
    data = bytearray(_stored_zip(folder))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        first = archive.infolist()[0]
    start = first.header_offset + 30 + len(first.filename.encode()) + len(first.extra)
    for offset in range(start, start + min(16, first.compress_size)):
        data[offset] ^= 0xFF
    return bytes(data)


def _stored_zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


@dataclass
class Source:
    folder: Path
    metadata: dict
    archive: bytes = b""

    def listing(self) -> list[dict]:
        return [
            {"name": p.relative_to(self.folder).as_posix(), "totalBytes": p.stat().st_size}
            for p in sorted(self.folder.rglob("*"))
            if p.is_file()
        ]


@dataclass
class Fault:
    status: int
    method: str = "*"
    retry_after: str | None = None


@dataclass
class KaggleServer:
    """Start with :meth:`start`, point the client at it with :meth:`env`, stop with :meth:`stop`."""

    competitions: dict[str, Source] = field(default_factory=dict)
    datasets: dict[str, Source] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    submissions: list[dict] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    archive_override: bytes | None = None
    cuts_left: int = 0
    cut_after: int = 0
    chunk_delay: float = 0.0
    download_started: threading.Event = field(default_factory=threading.Event)
    uploads: dict[str, bytes] = field(default_factory=dict)

    # -- content -----------------------------------------------------------------------------
    def add_competition(self, slug: str, folder: Path, **metadata) -> None:
        meta = {
            "ref": slug,
            "title": slug.replace("-", " ").title(),
            "url": f"https://www.kaggle.com/competitions/{slug}",
            "evaluationMetric": "Categorization Accuracy",
            "category": "Getting Started",
            **metadata,
        }
        self.competitions[slug] = Source(folder, meta, zip_folder(folder))

    def add_dataset(self, ref: str, folder: Path, title: str, license_name: str) -> None:
        owner, slug = ref.split("/")
        meta = {
            "datasetSlug": slug,
            "ownerUser": owner,
            "title": title,
            "licenses": [{"name": license_name}],
        }
        self.datasets[ref] = Source(folder, meta, zip_folder(folder))

    # -- faults ------------------------------------------------------------------------------
    def fail(self, status: int, method: str = "*", retry_after: str | None = None) -> None:
        """Answer ``status`` to every RPC named ``method`` ("*": every RPC) until :meth:`heal`."""
        self.faults.append(Fault(status, method, retry_after))

    def cut_download(self, after_bytes: int, times: int = 1) -> None:
        """Close the connection after ``after_bytes`` of the next ``times`` archive downloads."""
        self.cut_after, self.cuts_left = after_bytes, times

    def heal(self) -> None:
        self.faults.clear()
        self.archive_override = None
        self.cuts_left = 0
        self.chunk_delay = 0.0
        self.download_started.clear()

    def api_calls(self) -> list[str]:
        return [path for method, path in self.requests if "/api/v1/" in path]

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> "KaggleServer":
        server = self

        class Handler(_Handler):
            state = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def env(self, home: Path, key: str) -> dict[str, str]:
        """Environment variables that send the real client here, with a fake legacy key."""
        proxy = f"http://127.0.0.1:{self.port}"
        return {
            "KAGGLE_API_ENVIRONMENT": "LOCALHOST",
            "HTTP_PROXY": proxy,
            "http_proxy": proxy,
            "NO_PROXY": "",
            "no_proxy": "",
            "KAGGLE_USERNAME": "tester",
            "KAGGLE_KEY": key,
            "HOME": str(home),
            "KAGGLE_CONFIG_DIR": str(home / ".kaggle"),
        }


class _Handler(BaseHTTPRequestHandler):
    state: KaggleServer

    def log_message(self, format, *args):  # quiet: pytest shows failures, not access logs
        pass

    # -- plumbing ----------------------------------------------------------------------------
    def _path(self) -> str:
        return urlsplit(self.path).path

    def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, status: int, message: str | None = None, headers=None) -> None:
        self._json(
            status, {"code": status, "message": message or MESSAGES.get(status, "")}, headers
        )

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    # -- verbs -------------------------------------------------------------------------------
    def do_POST(self):
        state, path = self.state, self._path()
        state.requests.append(("POST", path))
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        method = path.rsplit("/", 1)[-1]
        for fault in state.faults:
            if fault.method in ("*", method):
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
                return self._error(fault.status, headers=headers)
        if method == "IntrospectToken":
            return self._json(200, {"active": True, "username": "tester"})
        if not self.headers.get("Authorization"):
            return self._error(401)
        handler = getattr(self, f"_rpc_{method}", None)
        if handler is None:
            return self._error(404, f"no stand-in for {method}")
        return handler(body)

    def do_GET(self):
        state, path = self.state, self._path()
        state.requests.append(("GET", path))
        parts = path.strip("/").split("/")
        if parts[0] != "files" or len(parts) < 3:
            return self._error(404)
        key = "/".join(parts[2:]).removesuffix(".zip")
        sources = state.competitions if parts[1] == "competitions" else state.datasets
        if key not in sources:
            return self._error(404)
        self._send_archive(state.archive_override or sources[key].archive)

    def do_PUT(self):
        state, path = self.state, self._path()
        state.requests.append(("PUT", path))
        length = int(self.headers.get("Content-Length") or 0)
        state.uploads[path.rsplit("/", 1)[-1]] = self.rfile.read(length)
        self._json(200, {})

    def _send_archive(self, data: bytes) -> None:
        state = self.state
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        start = 0
        wanted = self.headers.get("Range", "")
        if wanted.startswith("bytes=") and self.headers.get("If-Range", etag) in (
            etag,
            LAST_MODIFIED,
        ):
            start = int(wanted[6:].split("-")[0] or 0)
        self.send_response(206 if start else 200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        state.download_started.set()
        end = len(data)
        if state.cuts_left > 0 and start < state.cut_after:
            state.cuts_left -= 1
            end = state.cut_after
        try:
            for offset in range(start, end, 4096):
                self.wfile.write(data[offset : min(offset + 4096, end)])
                self.wfile.flush()
                if state.chunk_delay:
                    threading.Event().wait(state.chunk_delay)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    # -- competitions ------------------------------------------------------------------------
    def _competition(self, body: dict) -> Source | None:
        source = self.state.competitions.get(body.get("competitionName", ""))
        if source is None:
            self._error(404, "Competition not found")
        return source

    def _rpc_GetCompetition(self, body):
        if source := self._competition(body):
            self._json(200, source.metadata)

    def _rpc_ListDataFiles(self, body):
        if source := self._competition(body):
            self._json(200, _page(source.listing(), body, "files"))

    def _rpc_DownloadDataFiles(self, body):
        if source := self._competition(body):
            self._redirect(f"http://localhost/files/competitions/{source.metadata['ref']}.zip")

    def _rpc_StartSubmissionUpload(self, body):
        if self._competition(body):
            token = f"blob-{len(self.state.uploads) + 1}"
            self.state.uploads[token] = b""
            self._json(200, {"token": token, "createUrl": f"http://localhost/upload/{token}"})

    def _rpc_CreateSubmission(self, body):
        if self._competition(body):
            token = body.get("blobFileTokens", "")
            self.state.submissions.append(
                {
                    "competition": body["competitionName"],
                    "description": body.get("submissionDescription", ""),
                    "content": self.state.uploads.get(token, b""),
                }
            )
            self._json(
                200,
                {
                    "message": "Successfully submitted to the competition",
                    "ref": len(self.state.submissions),
                },
            )

    # -- datasets ----------------------------------------------------------------------------
    def _dataset(self, body: dict) -> Source | None:
        source = self.state.datasets.get(f"{body.get('ownerSlug')}/{body.get('datasetSlug')}")
        if source is None:
            self._error(404, "Dataset not found")
        return source

    def _rpc_GetDatasetMetadata(self, body):
        if source := self._dataset(body):
            self._json(200, {"info": source.metadata})

    def _rpc_ListDatasetFiles(self, body):
        if source := self._dataset(body):
            self._json(200, _page(source.listing(), body, "datasetFiles"))

    def _rpc_DownloadDataset(self, body):
        if self._dataset(body):
            ref = f"{body['ownerSlug']}/{body['datasetSlug']}"
            self._redirect(f"http://localhost/files/datasets/{ref}.zip")


def _page(items: list[dict], body: dict, key: str) -> dict:
    """One page of ``items``, so the client's paging (pageSize, pageToken) is exercised."""
    size = int(body.get("pageSize") or 20)
    start = int(body.get("pageToken") or 0)
    following = start + size
    token = str(following) if following < len(items) else ""
    return {key: items[start:following], "nextPageToken": token}
