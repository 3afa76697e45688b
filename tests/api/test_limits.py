"""Bounds on request size, concurrent heavy work and time per job."""

import asyncio
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


def test_heavy_jobs_beyond_the_bound_wait_then_get_503():
    gate = HeavyJobs(max_jobs=1, queue_seconds=0.05, time_limit=1)

    async def scenario():
        slow = asyncio.create_task(gate.run(time.sleep, 0.5))
        await asyncio.sleep(0.05)
        with pytest.raises(HTTPException) as refused:
            await gate.run(time.sleep, 0)
        await slow
        await gate.run(time.sleep, 0)  # free again
        return refused.value

    refused = run_async(scenario)
    assert refused.status_code == 503 and refused.headers == {"Retry-After": "2"}
