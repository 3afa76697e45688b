"""Load test of a real chainrule server on loopback (release checks).

    python bench/load_test.py                          # 20,000 requests, 50 clients
    python bench/load_test.py --requests 5000 --workers 2

Starts `chainrule serve --workers N` on a free port, warms it up, sends the
requests (the mix of tests/support/loadgen.py: example pages and documents,
expressions from the form, 1,000-node graphs, training runs), and prints
throughput, p50/p99 latency per kind, errors and the server's memory. The CI
suite runs a 5,000-request form of it (tests/load).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

from live_server import running_server  # noqa: E402
from loadgen import rss_kib, run_load_blocking  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    command = [sys.executable, "-m", "app", "serve", "--workers", str(args.workers)]
    with running_server(command) as base:
        run_load_blocking(base, 500, args.concurrency, seed=args.seed + 1)
        before = rss_kib(base.process_ids())
        report = run_load_blocking(base, args.requests, args.concurrency, seed=args.seed)
        report.memory_before_kib, report.memory_after_kib = before, rss_kib(base.process_ids())
    print(f"chainrule serve --workers {args.workers}")
    print(report.summary())
    for error in report.errors[:10]:
        print("  error:", error)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
