"""Admission of heavy jobs (documents, training runs, exports): fair, aware
of cost, and quick to say no.

- Two lanes by estimated cost (`source_cost`: about one unit per node of
  the graph, counted from the source's tokens before anything is parsed).
  A job of `BIG_JOB_COST` or more is big. At most `max_jobs` jobs run at
  once; big ones take at most `max_jobs - 1` of the slots (when there are
  two or more), so a 10-node request never waits behind 2,000-node ones
  for a slot, only for the light jobs queued before it.
- When a light job's slot frees, a waiting light job goes first (short
  jobs first keeps most students' waits short); when a big job's slot
  frees, a waiting big job does, so a stream of light jobs cannot keep big
  ones waiting for ever.
- Overload is refused at once: a request whose lane already has
  `max_waiting` queued, or whose estimated wait is over `queue_seconds`,
  gets 503 with Retry-After (that estimate) without waiting. The estimate
  is the cost queued ahead of it (and half the cost running) at the
  measured seconds per unit of cost, shared among the slots; a job of
  unknown cost (a training run) counts as the mean time of such jobs.
- A request admitted is served: the estimate can be wrong on a machine
  that other work starves, and a late answer beats a 503 after a wait.
  Only a wait past `WAIT_BOUND` times `queue_seconds` ends in a 503.
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
MIN_COST = 20                # a job's fixed part (pickling, a process's round trip), in units
_TOKEN = re.compile(r"[A-Za-z_]\w*|\d*\.?\d+(?:[eE][-+]?\d+)?|\*\*|[-+*/^]")
LIGHT, BIG = "light", "big"
WAIT_BOUND = 3               # an admitted request waits at most this many times queue_seconds


def source_cost(source: str) -> int:
    """About the number of nodes a source makes: its names, numbers and
    operators (a regular expression: cheap enough for the event loop)."""
    return len(_TOKEN.findall(source))


def timed(work: Callable[..., T], *args) -> tuple[float, T]:
    """(seconds, result) of `work(*args)`, timed where it runs: the time the
    job took, not the time the event loop took to hear of it."""
    start = time.perf_counter()
    result = work(*args)
    return time.perf_counter() - start, result


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
        self.running_cost = 0.0            # units of the jobs running now
        self.queues: dict[str, deque[tuple[asyncio.Future, float]]] = \
            {LIGHT: deque(), BIG: deque()}
        # Measured as jobs end (moving means), from first guesses.
        self.seconds_per_unit = 100e-6     # a document: 30-300 µs per node
        self.unknown_job_seconds = 0.5     # a job of unknown cost: a training run
        self.refused = 0                   # for tests and benchmarks

    @property
    def waiting(self) -> int:
        return len(self.queues[LIGHT]) + len(self.queues[BIG])

    def units(self, cost: int) -> float:
        """A job's cost in units of work (a job of unknown cost: its mean time)."""
        if cost <= 0:
            return self.unknown_job_seconds / self.seconds_per_unit
        return max(cost, MIN_COST)

    def _can_start(self, lane: str) -> bool:
        return sum(self.running.values()) < self.max_jobs and \
            self.running[lane] < self.slots[lane]

    def _free(self, lane: str) -> bool:
        """A job of `lane` may start now: a slot, and no one before it."""
        return self._can_start(lane) and not self.queues[LIGHT] and \
            (lane == LIGHT or not self.queues[BIG])

    def estimated_wait(self, lane: str) -> float:
        """Seconds until a job queued now in `lane` would start."""
        if self._free(lane):
            return 0.0
        ahead = sum(units for _, units in self.queues[LIGHT]) + self.running_cost / 2
        if lane == BIG:
            ahead += sum(units for _, units in self.queues[BIG])
        return ahead * self.seconds_per_unit / max(1, self.slots[lane])

    def _refuse(self, why: str, lane: str) -> HTTPException:
        self.refused += 1
        retry = min(30, max(1, math.ceil(self.estimated_wait(lane))))
        return HTTPException(503, f"the server is busy: {why}; retry in {retry} s",
                             headers={"Retry-After": str(retry)})

    async def _admit(self, lane: str, units: float) -> None:
        if self._free(lane):
            self._start(lane, units)
            return
        if not self.slots[lane]:
            raise self._refuse("it is set to run no heavy jobs (CHAINRULE_MAX_HEAVY_JOBS=0)",
                               lane)
        queued = len(self.queues[lane])
        if queued >= self.max_waiting[lane]:
            raise self._refuse(f"{queued} {lane} requests are waiting already", lane)
        if self.estimated_wait(lane) > self.queue_seconds:
            raise self._refuse("the requests before this one would take longer than "
                               f"{self.queue_seconds:g} s", lane)
        turn = asyncio.get_running_loop().create_future()
        entry = (turn, units)
        self.queues[lane].append(entry)
        try:
            await asyncio.wait_for(asyncio.shield(turn), WAIT_BOUND * self.queue_seconds)
        except BaseException as exc:
            if turn.done() and not turn.cancelled():
                self._release(lane, units)  # the slot came as this request gave up
            else:
                turn.cancel()
                self.queues[lane].remove(entry)
            if isinstance(exc, asyncio.TimeoutError):
                raise self._refuse("other heavy requests took longer than expected", lane) \
                    from None
            raise

    def _start(self, lane: str, units: float) -> None:
        self.running[lane] += 1
        self.running_cost += units

    def _release(self, lane: str, units: float) -> None:
        self.running[lane] -= 1
        self.running_cost = max(0.0, self.running_cost - units)
        for next_lane in (BIG, LIGHT) if lane == BIG else (LIGHT, BIG):
            queue = self.queues[next_lane]
            while queue and self._can_start(next_lane):
                turn, next_units = queue.popleft()
                if not turn.done():
                    self._start(next_lane, next_units)
                    turn.set_result(None)

    def _measured(self, cost: int, seconds: float) -> None:
        if cost > 0:
            rate = seconds / max(cost, MIN_COST)
            self.seconds_per_unit += 0.2 * (rate - self.seconds_per_unit)
        else:
            self.unknown_job_seconds += 0.2 * (seconds - self.unknown_job_seconds)

    async def run(self, work: Callable[..., T], *args, in_process: bool = False,
                  cost: int = 0) -> T:
        """`work(*args)` once admitted; `cost` is its estimated nodes (0: unknown)."""
        lane = BIG if cost >= BIG_JOB_COST else LIGHT
        units = self.units(cost)
        await self._admit(lane, units)
        try:
            if in_process and self.processes is not None:
                seconds, result = await self.processes.run(timed, work, *args)
            else:
                seconds, result = await run_in_threadpool(timed, work, *args)
            self._measured(cost, seconds)
            return result
        finally:
            self._release(lane, units)

    def deadline(self) -> float:
        return time.monotonic() + self.time_limit
