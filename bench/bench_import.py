"""Import cost: `from engine import Value` beside micrograd's, in fresh interpreters.

    python bench/bench_import.py            # 15 runs of each, a few seconds
    python bench/bench_import.py --runs 5

For each statement, every run starts a new Python with `-X importtime` and
adds up the time of the modules the statement imported (those a bare `python
-c pass` does not already load), and separately times the statement itself
with a clock. `from engine import *` loads every name of the package, which
is what `from engine import Value` cost before engine/__init__.py became lazy.
Figures are medians; the last column says which heavy libraries got loaded.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATEMENTS = {
    "chainrule: from engine import Value": "from engine import Value",
    "chainrule: from engine import * (before)": "from engine import *",
    "micrograd 0.1.0: import micrograd.engine": "import micrograd.engine",
}
HEAVY = ("networkx", "pydantic", "numpy", "urllib.request")
_LINE = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \|( *)(\S+)$")


def _imported(statement: str) -> tuple[dict[str, int], float, list[str]]:
    """Self time in µs of each module the statement loaded, its clock time
    in ms, and the heavy libraries now in sys.modules."""
    probe = ("import sys, time; t = time.perf_counter(); " + statement +
             "; t = time.perf_counter() - t; "
             f"print(t * 1e3, *[m for m in {HEAVY!r} if m in sys.modules])")
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", probe], cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, check=True)
    modules = {}
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            modules[match.group(3)] = int(match.group(1))
    clock, *heavy = done.stdout.split()
    return modules, float(clock), heavy


def measure(statement: str, runs: int, startup: set[str]) -> tuple[float, float, list[str]]:
    totals, clocks = [], []
    for _ in range(runs):
        modules, clock, heavy = _imported(statement)
        totals.append(sum(us for name, us in modules.items() if name not in startup) / 1e3)
        clocks.append(clock)
    return statistics.median(totals), statistics.median(clocks), heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    startup = set(_imported("pass")[0]) | {"time"}
    print(f"Python {sys.version.split()[0]}, median of {args.runs} fresh interpreters\n")
    print(f"{'statement':45} {'-X importtime':>14} {'clock':>9}  heavy modules loaded")
    for label, statement in STATEMENTS.items():
        try:
            total, clock, heavy = measure(statement, args.runs, startup)
        except subprocess.CalledProcessError as exc:
            print(f"{label:45} failed: {exc.stderr.strip().splitlines()[-1]}")
            continue
        print(f"{label:45} {total:11.1f} ms {clock:6.1f} ms  {', '.join(heavy) or '-'}")


if __name__ == "__main__":
    main()
