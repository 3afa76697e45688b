"""Divergence the loss does not show (issue 14, item 5): parameters that
grow past 10⁶ times their starting scale, or a gradient that is not finite,
count as divergence, with a warning that explains it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import load_examples, parse
from engine.training import Trainer, TrainingResult, TrainingSpec, spec_from_example

EXAMPLES = load_examples()


def result(final: dict[str, float]) -> TrainingResult:
    return TrainingResult(steps=[], loss=[], params={}, final=final, final_loss=1.0,
                          diverged=False, steps_done=1, rows=1)


def test_practical_at_lr_0_1_explodes_with_a_bounded_loss_and_is_called_diverged():
    example = EXAMPLES["practical"]
    trainer = Trainer(example.parse(), ["w", "b"], ["x", "ystar"])
    run = trainer.train(spec_from_example(example.training, lr=0.1))
    # the numbers: a flat fit, the loss bounded, the parameters ~1e9
    assert run.final["w"] == pytest.approx(-7.955e8, rel=1e-3)
    assert run.final["b"] == pytest.approx(-1.263e9, rel=1e-3)
    assert math.isfinite(run.final_loss) and run.final_loss < 1e3 * run.loss[0]
    assert run.diverged and len(run.warnings) == 1
    warning = run.warnings[0]
    assert warning.startswith("training diverged (w from 1 to -7.955e+08, b from 1 to "
                              "-1.263e+09, more than 10⁶ times the starting scale")
    assert "where the model is flat and its gradient vanishes" in warning
    assert warning.endswith("with learning rate 0.1: try a smaller one")
    # the course's rate converges and is not called diverged
    assert not trainer.train(spec_from_example(example.training)).diverged


def test_the_api_reports_it(client):
    run = client.post("/api/train", json={"example": "practical", "lr": 0.1}).json()
    assert run["diverged"] is True and "more than 10⁶ times" in run["warnings"][0]


def test_growth_is_measured_against_the_starting_scale():
    assert result({"w": 2e6, "b": 5e5}).judged(1.0, 0.1, {"w": 0.0, "b": 0.0}).diverged
    assert not result({"w": 2e6}).judged(1.0, 0.1, {"w": 10.0}).diverged  # < 1e6 × 10
    growing = result({"w": 2e6}).judged(1.0, 0.1, {"w": 1.0}, {"w": 3.0})
    assert "and the loss no longer follows them" in growing.warnings[0]  # not flat


def test_a_non_finite_gradient_at_the_end_is_divergence():
    judged = result({"w": 1.0}).judged(1.0, 0.01, {"w": 1.0}, {"w": math.inf})
    assert judged.diverged
    assert judged.warnings == ["training diverged (the gradient of w is inf at the end) with "
                               "learning rate 0.01: try a smaller one"]
    graph = parse("l = sqrt(w)*x", {"w": 0.0, "x": 1.0}, ["x"])
    run = Trainer(graph, ["w"], ["x"]).train(TrainingSpec(
        start={"w": 0.0}, columns={"x": np.array([1.0, 2.0])}, steps=0))
    assert run.diverged and "the gradient of w is inf" in run.warnings[0]
