"""Documents are built in worker processes (app/process_pool.py); a worker
killed in the middle of a job fails that request cleanly, with a 503 and a
message, and the next request succeeds in a new pool."""

import asyncio
import os
import signal
import time

import httpx
import pytest
from fastapi import HTTPException
from own_loop import run_in_own_loop

from app.config import Settings
from app.main import create_app
from app.process_pool import ProcessJobs

SIMPLE = {"source": "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2",
          "values": {"w": 0.5, "x": 0.5, "b": 2, "ystar": 1}, "data": ["x", "ystar"]}


def test_a_job_runs_in_another_process():
    async def scenario():
        jobs = ProcessJobs(1)
        return await jobs.run(os.getpid), jobs.pids()

    child, pids = run_in_own_loop(scenario)
    assert child != os.getpid() and pids == [child]


def test_a_worker_killed_mid_job_fails_that_job_with_503_and_the_next_succeeds():
    async def scenario():
        jobs = ProcessJobs(1)
        await jobs.run(os.getpid)
        (pid,) = jobs.pids()
        job = asyncio.ensure_future(jobs.run(time.sleep, 30))
        await asyncio.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(HTTPException) as failed:
            await job
        return failed.value, await jobs.run(pow, 2, 10), pid, jobs.pids()

    error, after, killed, pids = run_in_own_loop(scenario)
    assert error.status_code == 503 and "stopped in the middle" in error.detail
    assert error.headers == {"Retry-After": "1"}
    assert after == 1024 and killed not in pids


def test_post_graph_answers_503_when_its_worker_dies_and_200_after(tmp_path):
    big = {"source": " + ".join(f"tanh(w*x{i})" for i in range(400)),
           "values": {"w": 0.5, **{f"x{i}": i / 400 for i in range(400)}}}
    application = create_app(Settings(database=tmp_path / "graphs.db", heavy_processes=1))

    async def scenario():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                     timeout=60) as client:
            assert (await client.post("/api/graph", json=SIMPLE)).status_code == 200
            (pid,) = application.state.heavy.processes.pids()
            request = asyncio.ensure_future(client.post("/api/graph", json=big))
            await asyncio.sleep(0.05)
            os.kill(pid, signal.SIGKILL)
            failed = await request
            again = await client.post("/api/graph", json=big)
            return failed, again

    failed, again = run_in_own_loop(scenario)
    assert failed.status_code == 503 and failed.headers["retry-after"] == "1"
    assert "stopped in the middle" in failed.json()["detail"]["message"]
    assert again.status_code == 200 and len(again.json()["nodes"]) > 1000


def test_past_the_queue_a_heavy_request_is_refused_at_once():
    import threading

    from app.limits import HeavyJobs
    release = threading.Event()

    async def scenario():
        heavy = HeavyJobs(max_jobs=1, queue_seconds=60, time_limit=1, max_waiting=2)
        holder = asyncio.ensure_future(heavy.run(release.wait))   # a job holds the only slot
        while heavy.running["light"] < 1:
            await asyncio.sleep(0)
        waiting = [asyncio.ensure_future(heavy.run(pow, 2, i)) for i in range(2)]
        await asyncio.sleep(0)                    # both are in line
        with pytest.raises(HTTPException) as refused:
            await heavy.run(pow, 2, 3)            # the third in line: refused, not queued
        release.set()                             # the job ends: the two in line run
        await holder
        return refused.value, await asyncio.gather(*waiting)

    refused, done = run_in_own_loop(scenario)
    assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
    assert "2 light requests are waiting already" in refused.detail
    assert done == [1, 2]


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_no_worker_outlives_a_killed_server():
    import json
    import urllib.request

    from live_server import running_server

    body = json.dumps(SIMPLE).encode()
    with running_server() as base:
        request = urllib.request.Request(base + "/api/graph", data=body,
                                         headers={"content-type": "application/json"})
        assert urllib.request.urlopen(request).status == 200
        workers = [pid for pid in base.process_ids() if pid != base.pid]
        assert workers  # the pool's processes (and multiprocessing's resource tracker)
        os.kill(base.pid, signal.SIGKILL)
        for _ in range(100):  # each worker looks for its server once a second
            alive = [pid for pid in workers if running(pid)]
            if not alive:
                break
            time.sleep(0.1)
    assert alive == []
