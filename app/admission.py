"""Admission of heavy jobs (documents, training runs, exports): fair, aware
of cost, and quick to say no.

- Two lanes by estimated cost (`source_cost`: about one unit per node of
  the graph, counted from the source's tokens before anything is parsed).
  A job of `BIG_JOB_COST` or more is big. At most `max_jobs` jobs run at
  once; big ones take at most `max_jobs - 1` of the slots (when there are
  two or more), so a 10-node request never waits behind 2,000-node ones
  for a slot, only for the light jobs queued before it.
- When a slot frees, a waiting light job goes first: short jobs first
  keeps most students' waits short, and the big lane's bound (below) keeps
  big jobs from waiting for ever.
- Overload is refused at once: a request whose lane already has
  `max_waiting` queued, or whose estimated wait (the jobs ahead of it times
  the lane's mean job time, per slot) is over `queue_seconds`, gets 503
  with Retry-After (that estimate) without waiting. `queue_seconds` also
  bounds any wait the estimate got wrong.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections import deque
from typing import Callable, TypeVar

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool

T = TypeVar("T")

BIG_JOB_COST = 1000          # estimated nodes from which a job is big
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d*\.?\d+(?:[eE][-+]?\d+)?|\*\*|[-+*/^]")
LIGHT, BIG = "light", "big"
# First guesses of a job's seconds, until the lane has measured its own.
_FIRST_GUESS = {LIGHT: 0.05, BIG: 0.5}


def source_cost(source: str) -> int:
    """About the number of nodes a source makes: its names, numbers and
    operators (a regular expression: cheap enough for the event loop)."""
    return len(_TOKEN.findall(source))


class HeavyJobs:
    """A per-process gate in front of the pools for expensive work. Jobs
    `in_process` run in `processes` (app/process_pool.py) when given, the
    others in threads. Each job gets a deadline (`deadline()`)."""

    def __init__(self, max_jobs: int, queue_seconds: float, time_limit: float,
                 processes=None, max_waiting: int | None = None):
        self.max_jobs, self.queue_seconds, self.time_limit = max_jobs, queue_seconds, time_limit
        self.processes = processes
        waiting = 256 if max_waiting is None else max_waiting
        self.max_waiting = {LIGHT: waiting, BIG: max(1, waiting // 16) if waiting else 0}
        self.slots = {LIGHT: max_jobs, BIG: max(1, max_jobs - 1) if max_jobs else 0}
        self.running = {LIGHT: 0, BIG: 0}
        self.queues: dict[str, deque[asyncio.Future]] = {LIGHT: deque(), BIG: deque()}
        self.seconds = dict(_FIRST_GUESS)  # mean seconds of a job, per lane
        self.refused = 0                   # for tests and benchmarks

    @property
    def waiting(self) -> int:
        return len(self.queues[LIGHT]) + len(self.queues[BIG])

    def _can_start(self, lane: str) -> bool:
        return sum(self.running.values()) < self.max_jobs and \
            self.running[lane] < self.slots[lane]

    def estimated_wait(self, lane: str) -> float:
        """Seconds until a job queued now in `lane` would start: the jobs
        ahead of it in its lane's slots, at the lane's mean job time."""
        if lane == BIG:
            ahead = len(self.queues[BIG]) + self.running[BIG] + 1 - self.slots[BIG]
        else:
            ahead = len(self.queues[LIGHT]) + sum(self.running.values()) + 1 - self.max_jobs
        return max(0, ahead) * self.seconds[lane] / max(1, self.slots[lane])

    def _refuse(self, why: str, lane: str) -> HTTPException:
        self.refused += 1
        retry = min(30, max(1, math.ceil(self.estimated_wait(lane))))
        return HTTPException(503, f"the server is busy: {why}; retry in {retry} s",
                             headers={"Retry-After": str(retry)})

    async def _admit(self, lane: str) -> None:
        if self._can_start(lane) and not self.queues[LIGHT] and \
                (lane == LIGHT or not self.queues[BIG]):
            self.running[lane] += 1
            return
        queued = len(self.queues[lane])
        if queued >= self.max_waiting[lane]:
            raise self._refuse(f"{queued} {lane} requests are waiting already", lane)
        if self.estimated_wait(lane) > self.queue_seconds:
            raise self._refuse("the requests before this one would take longer than "
                               f"{self.queue_seconds:g} s", lane)
        turn = asyncio.get_running_loop().create_future()
        self.queues[lane].append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.queue_seconds)
        except BaseException as exc:
            if turn.done() and not turn.cancelled():
                self._release(lane)  # the slot came as this request gave up
            else:
                turn.cancel()
                self.queues[lane].remove(turn)
            if isinstance(exc, asyncio.TimeoutError):
                raise self._refuse("other heavy requests took longer than expected", lane) \
                    from None
            raise

    def _release(self, lane: str) -> None:
        self.running[lane] -= 1
        for next_lane in (LIGHT, BIG):   # light jobs first
            queue = self.queues[next_lane]
            while queue and self._can_start(next_lane):
                turn = queue.popleft()
                if not turn.done():
                    self.running[next_lane] += 1
                    turn.set_result(None)

    async def run(self, work: Callable[..., T], *args, in_process: bool = False,
                  cost: int = 0) -> T:
        """`work(*args)` once admitted; `cost` is its estimated nodes."""
        lane = BIG if cost >= BIG_JOB_COST else LIGHT
        await self._admit(lane)
        start = time.monotonic()
        try:
            if in_process and self.processes is not None:
                return await self.processes.run(work, *args)
            return await run_in_threadpool(work, *args)
        finally:
            took = time.monotonic() - start
            self.seconds[lane] += 0.2 * (took - self.seconds[lane])  # a moving mean
            self._release(lane)

    def deadline(self) -> float:
        return time.monotonic() + self.time_limit
