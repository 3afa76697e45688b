"""Answers computed once per worker.

A document, and each page around one, is a pure function of its request
(source, values, data, labels, title; a page's path and query string), so
its answer is kept under a content key (`content_key`): the next student
who asks gets the same bytes without any work. The cache is

- bounded in bytes (`Settings.cache_bytes`, CHAINRULE_CACHE_BYTES): the
  least recently used answers leave first; an answer larger than the whole
  bound is served but not kept;
- single-flight: while an answer is being built, identical requests wait
  for that one build instead of starting their own (`builds` counts the
  builders run, for the tests);
- per worker process: workers share nothing but the saved graphs, and a
  miss costs one build per worker.

Each answer carries its strong ETag (a hash of its bytes) and its gzip form,
made once with it; `answer_response` turns it into a 200 or a 304.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response

from app.compression import accepts_gzip, compressible, gzipped

# Pages and documents depend on the server's code as well as on the request:
# revalidate each use (a 304 is cheap), never keep them without asking.
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    etag: str                  # strong: '"<hash of body>"'
    gzip_body: bytes | None    # None when not worth compressing
    status: int = 200
    # A page's template and context, kept only under a test client (which
    # asks for them with the `http.response.debug` extension), so that tests
    # read them on a cached page as on a fresh one.
    debug: Any = field(default=None, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzip_body or b"")


def make_answer(body: bytes | str, media_type: str, status: int = 200) -> Answer:
    """An answer with its ETag and gzip form (run it off the event loop: a
    large body takes milliseconds to compress)."""
    if isinstance(body, str):
        body = body.encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    packed = gzipped(body) if compressible(media_type, len(body)) else None
    if packed is not None and len(packed) >= len(body):
        packed = None
    return Answer(body, media_type, etag, packed, status)


def with_debug(answer: Answer, debug: Any) -> Answer:
    return replace(answer, debug=debug)


def content_key(kind: str, *parts) -> str:
    """A key for a pure request: the hash of its parts as canonical JSON."""
    text = json.dumps([kind, *parts], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class AnswerCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.builds = 0  # builders run (test hook: single-flight counts these)
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._flights: dict[str, asyncio.Future] = {}

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, key: str) -> Answer | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: str, answer: Answer) -> None:
        if answer.size > self.max_bytes:
            return
        old = self._answers.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._answers[key] = answer
        self.bytes += answer.size
        while self.bytes > self.max_bytes:
            _, evicted = self._answers.popitem(last=False)
            self.bytes -= evicted.size

    async def get_or_build(self, key: str, build: Callable[[], Awaitable[Answer]],
                           keep: Callable[[Answer], bool] = lambda answer: True) -> Answer:
        """The kept answer, or the one being built, or a new build. The build
        runs as a task of its own, so a client that goes away does not cancel
        it for the others; a build that fails fails for every request waiting
        on it, and is not kept."""
        answer = self.get(key)
        if answer is not None:
            return answer
        flight = self._flights.get(key)
        if flight is None:
            flight = asyncio.ensure_future(self._build(key, build, keep))
            flight.add_done_callback(lambda done: done.cancelled() or done.exception())
            self._flights[key] = flight
        return await asyncio.shield(flight)

    async def _build(self, key: str, build, keep) -> Answer:
        try:
            self.builds += 1
            answer = await build()
            if keep(answer):
                self.put(key, answer)
            return answer
        finally:
            del self._flights[key]


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in if_none_match.split(","))


def answer_response(request: Request, answer: Answer, cache_control: str = REVALIDATE,
                    headers: dict[str, str] | None = None) -> Response:
    """200 with the answer (gzip when the client takes it), or 304 when the
    client's copy has the same ETag."""
    common = {"etag": answer.etag, "cache-control": cache_control, **(headers or {})}
    if answer.gzip_body is not None:
        common["vary"] = "Accept-Encoding"
    if answer.status == 200 and etag_matches(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers=common)
    kind = DebugResponse if answer.debug is not None else Response
    if answer.gzip_body is not None and accepts_gzip(request.headers.get("accept-encoding")):
        response = kind(answer.gzip_body, status_code=answer.status,
                        media_type=answer.media_type,
                        headers={**common, "content-encoding": "gzip"})
    else:
        response = kind(answer.body, status_code=answer.status, media_type=answer.media_type,
                        headers=common)
    response.debug = answer.debug
    return response


class DebugResponse(Response):
    """Sends a kept page's template and context to a test client first, as
    Starlette's TemplateResponse does."""
    debug: Any = None

    async def __call__(self, scope, receive, send):
        if "http.response.debug" in scope.get("extensions", {}):
            await send({"type": "http.response.debug", "info": self.debug})
        await super().__call__(scope, receive, send)
