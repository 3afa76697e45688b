"""Code written for micrograd runs unchanged on engine.Value: micrograd's own
nn.py (its MLP), loaded from the installed micrograd package with only its
import changed, trains to the same numbers as on micrograd's Value."""

import random
import types
from pathlib import Path

import pytest

micrograd = pytest.importorskip("micrograd")


def load_nn_module(import_line: str) -> types.ModuleType:
    path = Path(micrograd.__file__).parent / "nn.py"
    source = path.read_text().replace("from micrograd.engine import Value", import_line)
    module = types.ModuleType(f"nn_{abs(hash(import_line))}")
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def train(nn: types.ModuleType, steps: int = 5) -> list[float]:
    random.seed(1337)
    model = nn.MLP(2, [8, 8, 1])
    xs = [[random.uniform(-1, 1), random.uniform(-1, 1)] for _ in range(12)]
    ys = [1.0 if a * b > 0 else -1.0 for a, b in xs]
    losses = []
    for _ in range(steps):
        scores = [model(x) for x in xs]
        loss = sum((1 + -y * s).relu() for y, s in zip(ys, scores))
        loss = loss * (1.0 / len(xs))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad
        losses.append(loss.data)
    return losses + [p.data for p in model.parameters()]


def test_micrograd_mlp_trains_identically_on_engine_value():
    ours = train(load_nn_module("from engine import Value"))
    theirs = train(load_nn_module("from micrograd.engine import Value"))
    assert len(ours) == len(theirs)
    # Same arithmetic in a possibly different order of additions: 1e-12 relative.
    for a, b in zip(ours, theirs):
        assert a == pytest.approx(b, rel=1e-12, abs=1e-12)
    assert ours[4] < ours[0]  # it learns
