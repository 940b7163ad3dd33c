"""Refusals made before the app runs: oversized bodies (413) and foreign host names (400).

Plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: the body limit must see the
body as it streams in. The declared ``Content-Length`` is checked first (the common case costs
nothing); a chunked body, which declares no length, is counted as it arrives and stopped at the
limit.

The host check answers only requests addressed to this machine's loopback names or to a name
the owner lists. A web page can point a name it controls at 127.0.0.1 (DNS rebinding) and then
read the service as if it were its own site; the Host header still carries the page's name, so
refusing it closes that door. Starlette's ``TrustedHostMiddleware`` does the same check but
answers a bare text "Invalid host header"; this one says which names are served and where to add
one, in the JSON every other refusal uses.
"""

import json
from urllib.parse import urlsplit

TOO_LARGE = 413


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._declared(dict(scope["headers"]).get(b"content-length"))
        if refusal is not None:
            await _refuse(send, *refusal)
            return
        received = 0
        started = False

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watched_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, TOO_LARGE, self._sentence(received, more=True))

    def _declared(self, declared: bytes | None) -> tuple[int, str] | None:
        """The refusal a Content-Length header alone earns, if any."""
        if declared is None:
            return None
        if not declared.isdigit():
            return 400, "the Content-Length header is not a number."
        if int(declared) > self.max_bytes:
            return TOO_LARGE, self._sentence(int(declared))
        return None

    def _sentence(self, size: int, more: bool = False) -> str:
        over = "over " if more else ""
        return (
            f"the request body is {over}{size:,} bytes, more than the {self.max_bytes:,} this "
            "service accepts: send fewer records per request."
        )


LOOPBACK = ("127.0.0.1", "localhost", "::1")


class HostCheck:
    """Refuse a request whose Host is not loopback or listed (``*.example.com`` covers the
    subdomains, ``*`` every name: for a proxy that checks names itself)."""

    def __init__(self, app, allowed_hosts: tuple[str, ...] = ()):
        self.app = app
        self.names = {name.lower().strip("[]") for name in (*LOOPBACK, *allowed_hosts)}
        self.suffixes = tuple(name[1:] for name in self.names if name.startswith("*."))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or "*" in self.names:
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if self._allowed(host):
            await self.app(scope, receive, send)
            return
        shown = f"the host {host[:60]!r}" if host else "a request without a Host header"
        await _refuse(
            send,
            400,
            f"this service answers {', '.join(LOOPBACK)} and the names in serve.allowed_hosts, "
            f"not {shown}: add the name to serve.allowed_hosts in config.yaml to serve it.",
        )

    def _allowed(self, host: str) -> bool:
        try:
            name = (urlsplit(f"//{host}").hostname or "").rstrip(".")
        except ValueError:  # a malformed IPv6 literal
            return False
        return name in self.names or (bool(name) and name.endswith(self.suffixes))


async def _refuse(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
