"""Refuse oversized request bodies with 413 before they are read into memory.

A plain ASGI middleware rather than Starlette's ``BaseHTTPMiddleware``: it must see the body as
it streams in. The declared ``Content-Length`` is checked first (the common case costs nothing);
a chunked body, which declares no length, is counted as it arrives and stopped at the limit.
"""

import json

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


async def _refuse(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
