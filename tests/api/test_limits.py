"""Bounds on request size, concurrent heavy work and time per job."""

import asyncio
import threading
import time

import pytest
from fastapi import HTTPException
from fastapi.testclient import TestClient

from app.config import Settings
from app.limits import HeavyJobs
from app.main import create_app


def run_async(scenario):
    """asyncio.run in a thread of its own (this thread may run a loop already)."""
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(scenario())).result()


def app_with(tmp_path, **settings):
    return TestClient(create_app(Settings(database=tmp_path / "g.db", **settings)))


def test_a_body_over_the_limit_is_refused_with_413(tmp_path):
    with app_with(tmp_path, max_body_bytes=2000) as client:
        response = client.post("/api/graph", json={"source": "x + " * 1000 + "x",
                                                   "values": {"x": 1}})
        assert response.status_code == 413
        assert response.json() == {"detail": {
            "message": "the request body is larger than 2000 bytes", "line": 0, "column": 0}}
        assert client.post("/api/graph", json={"source": "x", "values": {"x": 1}}).status_code \
            == 200


def test_a_streamed_body_over_the_limit_is_refused_too(tmp_path):
    def chunks():
        for _ in range(100):
            yield b"x" * 100
    with app_with(tmp_path, max_body_bytes=2000) as client:
        response = client.post("/api/graph", content=chunks(),
                               headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_training_run_over_the_time_limit_answers_422(tmp_path):
    with app_with(tmp_path, job_time_limit=0.001) as client:
        response = client.post("/api/train", json={"example": "challenge-2-solution"})
    assert response.status_code == 422
    assert "longer than the limit of 0.001 s" in response.json()["detail"]["message"]


def test_heavy_jobs_that_wait_too_long_get_503():
    gate = HeavyJobs(max_jobs=1, queue_seconds=0.05, time_limit=1)
    gate.unknown_job_seconds = 0.0   # the estimate says no wait: only the bound can refuse
    release = threading.Event()

    async def scenario():
        slow = asyncio.create_task(gate.run(release.wait))
        await asyncio.sleep(0)
        with pytest.raises(HTTPException) as refused:
            await gate.run(time.sleep, 0)
        release.set()
        await slow
        await gate.run(time.sleep, 0)  # free again
        return refused.value

    refused = run_async(scenario)
    assert refused.status_code == 503 and refused.headers == {"Retry-After": "1"}
    assert "took longer than expected" in refused.detail


async def started(gate: HeavyJobs, lane: str, running: int):
    """Let the loop run until `running` jobs of `lane` hold a slot."""
    while gate.running[lane] < running:
        await asyncio.sleep(0)


def test_a_small_job_is_not_held_behind_big_ones():
    """Two slots: big jobs take one at most, so a 10-node job starts at once
    while 2,000-node ones run and wait."""
    gate = HeavyJobs(max_jobs=2, queue_seconds=30, time_limit=1)
    release, done = threading.Event(), []

    async def scenario():
        bigs = [asyncio.create_task(gate.run(release.wait, cost=2000)) for _ in range(3)]
        await started(gate, "big", 1)
        assert len(gate.queues["big"]) == 2
        await gate.run(done.append, "small", cost=10)
        assert not release.is_set() and gate.running["big"] == 1   # the bigs still wait
        release.set()
        await asyncio.gather(*bigs)

    run_async(scenario)
    assert done == ["small"]


def test_when_a_slot_frees_the_light_job_goes_before_the_big_one():
    gate = HeavyJobs(max_jobs=1, queue_seconds=30, time_limit=1)
    release, order = threading.Event(), []

    async def scenario():
        first = asyncio.create_task(gate.run(release.wait))
        await started(gate, "light", 1)
        big = asyncio.create_task(gate.run(order.append, "big", cost=5000))
        await asyncio.sleep(0)
        light = asyncio.create_task(gate.run(order.append, "light", cost=3))
        while len(gate.queues["light"]) < 1:
            await asyncio.sleep(0)
        release.set()
        await asyncio.gather(first, big, light)

    run_async(scenario)
    assert order == ["light", "big"]


def test_a_big_slot_that_frees_goes_to_a_waiting_big_job():
    """Light jobs keep coming, but a big job's slot passes to the next big
    job: the big lane cannot starve."""
    gate = HeavyJobs(max_jobs=2, queue_seconds=30, time_limit=1)
    first_big, second_big, light_held = threading.Event(), threading.Event(), threading.Event()

    async def scenario():
        big = asyncio.create_task(gate.run(first_big.wait, cost=2000))
        light = asyncio.create_task(gate.run(light_held.wait, cost=10))
        await started(gate, "big", 1)
        await started(gate, "light", 1)
        waiting_big = asyncio.create_task(gate.run(second_big.wait, cost=2000))
        waiting_light = asyncio.create_task(gate.run(time.sleep, 0, cost=10))
        while gate.waiting < 2:
            await asyncio.sleep(0)
        first_big.set()
        await big
        held = dict(gate.running), len(gate.queues["big"]), len(gate.queues["light"])
        for event in (second_big, light_held):
            event.set()
        await asyncio.gather(light, waiting_big, waiting_light)
        return held

    assert run_async(scenario) == ({"light": 1, "big": 1}, 0, 1)


def test_overload_is_refused_at_once_with_retry_after():
    """A full queue refuses the next request while the running job still
    runs: the refusal does not wait for a slot."""
    gate = HeavyJobs(max_jobs=1, queue_seconds=30, time_limit=1, max_waiting=1)
    release = threading.Event()

    async def scenario():
        running = asyncio.create_task(gate.run(release.wait))
        await started(gate, "light", 1)
        queued = asyncio.create_task(gate.run(time.sleep, 0))
        await asyncio.sleep(0)
        with pytest.raises(HTTPException) as refused:
            await gate.run(time.sleep, 0)
        still_running = not running.done()
        release.set()
        await asyncio.gather(running, queued)
        return refused.value, still_running

    refused, still_running = run_async(scenario)
    assert still_running
    assert refused.status_code == 503 and refused.headers["Retry-After"].isdigit()
    assert "1 light requests are waiting already" in refused.detail
    assert gate.refused == 1 and gate.waiting == 0 and gate.running == {"light": 0, "big": 0}


def test_a_wait_estimated_over_the_bound_is_refused_at_once():
    gate = HeavyJobs(max_jobs=1, queue_seconds=2, time_limit=1)
    gate.seconds_per_unit = 0.006   # as measured on earlier jobs: 6 s for 1,000 nodes
    release = threading.Event()

    async def scenario():
        running = asyncio.create_task(gate.run(release.wait, cost=1000))
        await started(gate, "big", 1)
        with pytest.raises(HTTPException) as refused:
            await gate.run(time.sleep, 0, cost=1000)
        release.set()
        await running
        return refused.value

    refused = run_async(scenario)
    assert refused.headers == {"Retry-After": "3"}
    assert "would take longer than 2 s" in refused.detail


def test_no_capacity_refuses_every_heavy_request(tmp_path):
    """CHAINRULE_MAX_HEAVY_JOBS=0 (the browser test's server): POST /api/graph
    is refused at once, with the one error body."""
    with app_with(tmp_path, max_heavy_jobs=0, heavy_processes=0) as client:
        answer = client.post("/api/graph", json={"source": "y = w*x", "values": {"w": 1, "x": 2}})
    assert answer.status_code == 503 and answer.headers["retry-after"].isdigit()
    assert answer.json()["detail"]["message"].startswith("the server is busy: ")


def test_a_page_refused_for_a_busy_server_says_so_and_reloads(tmp_path):
    """A /graph link whose document cannot be admitted: a browser gets a
    page that says so and loads again after Retry-After; an API client the
    one error body."""
    with app_with(tmp_path, max_heavy_jobs=0, heavy_processes=0) as client:
        link = "/graph?source=y%20%3D%20w*x&values=w:2,x:3"
        page = client.get(link, headers={"accept": "text/html,application/xhtml+xml"})
        api = client.get(link, headers={"accept": "application/json"})
    retry = page.headers["retry-after"]
    assert page.status_code == 503 and retry.isdigit()
    assert page.headers["content-type"].startswith("text/html")
    assert f'<meta http-equiv="refresh" content="{retry}">' in page.text
    assert "the server is busy: it is set to run no heavy jobs (CHAINRULE_MAX_HEAVY_JOBS=0); " \
           f"retry in {retry} s. This page loads again in {retry} s." in page.text
    assert api.status_code == 503 and api.json()["detail"]["message"].startswith("the server")


@pytest.mark.parametrize("nodes", [100, 340, 2000])
def test_the_cost_of_a_source_is_about_its_nodes(nodes):
    """source_cost counts tokens; the document counts nodes: within a factor of 2."""
    from app.admission import source_cost
    from class_graphs import big_graph, mlp
    from engine import document_of_parsed, parse
    request = {100: mlp(8), 340: mlp(30), 2000: big_graph()}[nodes]
    document = document_of_parsed(parse(request["source"], request["values"],
                                        request.get("data", [])))
    cost = source_cost(request["source"])
    assert len(document.nodes) / 2 <= cost <= 2 * len(document.nodes), (cost, len(document.nodes))
