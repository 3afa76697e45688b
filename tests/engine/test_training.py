"""Training: the compiled graph against the Value graph and against the
course's own numpy code, divergence, the landscape."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import load_examples, parse
from engine.compile import compile_graph, value_and_grad, value_and_grad_array
from engine.training import Trainer, TrainingError, TrainingSpec, spec_from_example
from random_expressions import NAMES, expressions

EXAMPLES = load_examples()
SAME = dict(rel=1e-9, abs=1e-12)  # the bound: the engine's own numbers


# --- the course's way: classes with forward / backward / step, on numpy -------------

class ExpModel:
    """y = exp(w·x + b), as the course solution writes it."""

    def __init__(self, w, b):
        self.w, self.b = np.float64(w), np.float64(b)

    def forward(self, x):
        self.x = x
        self.y = np.exp(self.w * x + self.b)
        return self.y

    def backward(self, grad_y):
        grad_v = grad_y * self.y
        self.grad_w, self.grad_b = grad_v * self.x, grad_v

    def step(self, lr):
        self.w = self.w - lr * self.grad_w
        self.b = self.b - lr * self.grad_b


class SquaredError:
    def forward(self, y, ystar):
        self.diff = y - ystar
        return self.diff ** 2

    def backward(self):
        return 2 * self.diff


def test_practical_in_cyclic_order_equals_the_course_loop_step_by_step():
    example = EXAMPLES["practical"]
    spec = spec_from_example(example.training, order="cyclic", steps=2000, max_points=2000)
    result = Trainer(example.parse(), ["w", "b"], ["x", "ystar"]).train(spec)
    x, ystar = spec.columns["x"], spec.columns["ystar"]
    model, loss_fn = ExpModel(1.0, 1.0), SquaredError()
    for t in range(2000):
        assert result.params["w"][t] == pytest.approx(model.w, **SAME), t
        assert result.params["b"][t] == pytest.approx(model.b, **SAME), t
        j = t % len(x)  # the course notebook's commented line
        loss = loss_fn.forward(model.forward(x[j]), ystar[j])
        assert result.loss[t] == pytest.approx(loss, **SAME), t
        model.backward(loss_fn.backward())
        model.step(1e-4)
    assert result.final["w"] == pytest.approx(model.w, **SAME)
    assert result.final["b"] == pytest.approx(model.b, **SAME)
    assert result.steps == list(range(2000)) and not result.diverged


def test_linear_regression_gradient_descent_equals_the_closed_form_update():
    example = EXAMPLES["linear-regression"]
    spec = spec_from_example(example.training)
    result = Trainer(example.parse(), ["w1", "w2", "b"], ["x1", "x2", "y"]).train(spec)
    x1, x2, y = (spec.columns[n] for n in ("x1", "x2", "y"))
    assert len(y) == 30 and np.allclose(y, 2 * x1 - 3 * x2 + 1)
    w1 = w2 = b = 0.0
    for epoch in range(10):
        error = w1 * x1 + w2 * x2 + b - y
        assert result.loss[epoch] == pytest.approx(np.sum(error ** 2), **SAME)
        assert (result.params["w1"][epoch], result.params["b"][epoch]) == \
            (pytest.approx(w1, **SAME), pytest.approx(b, **SAME))
        w1, w2, b = (w1 - 1e-2 * np.sum(2 * error * x1), w2 - 1e-2 * np.sum(2 * error * x2),
                     b - 1e-2 * np.sum(2 * error))
    assert result.final == {"w1": pytest.approx(w1, **SAME), "w2": pytest.approx(w2, **SAME),
                            "b": pytest.approx(b, **SAME)}


def test_the_300_point_exercise_diverges_cleanly_and_a_smaller_rate_fixes_it():
    example = EXAMPLES["linear-regression"]
    trainer = Trainer(example.parse(), ["w1", "w2", "b"], ["x1", "x2", "y"])
    diverging = trainer.train(spec_from_example(example.training, points=300))
    assert diverging.diverged and "try a smaller one" in diverging.warnings[0]
    overflowing = trainer.train(spec_from_example(example.training, points=300, steps=1000))
    assert overflowing.diverged and overflowing.steps_done < 1000
    assert not math.isfinite(overflowing.final_loss)
    fixed = trainer.train(spec_from_example(example.training, points=300, lr=1e-3))
    assert not fixed.diverged and fixed.final_loss < fixed.loss[0]


def test_sgd_equals_stepping_the_value_graph():
    example = EXAMPLES["challenge-2"]
    spec = spec_from_example(example.training, steps=50, max_points=50, seed=3)
    trainer = Trainer(example.parse(), ["p", "w", "b"], ["x", "ystar"])
    result = trainer.train(spec)
    params = dict(spec.start)
    for t, j in enumerate(trainer.order(spec)):
        graph = parse(example.source, {**params, "x": spec.columns["x"][j],
                                       "ystar": spec.columns["ystar"][j]}, example.data)
        graph.output.backward()
        assert result.loss[t] == pytest.approx(graph.output.data, **SAME)
        params = {n: params[n] - spec.lr * graph.inputs[n].grad for n in params}
    assert result.final == {n: pytest.approx(v, **SAME) for n, v in params.items()}


def test_random_order_is_reproducible_and_sample_at_replays_it():
    example = EXAMPLES["practical"]
    trainer = Trainer(example.parse(), ["w", "b"], ["x", "ystar"])
    spec = spec_from_example(example.training, steps=300, max_points=300, seed=11)
    first, second = trainer.train(spec), trainer.train(spec)
    assert first.params == second.params
    before, sample, grads = trainer.sample_at(spec, 120)
    assert before == {"w": first.params["w"][120], "b": first.params["b"][120]}
    j = trainer.order(spec)[120]
    assert sample == {"x": spec.columns["x"][j], "ystar": spec.columns["ystar"][j]}
    assert before["w"] - spec.lr * grads[0] == first.params["w"][121]


def test_landscape_equals_the_loss_computed_directly():
    example = EXAMPLES["challenge-2-solution"]
    spec = spec_from_example(example.training)
    trainer = Trainer(example.parse(), ["p", "w", "b"], ["x", "ystar"])
    ps, ws = np.arange(-0.5, 1.5, 0.1), np.arange(-0.5, 1.5, 0.05)
    grid = trainer.landscape(spec, "p", "w", ps, ws)
    x, ystar = spec.columns["x"], spec.columns["ystar"]
    for i in (0, 7, len(ws) - 1):
        for j in (0, 3, len(ps) - 1):
            direct = np.mean((ws[i] * np.cos(ps[j] * x) + 2.0 - ystar) ** 2)
            assert grid[i, j] == pytest.approx(direct, rel=1e-12)
    transposed = trainer.landscape(spec, "w", "p", ws, ps)
    assert np.allclose(transposed, grid.T, rtol=1e-12, atol=0)


def test_bad_training_requests_say_what_is_wrong():
    example = EXAMPLES["practical"]
    trainer = Trainer(example.parse(), ["w", "b"], ["x", "ystar"])
    spec = spec_from_example(example.training)
    for change, message in [({"lr": -1.0}, "learning rate"), ({"steps": -1}, "steps"),
                            ({"order": "sideways"}, "order"), ({"start": {"w": 1.0}}, "b")]:
        with pytest.raises(TrainingError, match=message):
            trainer.train(TrainingSpec(**{**spec.__dict__, **change}))
    with pytest.raises(TrainingError, match="not an input"):
        Trainer(example.parse(), ["q"], ["x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=expressions(), point=st.tuples(*[st.floats(-1.5, 1.5) for _ in NAMES]))
def test_compiled_code_agrees_with_the_value_graph(body, point):
    graph = parse(body, {n: v for n, v in zip(NAMES, point) if n in _used(body)})
    params = list(graph.inputs)
    graph.output.backward()
    program = compile_graph(graph.output, params, [])
    loss, grads = value_and_grad(program)(*(graph.inputs[n].data for n in params))
    assert loss == pytest.approx(graph.output.data, **SAME)
    for name, grad in zip(params, grads):
        assert grad == pytest.approx(graph.inputs[name].grad, **SAME), (body, name)
    if params:  # the numpy version, on a batch of the same point twice
        batch = [np.full(2, graph.inputs[n].data) for n in params]
        losses, array_grads = value_and_grad_array(program)(*batch)
        assert np.allclose(losses, graph.output.data, rtol=1e-9, atol=1e-12)
        for name, grad in zip(params, array_grads):
            assert np.allclose(grad, graph.inputs[name].grad, rtol=1e-9, atol=1e-12)


def _used(source: str) -> set[str]:
    import re
    return {n for n in NAMES if re.search(rf"\b{n}\b", source)}
