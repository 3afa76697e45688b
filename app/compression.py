"""gzip, once per answer: which media types are worth it, whether a client
takes it, and the compressed bytes (made once where the answer is made,
never per request, for cached answers and static files alike).

Answers made per request (training runs, lists, a page's first render) go
through `GzipAnswers` instead: it leaves an answer that already has a
Content-Encoding alone, so nothing is compressed twice. (Starlette's
GZipMiddleware would do, but it drops the `http.response.debug` message
through which tests read a page's template and context.)"""

from __future__ import annotations

import gzip

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COMPRESSIBLE = ("application/json", "text/html", "text/css", "text/javascript",
                "application/javascript", "image/svg+xml", "text/plain", "text/markdown")
MINIMUM_SIZE = 1000   # bytes: below this, gzip's header costs more than it saves
LEVEL = 6             # zlib's default: 9 costs about twice the time for 1-2% less
ONCE_LEVEL = 9        # a body compressed once and kept (static files): the 1-2% for nothing per request


def compressible(media_type: str, size: int) -> bool:
    return size >= MINIMUM_SIZE and media_type.split(";")[0].strip() in COMPRESSIBLE


def gzipped(body: bytes, level: int = LEVEL) -> bytes:
    """The body gzip-compressed, with a fixed mtime, so the same body gives
    the same bytes (and the same strong ETag) on every worker."""
    return gzip.compress(body, compresslevel=level, mtime=0)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether `Accept-Encoding` allows gzip (`gzip`, `gzip;q=0.5`, `*`; not `gzip;q=0`)."""
    if not accept_encoding:
        return False
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "x-gzip", "*"):
            quality = params.strip().removeprefix("q=").strip()
            try:
                return not params or float(quality) > 0
            except ValueError:
                return False
    return False


IN_THREAD_SIZE = 256 * 1024  # bytes: larger bodies are compressed off the event loop


class GzipAnswers:
    """Compress a whole (not streamed) answer when the client takes gzip."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        if scope["type"] != "http" or not accepts_gzip(Headers(scope=scope).get("accept-encoding")):
            await self.app(scope, receive, send)
            return
        start: Message | None = None

        async def send_compressed(message: Message):
            nonlocal start
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                size = int(headers.get("content-length", "0") or 0)
                if "content-encoding" in headers or \
                        not compressible(headers.get("content-type", ""), size):
                    await send(message)
                else:
                    start = message  # held until the body is known
                return
            if message["type"] == "http.response.body" and start is not None:
                held, start = start, None
                body = message.get("body", b"")
                if message.get("more_body", False):  # streamed: left as it is
                    await send(held)
                    await send(message)
                    return
                packed = await run_in_threadpool(gzipped, body) if len(body) > IN_THREAD_SIZE \
                    else gzipped(body)
                headers = MutableHeaders(raw=held["headers"])
                headers.add_vary_header("Accept-Encoding")
                headers["content-encoding"] = "gzip"
                headers["content-length"] = str(len(packed))
                await send(held)
                await send({**message, "body": packed})
                return
            await send(message)

        await self.app(scope, receive, send_compressed)
