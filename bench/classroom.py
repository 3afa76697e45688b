"""A whole class at once (issue 11), against `chainrule serve` started as a
lecturer starts it: the defaults (one worker per two cores), on a free port
of loopback.

    python bench/classroom.py                        # the issue's waves
    python bench/classroom.py --quick                # small numbers: a smoke test
    python bench/classroom.py --compare /tmp/before  # the same waves on another
                                                     # checkout first, then side by side
    python bench/classroom.py --compare-env CHAINRULE_HEAVY_PROCESSES=0
                                                     # threads first, then processes
    python bench/classroom.py --workers 1 --workers 2 --workers 4
                                                     # each worker count in turn

Waves (sizes are options):
  same-link   N students open the same /graph link of a 2-8-1 network (about
              100 nodes) as a browser does: the page, then every file it loads
              (scripts, modules along their imports, styles, KaTeX's main
              fonts), 6 at a time; /healthz is polled meanwhile (`healthz`)
  wide-link   N students on one 2-30-1 network (about 340 nodes): page and document
  big-graph   N students posting the same 2,000-node graph
  own-expr    N students each posting a different ~100-node expression
  mix         tests/support/loadgen.py's load mix, with 5% 2,000-node graphs

Each row: requests, errors, p50 and p99 of a request, p99 of a whole visit
(a student's page and files), bytes per visit on the wire, the server's CPU
seconds during the wave, the client's own CPU seconds, and the server's
memory (RSS) after it. The client is aiohttp: cheaper per request than the
server it measures, so the server is measured; /healthz is polled from a
process of its own, so the client's busy loop does not delay the polls.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import http.client
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE / "tests" / "support"))

from class_graphs import big_graph, graph_link, mlp  # noqa: E402
from live_server import Server, free_port, wait_until_up  # noqa: E402
from loadgen import request_mix, rss_kib  # noqa: E402

# KaTeX's fonts that Chromium fetches for the /graph page of the network (it
# fetches only the fonts a page uses; tests/perf/test_first_visit.py lists them).
KATEX_FONTS = ("KaTeX_Math-Italic.woff2", "KaTeX_Main-Regular.woff2",
               "KaTeX_Math-BoldItalic.woff2", "KaTeX_Main-Bold.woff2",
               "KaTeX_Main-Italic.woff2", "KaTeX_Main-BoldItalic.woff2")


@dataclass
class Wave:
    name: str
    latencies: list[float] = field(default_factory=list)
    visits: list[float] = field(default_factory=list)
    wire_bytes: int = 0
    errors: list[str] = field(default_factory=list)
    cpu: float = 0.0
    client_cpu: float = 0.0    # the load generator's own CPU seconds (this process)
    memory_mib: float = 0.0

    def percentile(self, p: float, values: list[float] | None = None) -> float:
        values = sorted(self.latencies if values is None else values)
        return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else 0.0

    def row(self) -> dict[str, str]:
        visit = f"{self.percentile(99, self.visits):.2f}" if self.visits else "-"
        per_visit = f"{self.wire_bytes / len(self.visits) / 1024:.0f}" if self.visits else "-"
        return {"wave": self.name, "requests": str(len(self.latencies)),
                "errors": str(len(self.errors)), "p50 s": f"{self.percentile(50):.3f}",
                "p99 s": f"{self.percentile(99):.3f}", "visit p99 s": visit,
                "KiB/visit": per_visit, "CPU s": f"{self.cpu:.1f}",
                "client CPU s": f"{self.client_cpu:.1f}",
                "MiB after": f"{self.memory_mib:.0f}"}


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of the server's processes so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
    return total / ticks


async def fetch(session: aiohttp.ClientSession, wave: Wave, method: str, url: str,
                body: dict | None = None) -> bytes:
    start = time.perf_counter()
    data = b""
    try:
        async with session.request(method, url, json=body) as response:
            data = await response.read()  # as sent: auto_decompress is off
            if response.status != 200:
                wave.errors.append(f"{method} {url[:60]}: {response.status} {data[:100]!r}")
            wave.wire_bytes += len(data)
            encoding = response.headers.get("content-encoding")
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        wave.errors.append(f"{method} {url[:60]}: {type(exc).__name__} {exc}")
        encoding = None
    wave.latencies.append(time.perf_counter() - start)
    if encoding == "gzip":
        data = gzip.decompress(data)
    return data


_ASSET = re.compile(r'<(?:script|link)[^>]*?(?:src|href)="(/static/[^"]+)"')
_IMPORT = re.compile(r"""^\s*import\s[^'"]*?from\s*['"](\.{1,2}/[^'"]+)['"]""", re.M)


async def page_files(session: aiohttp.ClientSession, base: str, link: str) -> list[str]:
    """What a browser loads for a page: its scripts and styles, each module's
    imports (with the URL the browser resolves, so no query string), KaTeX's fonts."""
    probe = Wave("probe")
    html = (await fetch(session, probe, "GET", base + link)).decode()
    found: list[str] = []
    queue = list(dict.fromkeys(_ASSET.findall(html)))
    while queue:
        path = queue.pop(0)
        if path in found:
            continue
        found.append(path)
        if path.split("?")[0].endswith(".js"):
            text = (await fetch(session, probe, "GET", base + path)).decode()
            queue += [urljoin(path.split("?")[0], spec) for spec in _IMPORT.findall(text)]
        if "katex" in path and path.split("?")[0].endswith(".css"):
            css = (await fetch(session, probe, "GET", base + path)).decode()
            for font in KATEX_FONTS:
                match = re.search(r"url\(([^)]*" + re.escape(font) + r"[^)]*)\)", css)
                if match:
                    found.append(urljoin(path, match.group(1).strip("'\"")))
    if probe.errors:
        raise RuntimeError(f"the page's files do not load: {probe.errors[:3]}")
    return found


async def visit(session, wave: Wave, base: str, link: str, files: list[str], parallel: int):
    start = time.perf_counter()
    await fetch(session, wave, "GET", base + link)
    gate = asyncio.Semaphore(parallel)

    async def one(path: str):
        async with gate:
            await fetch(session, wave, "GET", base + path)

    await asyncio.gather(*(one(path) for path in files))
    wave.visits.append(time.perf_counter() - start)


def poll_health(base: str, ready, stop, results) -> None:
    """In a process of its own (so that the load generator's busy loop and
    GIL do not delay it): GET /healthz every 20 ms on a kept connection
    (`ready` is set after the first) until `stop` is set; put [(seconds,
    error or "")] on `results`, the first answer left out."""
    host, port = urlsplit(base).hostname, urlsplit(base).port
    answers, connection = [], None
    while not stop.is_set():
        start = time.perf_counter()
        error = ""
        try:
            if connection is None:
                connection = http.client.HTTPConnection(host, port, timeout=60)
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                error = f"GET /healthz: {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            error, connection = f"GET /healthz: {type(exc).__name__} {exc}", None
        answers.append((time.perf_counter() - start, error))
        ready.set()
        time.sleep(0.02)
    results.put(answers[1:])


async def run_waves(base, args) -> list[Wave]:
    """The waves against `base` (a live_server.Server: it knows its processes,
    which include the worker processes that build documents once they start)."""
    waves: list[Wave] = []
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    headers = {"accept-encoding": "gzip"}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, headers=headers,
                                     auto_decompress=False) as session:

        async def measured(wave: Wave, work):
            before = {pid: cpu_seconds([pid]) for pid in base.process_ids()}
            client_before = time.process_time()
            await work
            wave.client_cpu = time.process_time() - client_before
            pids = base.process_ids()
            wave.cpu = sum(cpu_seconds([pid]) - before.get(pid, 0.0) for pid in pids)
            wave.memory_mib = (rss_kib(pids) or 0) / 1024
            waves.append(wave)

        small = mlp(8)
        link = graph_link(small)
        files = await page_files(session, base, link)
        print(f"same-link: the page and {len(files)} files per visit", file=sys.stderr)
        async def with_health(wave: Wave, work):
            """The wave (`work()` makes it: gather starts at once), with
            /healthz polled meanwhile from another process (a row of its own)."""
            health = Wave(f"  healthz during {wave.name}")
            context = multiprocessing.get_context("spawn")
            ready, stop, results = context.Event(), context.Event(), context.Queue()
            poller = context.Process(target=poll_health, args=(str(base), ready, stop, results))
            poller.start()
            await asyncio.get_running_loop().run_in_executor(None, ready.wait)
            await measured(wave, work())
            stop.set()
            answers = await asyncio.get_running_loop().run_in_executor(None, results.get)
            poller.join()
            health.latencies = [seconds for seconds, _ in answers]
            health.errors = [error for _, error in answers if error]
            health.cpu, health.memory_mib = wave.cpu, wave.memory_mib
            health.client_cpu = wave.client_cpu
            waves.append(health)

        same = Wave("same-link")
        await with_health(same, lambda: asyncio.gather(*(visit(session, same, base, link, files, 6)
                                                 for _ in range(args.same_link))))

        wide = mlp(30, seed=1)
        wide_wave = Wave("wide-link")

        async def wide_student():
            start = time.perf_counter()
            await fetch(session, wide_wave, "GET", base + graph_link(wide))
            await fetch(session, wide_wave, "POST", base + "/api/graph", wide)
            wide_wave.visits.append(time.perf_counter() - start)

        await measured(wide_wave, asyncio.gather(*(wide_student()
                                                   for _ in range(args.wide_link))))

        big = big_graph()
        big_wave = Wave("big-graph")
        await measured(big_wave, asyncio.gather(*(
            fetch(session, big_wave, "POST", base + "/api/graph", big)
            for _ in range(args.big_graph))))

        own = Wave("own-expr")
        await with_health(own, lambda: asyncio.gather(*(
            fetch(session, own, "POST", base + "/api/graph", mlp(8, seed=100 + i))
            for i in range(args.own_expr))))

        mix = Wave("mix")
        examples = {e["slug"]: e for e in await (await session.get(
            base + "/api/examples", headers={"accept-encoding": "identity"})).json()}
        rng = random.Random(0)
        plan = [("big", "POST /api/graph", big) if rng.random() < 0.05
                else request_mix(rng, examples) for _ in range(args.mix)]
        queue = iter(plan)

        async def mix_client():
            for _, target, body in queue:
                method, path = target.split(" ", 1)
                await fetch(session, mix, method, base + path, body)

        await measured(mix, asyncio.gather(*(mix_client() for _ in range(args.mix_clients))))
    return waves


