"""What a durable save costs: GraphStore.save with synchronous=FULL (what
the server runs: the WAL is fsynced at every commit, so a 201 survives a
power cut) against synchronous=NORMAL (what it ran before: survives a killed
process, not a power cut), on the disk that holds the database.

    python bench/bench_saves.py [--saves 100] [--rounds 5] [--dir FOLDER]

Each save is a new ~7 KB document (the `simple` example under its own
title), one transaction on a new connection, as POST /api/graphs makes it.
Prints the median and p95 time per save of each mode and what FULL adds. --dir defaults to
the folder of the default database (~/.local/share/chainrule), so the
figure is the real disk's; a tmpfs would hide the fsync.

Not a test: it prints a table and exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.config import default_database  # noqa: E402
from app.storage import GraphStore  # noqa: E402
from engine.examples import load_examples  # noqa: E402


def documents(count: int, tag: str) -> list[str]:
    simple = json.loads(load_examples()["simple"].document().to_json())
    return [json.dumps({**simple, "title": f"{tag} {n}"}) for n in range(count)]


def timed_saves(folder: Path, synchronous: str, count: int) -> list[float]:
    store = GraphStore(folder / f"bench-{synchronous.lower()}.db")
    connect = store._connect

    def with_mode() -> sqlite3.Connection:
        db = connect()
        db.execute(f"PRAGMA synchronous={synchronous}")
        return db

    times = []
    with mock.patch.object(store, "_connect", with_mode):
        for document in documents(count, synchronous):
            start = time.perf_counter()
            store.save(document)
            times.append(time.perf_counter() - start)
    return times


def fdatasync_ms(folder: Path, count: int = 200) -> tuple[float, float]:
    """What one fdatasync of an 8 KB append costs on this disk: median, p95."""
    taken = []
    with tempfile.NamedTemporaryFile(dir=folder) as file:
        for _ in range(count):
            file.write(b"x" * 8192)
            file.flush()
            start = time.perf_counter()
            os.fdatasync(file.fileno())
            taken.append(time.perf_counter() - start)
    taken.sort()
    return statistics.median(taken) * 1000, taken[int(count * 0.95)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=100, help="per mode and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=default_database().parent)
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"{args.rounds} rounds of {args.saves} saves per mode (a ~7 KB document each), "
          f"the modes interleaved (a shared disk's noise hits both), in {args.dir}")
    times: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    rounds: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        for _ in range(args.rounds):
            for mode in times:
                taken = timed_saves(Path(scratch), mode, args.saves)
                times[mode] += taken
                rounds[mode].append(statistics.median(taken))
                for leftover in Path(scratch).iterdir():
                    leftover.unlink()
    print("| synchronous | median per save | p95 | medians of the rounds |")
    print("|---|---|---|---|")
    for mode, taken in times.items():
        p95 = sorted(taken)[int(len(taken) * 0.95)]
        print(f"| {mode} | {statistics.median(taken) * 1000:.2f} ms | {p95 * 1000:.2f} ms | "
              f"{', '.join(f'{m * 1000:.1f}' for m in rounds[mode])} ms |")
    extra = statistics.median(times["FULL"]) - statistics.median(times["NORMAL"])
    print(f"FULL costs {extra * 1000:+.2f} ms per save (median against median)")
    median, p95 = fdatasync_ms(args.dir)
    print(f"one fdatasync here: median {median:.2f} ms, p95 {p95:.2f} ms (FULL makes one "
          "more per save than NORMAL: 5 against 4, counted with strace -c)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
