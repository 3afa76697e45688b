"""How fast the page draws and animates, in headless Chromium.

    python bench/bench_page.py [--runs 5] [--seconds 4]

Starts its own uvicorn server on a free port, then measures:
- for each course example, the time from navigation to the first fully drawn
  graph (the page's performance mark "chainrule-ready", set once the graph,
  the chain-rule panel and the controls are drawn): median and worst of
  `--runs` loads; target ≤ 300 ms;
- frames per second while the player plays a 500-node graph (built here,
  POSTed to /api/graph to check its size, then opened at /graph?source=…),
  through each pass, with the view following the current node: target
  ≥ 50 fps.

Not a test: it prints a table and exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
READY_TARGET_MS = 300
FPS_TARGET = 50

COUNT_FRAMES = """async (seconds) => {
  const times = [];
  const end = performance.now() + seconds * 1000;
  await new Promise((done) => {
    const tick = (t) => { times.push(t); if (t < end) requestAnimationFrame(tick); else done(); };
    requestAnimationFrame(tick);
  });
  const gaps = times.slice(1).map((t, i) => t - times[i]).sort((a, b) => a - b);
  return { frames: times.length - 1, span: times[times.length - 1] - times[0],
           p95: gaps[Math.floor(gaps.length * 0.95)], worst: gaps[gaps.length - 1] };
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
                                "--port", str(port), "--log-level", "warning"], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the server did not start")
            time.sleep(0.1)


def big_source(layers: int = 100) -> str:
    """A 500-node chain of neurons, h_i = tanh(w_i·h_{i−1} + b_i): 5 nodes a layer."""
    lines = ["h0 = 0.5"]
    for i in range(1, layers + 1):
        lines += [f"w{i} = {0.9 + 0.001 * i}", f"b{i} = 0.1", f"h{i} = tanh(w{i}*h{i - 1} + b{i})"]
    return "\n".join(lines)


def post(base: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def ready_ms(page, url: str) -> float:
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    return page.evaluate("performance.getEntriesByName('chainrule-ready')[0].startTime")


def playing_fps(page, seconds: float) -> tuple[float, dict]:
    """Press play and count frames for `seconds`: (frames per second, COUNT_FRAMES's record)."""
    page.click("[data-testid='play']")
    frames = page.evaluate(COUNT_FRAMES, seconds)
    return frames["frames"] / frames["span"] * 1000, frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    process, base = start_server()
    try:
        with urllib.request.urlopen(f"{base}/api/examples") as response:
            slugs = [e["slug"] for e in json.loads(response.read())]
        source = big_source()
        size = len(post(base, "/api/graph", {"source": source})["nodes"])
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            ready_ms(page, f"{base}/examples/{slugs[0]}")   # warm the caches once
            print(f"{'page':<34} {'ready median':>13} {'worst':>8}  target ≤ {READY_TARGET_MS} ms")
            for slug in slugs:
                times = [ready_ms(page, f"{base}/examples/{slug}") for _ in range(args.runs)]
                flag = "ok" if statistics.median(times) <= READY_TARGET_MS else "SLOW"
                print(f"/examples/{slug:<24} {statistics.median(times):>10.0f} ms {max(times):>5.0f} ms  {flag}")

            for pass_ in ("forward", "backward"):
                url = f"{base}/graph?source={quote(source)}&speed=4&pass={pass_}&step=1"
                drawn = ready_ms(page, url)
                if pass_ == "forward":
                    print(f"{f'/graph ({size} nodes)':<34} {drawn:>10.0f} ms")
                fps, frames = playing_fps(page, args.seconds)
                step = page.locator("[data-testid='step-caption']").text_content()
                flag = "ok" if fps >= FPS_TARGET else "SLOW"
                print(f"playing {size} nodes, {pass_} pass at 4× for {args.seconds:.0f} s: {fps:.1f} fps "
                      f"(p95 frame {frames['p95']:.1f} ms, worst {frames['worst']:.1f} ms; "
                      f"reached “{step}”)  target ≥ {FPS_TARGET} fps  {flag}")
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
