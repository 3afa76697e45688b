"""app/turns.py: a burst of requests begins a few per event-loop iteration,
so the loop polls its sockets between turns and /healthz never waits for the
burst. Counted in loop iterations (a ticker callback), not timed."""

from __future__ import annotations

import asyncio

from app.turns import TakeTurns
from own_loop import run_in_own_loop


def http(path: str) -> dict:
    return {"type": "http", "path": path, "method": "GET", "headers": []}


class Iterations:
    """Counts event-loop iterations: a callback that schedules itself again."""

    def __init__(self):
        self.count = 0
        self.running = True
        asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self):
        self.count += 1
        if self.running:
            asyncio.get_running_loop().call_soon(self._tick)


def run_burst(per_turn: int, burst: int, probe_after: int = 0):
    """`burst` requests arriving at once, then (after `probe_after` loop
    iterations) a /healthz; returns [(iteration the request began, path)]."""
    async def main():
        began: list[tuple[int, str]] = []
        ticks = Iterations()

        async def app(scope, receive, send):
            began.append((ticks.count, scope["path"]))

        gate = TakeTurns(app, per_turn=per_turn)
        tasks = [asyncio.ensure_future(gate(http(f"/static/{i}"), None, None))
                 for i in range(burst)]
        for _ in range(probe_after):
            await asyncio.sleep(0)
        probe_sent = ticks.count
        tasks.append(asyncio.ensure_future(gate(http("/healthz"), None, None)))
        await asyncio.gather(*tasks)
        ticks.running = False
        return began, probe_sent, gate

    return run_in_own_loop(main)


def test_a_burst_begins_at_most_per_turn_requests_an_iteration_in_arrival_order():
    began, _, gate = run_burst(per_turn=4, burst=50)
    burst = [(tick, path) for tick, path in began if path != "/healthz"]
    assert [path for _, path in burst] == [f"/static/{i}" for i in range(50)]
    per_iteration: dict[int, int] = {}
    for tick, _ in burst:
        per_iteration[tick] = per_iteration.get(tick, 0) + 1
    assert max(per_iteration.values()) == 4
    assert len(per_iteration) >= 50 // 4       # spread over turns, every one served
    assert gate.most_waiting >= 40 and not gate.waiting


def test_healthz_does_not_wait_for_the_burst():
    began, probe_sent, _ = run_burst(per_turn=4, burst=200, probe_after=3)
    probe_tick = next(tick for tick, path in began if path == "/healthz")
    served_after_probe = [path for tick, path in began if tick > probe_tick]
    assert probe_tick - probe_sent <= 2
    assert len(served_after_probe) > 150       # most of the burst was still waiting


def test_per_turn_zero_lets_everything_through_at_once():
    began, _, gate = run_burst(per_turn=0, burst=30)
    assert len({tick for tick, path in began if path != "/healthz"}) == 1
    assert gate.most_waiting == 0


def test_a_request_cancelled_while_waiting_leaves_the_queue():
    async def main():
        async def app(scope, receive, send):
            await asyncio.sleep(0)

        gate = TakeTurns(app, per_turn=1)
        tasks = [asyncio.ensure_future(gate(http(f"/p{i}"), None, None)) for i in range(5)]
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        tasks[3].cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        return results, gate

    results, gate = run_in_own_loop(main)
    assert isinstance(results[3], asyncio.CancelledError)
    assert [r for i, r in enumerate(results) if i != 3] == [None] * 4
    assert not gate.waiting
