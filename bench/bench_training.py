"""Training benchmark: chainrule's compiled graphs against the course
notebook's own numpy code, side by side in one run.

    python bench/bench_training.py            # about half a minute
    python bench/bench_training.py --quick

Workloads (the course solution of challenge 2: y = w·cos(p·x) + b on
x = arange(−10, 10, .01), 2,000 points, from p = w = 1.2, b = 2, lr 1e-2):
  sgd-50000   50,000 SGD steps, batch size 1, the same sample order for all:
              - the course's classes (forward / backward / step) on numpy scalars,
              - a closed-form Python loop with no graph at all (a floor),
              - chainrule: the graph compiled once to straight-line code;
  landscape   the mean loss over a 200 × 200 grid of (p, w) in
              arange(−0.5, 1.5, .01), over the 2,000 points:
              - the notebook's double loop, vectorised over the data,
              - the same vectorised over a whole row of the grid,
              - chainrule (compiled numpy code; what depends only on p is
                computed once).
Each figure is the median of repeated runs; the final parameters and the grids
are checked to agree before anything is timed.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time

import numpy as np

from engine import load_examples
from engine.training import Trainer, spec_from_example

EXAMPLE = load_examples()["challenge-2-solution"]


# --- the course's way --------------------------------------------------------------

class CosModel:
    """y = w·cos(p·x) + b with forward / backward / step, as the course writes it."""

    def __init__(self, p, w, b):
        self.p, self.w, self.b = p, w, b

    def forward(self, x):
        self.x = x
        self.s = self.p * x
        self.t = np.cos(self.s)
        return self.w * self.t + self.b

    def backward(self, grad_y):
        self.grad_b = grad_y
        self.grad_w = grad_y * self.t
        grad_s = grad_y * self.w * -np.sin(self.s)
        self.grad_p = grad_s * self.x

    def step(self, lr):
        self.p -= lr * self.grad_p
        self.w -= lr * self.grad_w
        self.b -= lr * self.grad_b


class SquaredError:
    def forward(self, y, target):
        self.diff = y - target
        return self.diff ** 2

    def backward(self):
        return 2 * self.diff


def course_classes(x, ystar, order, lr):
    model, loss = CosModel(1.2, 1.2, 2.0), SquaredError()
    for j in order:
        loss.forward(model.forward(x[j]), ystar[j])
        model.backward(loss.backward())
        model.step(lr)
    return model.p, model.w, model.b


def closed_form_loop(x, ystar, order, lr):
    p, w, b = 1.2, 1.2, 2.0
    xs, ys = x.tolist(), ystar.tolist()
    cos, sin = math.cos, math.sin
    for j in order:
        xj = xs[j]
        s = p * xj
        t = cos(s)
        d = 2.0 * (w * t + b - ys[j])
        p, w, b = p - lr * d * w * -sin(s) * xj, w - lr * d * t, b - lr * d
    return p, w, b


def notebook_landscape(x, ystar, ps, ws):
    grid = np.empty((len(ws), len(ps)))
    for i, w in enumerate(ws):
        for j, p in enumerate(ps):
            grid[i, j] = np.mean((w * np.cos(p * x) + 2.0 - ystar) ** 2)
    return grid


def row_vectorised_landscape(x, ystar, ps, ws):
    cos_px = np.cos(ps[:, None] * x[None, :])
    return np.array([np.mean((w * cos_px + 2.0 - ystar) ** 2, axis=1) for w in ws])


# --- timing --------------------------------------------------------------------------

def median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7

    spec = spec_from_example(EXAMPLE.training)
    trainer = Trainer(EXAMPLE.parse(), ["p", "w", "b"], ["x", "ystar"])
    x, ystar = spec.columns["x"], spec.columns["ystar"]
    order = trainer.order(spec)
    ps = ws = np.arange(-0.5, 1.5, 0.01)

    # The same numbers first: the runs and the grids must agree.
    ours = trainer.train(spec).final
    theirs = course_classes(x, ystar, order, spec.lr)
    for name, value in zip("pwb", theirs):
        assert math.isclose(ours[name], value, rel_tol=1e-9), (name, ours[name], value)
    assert np.allclose(trainer.landscape(spec, "p", "w", ps, ws),
                       row_vectorised_landscape(x, ystar, ps, ws), rtol=1e-12, atol=0)

    sgd = {
        "course classes": median_seconds(lambda: course_classes(x, ystar, order, spec.lr),
                                         repeats),
        "closed-form loop": median_seconds(lambda: closed_form_loop(x, ystar, order, spec.lr),
                                           repeats),
        "chainrule": median_seconds(lambda: trainer.train(spec), repeats),
    }
    landscape = {
        "notebook loop": median_seconds(lambda: notebook_landscape(x, ystar, ps, ws),
                                        max(1, repeats // 3)),
        "row-vectorised": median_seconds(lambda: row_vectorised_landscape(x, ystar, ps, ws),
                                         repeats),
        "chainrule": median_seconds(lambda: trainer.landscape(spec, "p", "w", ps, ws),
                                    repeats),
    }
    print(f"Python {sys.version.split()[0]}, numpy {np.__version__}; medians")
    _table("SGD, 50,000 steps", sgd, "course classes", per=len(order))
    _table("landscape, 200 × 200 grid over 2,000 points", landscape, "notebook loop")
    print(f"targets: SGD ≥ 3× the course classes "
          f"({sgd['course classes'] / sgd['chainrule']:.1f}×); landscape ≥ 2× the notebook "
          f"loop ({landscape['notebook loop'] / landscape['chainrule']:.1f}×) and < 1 s "
          f"({landscape['chainrule']:.2f} s)")
    return 0


def _table(title: str, results: dict[str, float], reference: str, per: int = 0):
    print(f"\n{title}")
    for name, seconds in results.items():
        each = f"  ({seconds / per * 1e6:.2f} µs/step)" if per else ""
        print(f"  {name:<18}{seconds * 1e3:>10.1f} ms  "
              f"{results[reference] / seconds:>6.1f}× {reference}{each}")


if __name__ == "__main__":
    sys.exit(main())
