"""Heavy jobs in worker processes, so that the event loop never waits for
the GIL: a thread building a 2,000-node document holds the interpreter for
hundreds of milliseconds at a time, and every page, static file and
`/healthz` of that worker waits behind it. A process of its own cannot.

The pool is made on first use (a server that never builds a document never
starts one), sized to the cores this process may run on, its workers are
spawned, not forked (the server has threads), and it is one per process:
apps made in the same process (tests) share it. It ends with the server
process (concurrent.futures stops it at exit); a worker whose server went
away without that (killed) notices within a second and exits, so no worker
outlives its server. A worker that dies in the
middle of a job (killed, out of memory) breaks the pool: the request gets a
503 that says so, the pool is made anew, and the next request succeeds.
"""

from __future__ import annotations

import asyncio
import importlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, TypeVar

from fastapi import HTTPException

T = TypeVar("T")


def cores() -> int:
    """The cores this process may run on (its CPU affinity), at least one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_POOLS: dict[int, ProcessPoolExecutor] = {}  # size → the pool of this process


# What the jobs need, imported as each worker starts rather than in the
# first job (about a second: the first students would wait for it, and the
# admission's estimate of a job's time would count it).
PRELOAD = ("engine", "app.routers.api", "app.routers.training")


def _exit_with(parent: int) -> None:
    """Exit this process as soon as `parent` (its parent process) is gone."""
    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="watch-server").start()


def _start_worker(parent: int, modules: tuple[str, ...] = PRELOAD) -> None:
    """In a worker: import what the jobs need; exit as soon as the server
    that started it is gone."""
    for module in modules:
        importlib.import_module(module)
    _exit_with(parent)


def exit_with_supervisor() -> None:
    """In a server worker of `--workers N`: exit when the process that
    started it (uvicorn's supervisor) is killed without telling it, as its
    own pool's workers do; a lone server (no multiprocessing parent) keeps
    running whatever its parent does."""
    if multiprocessing.parent_process() is not None:
        _exit_with(os.getppid())


class ProcessJobs:
    def __init__(self, processes: int):
        self.processes = processes

    @property
    def _pool(self) -> ProcessPoolExecutor | None:
        return _POOLS.get(self.processes)

    def _executor(self) -> ProcessPoolExecutor:
        if self.processes not in _POOLS:
            _POOLS[self.processes] = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker, initargs=(os.getpid(),))
        return _POOLS[self.processes]

    async def run(self, work: Callable[..., T], *args) -> T:
        """`work(*args)` in a worker process; `work`, its arguments and its
        result travel by pickle (a module-level function, plain data)."""
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, work, *args)
        except BrokenProcessPool:
            if _POOLS.get(self.processes) is pool:
                del _POOLS[self.processes]
                pool.shutdown(wait=False, cancel_futures=True)
            raise HTTPException(503, "the worker process building this answer stopped in "
                                     "the middle of it: retry", headers={"Retry-After": "1"}) \
                from None

    def start(self) -> None:
        """Spawn the workers now (at server start-up), so the first students
        do not wait for them; the answers are not awaited."""
        pool = self._executor()
        for _ in range(self.processes):
            pool.submit(os.getpid)

    def pids(self) -> list[int]:
        """The worker processes running now (for tests and benchmarks)."""
        pool = self._pool
        # The executor keeps no public list of its processes.
        return [p.pid for p in (pool._processes or {}).values()] if pool else []
