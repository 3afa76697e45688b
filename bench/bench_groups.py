"""Big graphs (issue 12's Speed): micrograd's MLP(2, [16, 16, 1]) on one
sample, about 1,000 nodes, built with engine.nn.

    python bench/bench_groups.py [--runs 5] [--steps 60] [--seconds 4]

Measures:
- building the document (trace, groups, layout, labels, JSON): median and
  worst of `--runs`; target ≤ 150 ms;
- in Debian's Chromium (Playwright) against a uvicorn this script starts:
  first draw (navigation to the page's "chainrule-ready" mark) of the
  published graph: median of `--runs` loads; target ≤ 500 ms;
- stepping, `--steps` steps of each pass: the work of every frame (script,
  style, layout and paint on the page's thread, from the frame's first
  animation callback until it is painted), a step key (→) pressed as a frame
  begins, at a lecturer's pace (a key each 250 ms: the next step's TeX is
  typeset while the page is idle) and with the key held (a key each other
  frame, as a held key repeats). A step's frames are its key's and those up
  to the next key: a big drawing sets its board a frame or two after its
  graph, and transitions and glides follow. Reported: a step's longest
  frame, target ≥ 50 fps, i.e. within 20 ms, and, for reference, the sum of
  its frames' work; also the time from a key to the next frame, which adds
  the wait for the display's next frame (16.7 ms at 60 Hz: a key that
  changes nothing measures that). And the frame rate while playing at 4×,
  target ≥ 50 fps;
- expanding one group: Enter on a collapsed neuron as a frame begins until
  that frame, which shows it open, is painted (the view's rebuild, layout
  and drawing), median of `--runs`, each a different neuron, for the first
  layer's (2 inputs) and the second's (16); target ≤ 100 ms.

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
# Reference only: it includes the wait for the display's next frame.
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


# Every frame's work while stepping: from the frame's first animation-frame
# callback (each callback asks for the next frame's before anything else runs)
# to the first task after its paint, i.e. script, style, layout and paint on
# the page's thread. A step key is pressed as every `gap`-th frame begins; a
# step's frames are its key's and those up to the next key (a big drawing sets
# its board a frame or more after the graph: static/js/view.js). Returns each
# step's frames' work and the frame rate over the whole run.
STEP_FRAMES = """async ([steps, key, gap]) => {
  const perStep = [];
  let started = 0;
  const frames = steps * gap;
  const elapsed = await new Promise((finished) => {
    let frame = 0;
    const onFrame = () => {
      if (frame < frames) requestAnimationFrame(onFrame);
      const t0 = performance.now();
      if (frame === 0) started = t0;
      const step = Math.floor(frame / gap);
      if (frame % gap === 0 && step < steps) {
        perStep.push([]);
        document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      }
      const last = frame === frames;
      frame += 1;
      setTimeout(() => {
        if (step < steps) perStep[step].push(performance.now() - t0);
        if (last) finished(t0 - started);
      }, 0);
    };
    requestAnimationFrame(onFrame);
  });
  return { perStep, fps: frames / (elapsed / 1000) };
}"""
LECTURE_PACE_FRAMES = 15   # a key each 250 ms at 60 Hz
HELD_KEY_FRAMES = 2        # a held key repeats 30 times a second


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


# Enter on the k-th collapsed group whose name starts with `prefix` as a
# frame begins, until that frame is painted.
EXPAND_ONE = """async ([prefix, k]) => {
  const groups = [...document.querySelectorAll('[data-group-id]')]
    .filter((g) => g.querySelector('.group-name').textContent.startsWith(prefix));
  const group = groups[k % groups.length];
  group.focus();
  await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  return new Promise((done) => requestAnimationFrame(() => {
    const start = performance.now();
    group.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    setTimeout(() => done(performance.now() - start), 0);
  }));
}"""


def expand_one_group_ms(page, url: str, runs: int, prefix: str) -> list[float] | None:
    """Enter on a collapsed neuron named `prefix`… (as the page opens) until
    the frame that shows it open is painted: one time per run, each from a
    fresh load and a different neuron. None when the page draws none."""
    times = []
    for k in range(runs):
        ready_ms(page, url)
        if not page.locator("[data-group-id]").count():
            return None
        times.append(page.evaluate(EXPAND_ONE, [prefix, k * 5]))
    return times


def spread(times: list[float]) -> str:
    """median (p95) of a list of times, in ms."""
    return f"{statistics.median(times):.1f} ms (p95 {sorted(times)[max(0, int(len(times) * 0.95) - 1)]:.1f})"


def stepping_rows(what: str, run: dict, budget: float) -> None:
    """The frame rate over a run of steps, each step's longest frame, and the
    share of all frames over the budget."""
    longest = [max(frames) for frames in run["perStep"]]
    every = [work for frames in run["perStep"] for work in frames]
    over = sum(work > budget for work in every) / len(every)
    row(f"{what}: frame rate", f"{run['fps']:.1f} fps", f"≥ {FPS_TARGET} fps", run["fps"] >= FPS_TARGET)
    row("  a step's longest frame", spread(longest), f"≤ {budget:.0f} ms", statistics.median(longest) <= budget)
    row("  frames over budget", f"{100 * over:.1f} % of {len(every)}", "", None)


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
            # The first layer's neurons have 2 inputs, the second's 16.
            for layer, inputs in (("neuron 0.", 2), ("neuron 1.", 16)):
                expand = expand_one_group_ms(page, url, args.runs, layer)
                row(f"expand a neuron of {inputs} inputs: its frame painted", "—" if expand is None else
                    f"{statistics.median(expand):.0f} ms ({min(expand):.0f}–{max(expand):.0f})",
                    f"≤ {EXPAND_TARGET_MS} ms", None if expand is None else statistics.median(expand) <= EXPAND_TARGET_MS)
            budget = 1000 / FPS_TARGET
            for pass_ in ("forward", "backward"):
                ready_ms(page, f"{url}?pass={pass_}&step=0")
                paced = page.evaluate(STEP_FRAMES, [args.steps, "ArrowRight", LECTURE_PACE_FRAMES])
                stepping_rows(f"step, {pass_}, a key each 250 ms", paced, budget)
                # The same steps back, a key each other frame: what was typeset is kept (panel.js).
                held = page.evaluate(STEP_FRAMES, [args.steps, "ArrowLeft", HELD_KEY_FRAMES])
                stepping_rows("  back (←), held", held, budget)
                latency = page.evaluate(STEP_TIMES, [args.steps, "ArrowRight"])
                row("  key → next frame (adds the display's wait)", spread(latency), "", None)
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
