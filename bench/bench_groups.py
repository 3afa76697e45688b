"""Big graphs (issue 12's Speed): micrograd's MLP(2, [16, 16, 1]) on one
sample, about 1,000 nodes, built with engine.nn.

    python bench/bench_groups.py [--runs 5] [--steps 60] [--seconds 4]

Measures:
- building the document (trace, groups, layout, labels, JSON): median and
  worst of `--runs`; target ≤ 150 ms;
- in Debian's Chromium (Playwright) against a uvicorn this script starts:
  first draw (navigation to the page's "chainrule-ready" mark) of the
  published graph: median of `--runs` loads; target ≤ 500 ms;
- stepping: the time from a step key (→) to the next frame, over `--steps`
  steps of each pass, then the same steps back (←, their TeX already
  typeset), and the frame rate while playing at 4×; target ≥ 50 fps (a
  step within 20 ms);
- expanding one group: Enter on a collapsed neuron until the frame that
  shows it open (the view's rebuild, layout and drawing), median of
  `--runs`; target ≤ 100 ms.

Not a test: it prints a table and exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_page import CHROMIUM, CHROMIUM_ARGS, playing_fps, ready_ms, start_server  # noqa: E402

from engine.document import build_document  # noqa: E402
from engine.nn import MLP  # noqa: E402

BUILD_TARGET_MS = 150
DRAW_TARGET_MS = 500
EXPAND_TARGET_MS = 100
FPS_TARGET = 50

# One step key, then the frame it paints: the time until the frame after it starts.
STEP_TIMES = """async (arg) => {
  const [steps, key] = Array.isArray(arg) ? arg : [arg, 'ArrowRight'];
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  await frame();
  const times = [];
  for (let k = 0; k < steps; k += 1) {
    const t0 = performance.now();
    document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    await frame();
    times.push(performance.now() - t0);
  }
  return times;
}"""


def mlp_loss():
    """micrograd's demo model, seeded as the demo seeds it, on one sample, with its loss."""
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    score = model([1.2, -0.4])
    return (1 + -1 * score).relu()


def build_ms(runs: int) -> tuple[list[float], int, int]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        document = build_document(mlp_loss())
        document.to_json()
        times.append((time.perf_counter() - t0) * 1000)
    return times, len(document.nodes), len(document.groups)


def publish(base: str) -> str:
    body = build_document(mlp_loss()).to_json().encode()
    request = urllib.request.Request(base + "/api/graphs", data=body,
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["url"]


EXPAND_ONE = """async (k) => {
  const groups = [...document.querySelectorAll('[data-group-id]')];
  const group = groups[k % groups.length];
  group.focus();
  const start = performance.now();
  group.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  // The view rebuilds synchronously; the second frame is the one that shows it.
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return performance.now() - start;
}"""


def expand_one_group_ms(page, url: str, runs: int) -> float | None:
    """Enter on a collapsed group (a neuron, as the page opens) until the
    frame that shows it open: the median of `runs`, each from a fresh load.
    None when the page draws no collapsible group."""
    times = []
    for k in range(runs):
        ready_ms(page, url)
        if not page.locator("[data-group-id]").count():
            return None
        times.append(page.evaluate(EXPAND_ONE, k * 7))
    return statistics.median(times)


def row(what: str, figure: str, target: str, ok: bool | None) -> None:
    flag = "" if ok is None else ("ok" if ok else "SLOW")
    print(f"{what:<46} {figure:>22}  {target:<14} {flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()

    build_document(mlp_loss())   # warm the imports
    times, nodes, groups = build_ms(args.runs)
    print(f"micrograd's MLP(2, [16, 16, 1]) on one sample: {nodes} nodes, {groups} groups\n")
    print(f"{'what':<46} {'median (worst)':>22}  {'target':<14}")
    row("build the document (groups, JSON; the page derives group steps)", f"{statistics.median(times):.0f} ms ({max(times):.0f})",
        f"≤ {BUILD_TARGET_MS} ms", statistics.median(times) <= BUILD_TARGET_MS)

    process, base = start_server()
    try:
        url = base + publish(base).removeprefix(base)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            ready_ms(page, url)   # warm the caches once
            draws = [ready_ms(page, url) for _ in range(args.runs)]
            row("first draw in Chromium", f"{statistics.median(draws):.0f} ms ({max(draws):.0f})",
                f"≤ {DRAW_TARGET_MS} ms", statistics.median(draws) <= DRAW_TARGET_MS)
            expand = expand_one_group_ms(page, url, args.runs)
            row("expand one group", "—" if expand is None else f"{expand:.0f} ms",
                f"≤ {EXPAND_TARGET_MS} ms", None if expand is None else expand <= EXPAND_TARGET_MS)
            for pass_ in ("forward", "backward"):
                ready_ms(page, f"{url}?pass={pass_}&step=0")
                steps = page.evaluate(STEP_TIMES, args.steps)
                median = statistics.median(steps)
                p95 = sorted(steps)[int(len(steps) * 0.95) - 1]
                row(f"step → next frame, {pass_} ({args.steps} steps)",
                    f"{median:.1f} ms (p95 {p95:.1f})", f"≤ {1000 / FPS_TARGET:.0f} ms",
                    median <= 1000 / FPS_TARGET)
                # The same steps again, backwards: what was typeset is kept (panel.js).
                back = page.evaluate(STEP_TIMES, [args.steps, "ArrowLeft"])
                row(f"  the same steps back (←), {pass_}",
                    f"{statistics.median(back):.1f} ms (p95 {sorted(back)[int(len(back) * 0.95) - 1]:.1f})",
                    f"≤ {1000 / FPS_TARGET:.0f} ms", statistics.median(back) <= 1000 / FPS_TARGET)
                ready_ms(page, f"{url}?pass={pass_}&step=1&speed=4")
                fps, frames = playing_fps(page, args.seconds)
                row(f"playing at 4×, {pass_}", f"{fps:.1f} fps (p95 {frames['p95']:.1f} ms)",
                    f"≥ {FPS_TARGET} fps", fps >= FPS_TARGET)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
