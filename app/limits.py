"""Bounds that keep one client from starving the others.

- BodyLimit: a request body over `max_body_bytes` is refused with 413 before
  it is read into memory (by its Content-Length, or while it streams).
- HeavyJobs (app/admission.py): graph documents, training runs and exports
  are admitted by estimated cost, at most `max_heavy_jobs` at once per
  process; overload is refused at once with 503 and Retry-After.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.admission import HeavyJobs  # noqa: F401 (where the app has always found it)


def _error_body(message: str) -> bytes:
    return json.dumps({"detail": {"message": message, "line": 0, "column": 0}}).encode()


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(send)
            else:  # the server holds the body to its declared length
                await self.app(scope, receive, send)
            return
        # No length declared (chunked): read it here, up to the limit, then replay.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send):
        body = _error_body(f"the request body is larger than {self.max_bytes} bytes")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
