"""Engine benchmark: chainrule's Value against micrograd, side by side in one run.

    python bench/bench_engine.py            # about a minute
    python bench/bench_engine.py --quick    # fewer repeats, a smoke run

Workloads (the same code runs on both Value classes):
  simple        one forward + backward of ℓ = (exp(w·x + b) − y*)²
  linreg-30     the sum of squared errors of y = w1·x1 + w2·x2 + b over 30
                samples, built from scalars, + backward
  linreg-3000   the same over 3,000 samples
  chain-20000   a chain of 20,000 nodes (y = relu(y), repeated) + backward

micrograd 0.1.0 (PyPI) has no exp(); the benchmark gives it one written the
way micrograd writes its ops (a closure), as its author's lecture does.
Each figure is the median of repeated runs, the two engines interleaved so
that machine noise hits both alike. Memory per node is measured with
tracemalloc on the 3,000-sample graph.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
import tracemalloc

from micrograd.engine import Value as MicrogradValue

from engine import Value as ChainruleValue


def _micrograd_exp(self):
    out = MicrogradValue(math.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += out.data * out.grad
    out._backward = _backward
    return out


MicrogradValue.exp = _micrograd_exp
sys.setrecursionlimit(200_000)  # micrograd's topological sort is recursive

ENGINES = {"micrograd": MicrogradValue, "chainrule": ChainruleValue}


def simple(Value):
    w, b, x, ystar = Value(0.5), Value(2.0), Value(0.5), Value(1.0)
    loss = ((w * x + b).exp() - ystar) ** 2
    loss.backward()
    return loss


def make_regression_data(n: int, seed: int = 0):
    rng = random.Random(seed)
    points = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(n)]
    return [(x1, x2, 2 * x1 - 3 * x2 + 1) for x1, x2 in points]


def regression(Value, data):
    w1, w2, b = Value(0.1), Value(-0.2), Value(0.0)
    loss = Value(0.0)
    for x1, x2, y in data:
        loss = loss + (w1 * x1 + w2 * x2 + b - y) ** 2
    loss.backward()
    return loss


def chain(Value, length=20_000):
    x = Value(0.5)
    y = x
    for _ in range(length):
        y = y.relu()
    y.backward()
    return y


def count_nodes(root) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def time_once(work, Value) -> float:
    gc.collect()
    start = time.perf_counter()
    result = work(Value)
    elapsed = time.perf_counter() - start
    del result
    return elapsed


def measure(work, inner: int, repeats: int) -> dict[str, float]:
    """Median seconds per call of `work(Value)` for each engine, interleaved."""
    samples = {name: [] for name in ENGINES}
    for _ in range(repeats):
        for name, Value in ENGINES.items():
            gc.collect()
            start = time.perf_counter()
            for _ in range(inner):
                work(Value)
            samples[name].append((time.perf_counter() - start) / inner)
    return {name: statistics.median(times) for name, times in samples.items()}


def bytes_per_node(Value, data) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss = regression(Value, data)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return (after - before) / count_nodes(loss)


def check_same_numbers(data) -> None:
    ours, theirs = simple(ChainruleValue), simple(MicrogradValue)
    assert math.isclose(ours.data, theirs.data, rel_tol=1e-12)
    a, b = regression(ChainruleValue, data), regression(MicrogradValue, data)
    assert math.isclose(a.data, b.data, rel_tol=1e-12)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    scale = 0.2 if args.quick else 1.0
    data30, data3000 = make_regression_data(30), make_regression_data(3000)
    check_same_numbers(data30)
    workloads = [
        ("simple", lambda V: simple(V), 2000, 15),
        ("linreg-30", lambda V: regression(V, data30), 200, 15),
        ("linreg-3000", lambda V: regression(V, data3000), 2, 15),
        ("chain-20000", lambda V: chain(V), 1, 15),
    ]
    print(f"Python {sys.version.split()[0]}; median of repeats, engines interleaved")
    print(f"{'workload':<14}{'micrograd':>14}{'chainrule':>14}{'speed-up':>10}")
    worst = math.inf
    for name, work, inner, repeats in workloads:
        result = measure(work, max(1, int(inner * scale)), max(3, int(repeats * scale)))
        ratio = result["micrograd"] / result["chainrule"]
        worst = min(worst, ratio)
        print(f"{name:<14}{_format(result['micrograd']):>14}{_format(result['chainrule']):>14}"
              f"{ratio:>9.1f}×")
    memory = {name: bytes_per_node(Value, data3000) for name, Value in ENGINES.items()}
    print(f"{'bytes/node':<14}{memory['micrograd']:>14.0f}{memory['chainrule']:>14.0f}"
          f"{memory['micrograd'] / memory['chainrule']:>9.1f}×")
    print(f"slowest speed-up: {worst:.1f}× (target ≥ 3×)")
    return 0


def _format(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.2f} ms"


if __name__ == "__main__":
    sys.exit(main())