@contextmanager
def serving(root: Path, env: dict[str, str] | None = None, serve_args: list[str] = ()):
    """`chainrule serve` (python -m app serve: the defaults, plus `serve_args`)
    of the checkout at `root`, on a free port, with a scratch database, and `env`."""
    port = free_port()
    scratch = Path(tempfile.mkdtemp(prefix="chainrule-classroom-"))
    env = {**os.environ, **(env or {}), "CHAINRULE_DATABASE": str(scratch / "graphs.db")}
    with open(scratch / "server.log", "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--host",
                                    "127.0.0.1", "--port", str(port), *serve_args],
                                   cwd=root, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        base = Server(f"http://127.0.0.1:{port}")
        base.pid, base.log = process.pid, scratch / "server.log"
        try:
            wait_until_up(f"{base}/healthz", process, timeout=180)  # N workers, a busy machine
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)
    shutil.rmtree(scratch, ignore_errors=True)


def measure(root: Path, args, env: dict[str, str] | None = None,
            serve_args: list[str] = ()) -> list[Wave]:
    with serving(root, env, serve_args) as base:
        waves = asyncio.run(run_waves(base, args))
    for wave in waves:
        for error in wave.errors[:3]:
            print(f"  {wave.name} error: {error}", file=sys.stderr)
    return waves


