"""Bounds that keep one client from starving the others.

- BodyLimit: a request body over `max_body_bytes` is refused with 413 before
  it is read into memory (by its Content-Length, or while it streams).
- HeavyJobs: graph documents and training runs go to worker threads, at most
  `max_heavy_jobs` at once per process; a request that cannot start within
  `heavy_queue_seconds` gets 503 with Retry-After, so the event loop and the
  small requests (pages, static files, health) are never starved. Each job
  gets a deadline; training checks it between chunks of steps.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Callable, TypeVar

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")


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


class HeavyJobs:
    """A per-process gate in front of the pools for expensive work: at most
    `max_jobs` run at once; past `max_waiting` requests queued, the next is
    refused at once (503 with Retry-After) rather than after `queue_seconds`.
    Jobs `in_process` run in `processes` (app/process_pool.py), when given."""

    def __init__(self, max_jobs: int, queue_seconds: float, time_limit: float,
                 processes=None, max_waiting: int | None = None):
        self.max_jobs, self.queue_seconds, self.time_limit = max_jobs, queue_seconds, time_limit
        self.processes, self.max_waiting, self.waiting = processes, max_waiting, 0
        self._semaphore: asyncio.Semaphore | None = None

    async def run(self, work: Callable[..., T], *args, in_process: bool = False) -> T:
        if self._semaphore is None:  # made inside the running loop
            self._semaphore = asyncio.Semaphore(self.max_jobs)
        if self.max_waiting is not None and self._semaphore.locked() and \
                self.waiting >= self.max_waiting:
            raise HTTPException(503, f"the server is busy: {self.waiting} heavy requests are "
                                     "waiting already; retry in a moment",
                                headers={"Retry-After": "2"})
        self.waiting += 1
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.queue_seconds)
        except asyncio.TimeoutError:
            raise HTTPException(503, "the server is busy with other heavy requests: retry in "
                                     "a moment", headers={"Retry-After": "2"}) from None
        finally:
            self.waiting -= 1
        try:
            if in_process and self.processes is not None:
                return await self.processes.run(work, *args)
            return await run_in_threadpool(work, *args)
        finally:
            self._semaphore.release()

    def deadline(self) -> float:
        return time.monotonic() + self.time_limit
