"""A bounded load generator for a chainrule server on loopback: a fixed
number of requests from a fixed number of concurrent clients, mixing what a
class does (example pages and documents, expressions from the form, big
graphs, training runs). It reports throughput, latency percentiles, errors and
the server's memory before and after.

Used by tests/load (a short run in CI) and bench/load_test.py (longer runs).
Only ever point it at 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from own_loop import run_in_own_loop

COURSE = ["simple", "add-bias", "practical", "challenge-1", "challenge-2", "linear-regression"]


def big_expression(terms: int = 330) -> dict:
    """About 1,000 nodes: a sum of w_i·x_j products through tanh."""
    source = " + ".join(f"tanh(w{i % 20}*x{i})" for i in range(terms))
    values = {**{f"w{i}": 0.1 * (i + 1) for i in range(20)},
              **{f"x{i}": (i % 7) / 7 for i in range(terms)}}
    return {"source": source, "values": values}


def request_mix(rng: random.Random, examples: dict) -> tuple[str, str, dict | None]:
    """(kind, method and path, JSON body) of one request, drawn from the mix."""
    roll = rng.random()
    slug = rng.choice(COURSE)
    if roll < 0.30:
        return "page", f"GET /examples/{slug}", None
    if roll < 0.45:
        return "document", f"GET /api/examples/{slug}", None
    if roll < 0.85:
        e = examples[slug]
        return "graph", "POST /api/graph", {"source": e["source"], "values": e["values"],
                                             "data": e["data"]}
    if roll < 0.87:
        return "big-graph", "POST /api/graph", big_expression()
    if roll < 0.95:
        return "train", "POST /api/train", {"example": rng.choice(["practical", "add-bias"]),
                                             "steps": 500, "max_points": 100}
    return "list", "GET /api/examples", None


@dataclass
class LoadReport:
    requests: int
    concurrency: int
    seconds: float
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    memory_before_kib: int | None = None
    memory_after_kib: int | None = None

    @property
    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]

    def percentile(self, p: float, kind: str | None = None) -> float:
        values = sorted(self.latencies[kind] if kind else self.all_latencies)
        return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else 0.0

    def summary(self) -> str:
        lines = [f"{self.requests} requests, {self.concurrency} concurrent clients, "
                 f"{self.seconds:.1f} s: {self.requests / self.seconds:.0f} requests/s, "
                 f"p50 {self.percentile(50) * 1e3:.0f} ms, p99 {self.percentile(99) * 1e3:.0f} ms, "
                 f"{len(self.errors)} errors"]
        for kind, values in sorted(self.latencies.items()):
            lines.append(f"  {kind:<10} {len(values):>6}  p50 {self.percentile(50, kind) * 1e3:>6.0f} ms"
                         f"  p99 {self.percentile(99, kind) * 1e3:>6.0f} ms")
        if self.memory_before_kib is not None:
            lines.append(f"server memory (RSS): {self.memory_before_kib / 1024:.0f} MiB after "
                         f"warm-up, {self.memory_after_kib / 1024:.0f} MiB after the run")
        return "\n".join(lines)


def rss_kib(pids: list[int]) -> int | None:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            return None
    return total


async def run_load(base: str, requests: int, concurrency: int, seed: int = 0,
                   timeout: float = 60.0) -> LoadReport:
    assert base.startswith(("http://127.", "http://localhost")), "loopback only"
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as client:
        listed = (await client.get("/api/examples")).json()
        examples = {e["slug"]: e for e in listed}
        plan = [request_mix(rng, examples) for _ in range(requests)]
        report = LoadReport(requests=requests, concurrency=concurrency, seconds=0.0)
        queue = iter(plan)

        async def client_loop():
            for kind, target, body in queue:
                method, path = target.split(" ", 1)
                start = time.perf_counter()
                try:
                    response = await client.request(method, path, json=body)
                    if response.status_code != 200:
                        report.errors.append(f"{target}: {response.status_code} "
                                             f"{response.text[:120]}")
                except httpx.HTTPError as exc:
                    report.errors.append(f"{target}: {type(exc).__name__} {exc}")
                report.latencies.setdefault(kind, []).append(time.perf_counter() - start)

        started = time.perf_counter()
        await asyncio.gather(*(client_loop() for _ in range(concurrency)))
        report.seconds = time.perf_counter() - started
    return report


def run_load_blocking(base: str, requests: int, concurrency: int, seed: int = 0) -> LoadReport:
    """run_load from synchronous code, in a thread of its own: the thread that
    calls it may already run an event loop (Playwright's sync API leaves one)."""
    return run_in_own_loop(lambda: run_load(base, requests, concurrency, seed))