def table(columns: list[dict[str, str]]) -> str:
    keys = list(columns[0])
    widths = {k: max(len(k), *(len(c[k]) for c in columns)) for k in keys}
    lines = ["| " + " | ".join(k.ljust(widths[k]) for k in keys) + " |",
             "|" + "|".join("-" * (widths[k] + 2) for k in keys) + "|"]
    lines += ["| " + " | ".join(c[k].ljust(widths[k]) for k in keys) + " |" for c in columns]
    return "\n".join(lines)


def compared(before: list[Wave], after: list[Wave]) -> str:
    """One row per wave: before → after, and the ratio before/after."""
    rows = []
    for old, new in zip(before, after):
        a, b = old.row(), new.row()
        row = {"wave": a["wave"]}
        for key in ("errors", "p50 s", "p99 s", "visit p99 s", "KiB/visit", "CPU s",
                    "MiB after"):
            row[key] = f"{a[key]} → {b[key]}"
        ratio = (old.percentile(99) / new.percentile(99)) if new.percentile(99) else 0
        cpu = (old.cpu / new.cpu) if new.cpu else 0
        row["p99 ×"] = f"{ratio:.1f}"
        row["CPU ×"] = f"{cpu:.1f}"
        rows.append(row)
    return table(rows)


def by_workers(runs: dict[int, list[Wave]]) -> str:
    """One row per wave: errors, p99 and server CPU for each worker count."""
    counts = list(runs)
    rows = []
    for i, wave in enumerate(runs[counts[0]]):
        row = {"wave": wave.name}
        for n in counts:
            one = runs[n][i]
            row[f"{n} w: errors"] = str(len(one.errors))
            row[f"{n} w: p99 s"] = f"{one.percentile(99):.3f}"
            row[f"{n} w: CPU s"] = f"{one.cpu:.1f}"
            row[f"{n} w: MiB"] = f"{one.memory_mib:.0f}"
        rows.append(row)
    return table(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small waves: a smoke test")
    parser.add_argument("--same-link", type=int, default=400)
    parser.add_argument("--wide-link", type=int, default=100)
    parser.add_argument("--big-graph", type=int, default=40)
    parser.add_argument("--own-expr", type=int, default=150)
    parser.add_argument("--mix", type=int, default=3000, help="requests of the mix")
    parser.add_argument("--mix-clients", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="another checkout (e.g. `git archive` of the old commit) to "
                             "measure first, with the same waves")
    parser.add_argument("--compare-env", action="append", default=[], metavar="NAME=VALUE",
                        help="measure first with this environment (e.g. "
                             "CHAINRULE_HEAVY_PROCESSES=0), then without, side by side")
    parser.add_argument("--workers", action="append", type=int, default=[], metavar="N",
                        help="serve with --workers N (default: as `chainrule serve` "
                             "chooses); repeat to measure each in turn, side by side")
    args = parser.parse_args(argv)
    if args.quick:
        args.same_link, args.wide_link, args.big_graph = 20, 10, 4
        args.own_expr, args.mix, args.mix_clients = 10, 100, 10
    if len(args.workers) > 1:
        runs = {n: measure(HERE, args, serve_args=["--workers", str(n)]) for n in args.workers}
        print(by_workers(runs))
        return 1 if any(wave.errors for waves in runs.values() for wave in waves) else 0
    serve_args = ["--workers", str(args.workers[0])] if args.workers else []
    baseline_env = dict(item.split("=", 1) for item in args.compare_env)
    before = measure(args.compare.resolve() if args.compare else HERE, args, baseline_env) \
        if args.compare or baseline_env else None
    after = measure(HERE, args, serve_args=serve_args)
    if before:
        print(f"before: {args.compare or HERE} {' '.join(args.compare_env)}    after: {HERE}")
        print(compared(before, after))
    else:
        print(table([wave.row() for wave in after]))
    return 1 if any(wave.errors for wave in after) else 0


if __name__ == "__main__":
    sys.exit(main())
