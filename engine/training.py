"""Training a graph the way the course does: SGD with batches of one sample
(random or cyclic order) or full-batch gradient descent, on the graph of one
sample's loss, compiled once (compile.py).

The graph's output is the loss of one sample; its inputs are split into
parameters (trained, with start values) and data (one column each). SGD takes
step t on sample order[t]; gradient descent sums the per-sample losses and
gradients over the whole table at each step (the course's sum of squared
errors).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from engine.compile import (Program, compile_graph, forward_array, landscape_function,
                            sgd_loop, split_forward, value_and_grad, value_and_grad_array)
from engine.parser import ParsedGraph

MAX_STEPS = 2_000_000
MAX_POINTS = 2_000


class TrainingError(ValueError):
    """A training request that cannot run (unknown parameter, bad rate...)."""


@dataclass
class TrainingSpec:
    start: dict[str, float]             # parameters, in order, with start values
    columns: dict[str, np.ndarray]      # data inputs, one column each
    optimizer: str = "sgd"              # "sgd" (batches of one) or "gd" (full batch)
    lr: float = 1e-2
    steps: int = 1000                   # updates (for gd: epochs); 0: none
    order: str = "random"               # sgd: "random" (seeded) or "cyclic" (t mod N)
    seed: int = 0
    max_points: int = 500               # recorded points at most, besides the last
    time_limit: float = math.inf        # seconds; over it, TrainingError

    @property
    def rows(self) -> int:
        """Samples in the data (1 if there is none): the size of an epoch."""
        return len(next(iter(self.columns.values()))) if self.columns else 1


@dataclass
class TrainingResult:
    steps: list[int]                    # the step of each recorded point
    loss: list[float]                   # the loss at that step
    params: dict[str, list[float]]      # each parameter before that step
    final: dict[str, float]             # the parameters after the last step done
    final_loss: float                   # the objective at `final` (see objective())
    diverged: bool
    steps_done: int
    rows: int
    objective: str = "mean"
    warnings: list[str] = field(default_factory=list)

    # The objective grew this much from the start: the run is diverging even
    # if no number has overflowed yet (the 300-point linear regression).
    DIVERGENCE_FACTOR = 1e3
    # A parameter this many times its starting scale (max(|start|, 1)) has
    # exploded even if the loss has not: practical at lr 0.1 throws w and b
    # to about −1e9, where exp(w·x + b) is 0, flat, and its gradient vanishes.
    GROWTH_FACTOR = 1e6

    def judged(self, initial_loss: float, lr: float, start: dict[str, float] | None = None,
               gradient: dict[str, float] | None = None) -> TrainingResult:
        """Set `diverged` and its warning from the final and initial objective,
        the parameters' growth from `start`, and the `gradient` of the
        objective at the final parameters."""
        finite = math.isfinite(self.final_loss) and all(map(math.isfinite, self.final.values()))
        grew = finite and self.final_loss > self.DIVERGENCE_FACTOR * max(initial_loss, 1e-300)
        exploded = {name: (start[name], value) for name, value in self.final.items()
                    if finite and start and name in start
                    and abs(value) > self.GROWTH_FACTOR * max(abs(start[name]), 1.0)}
        broken = {name: g for name, g in (gradient or {}).items() if not math.isfinite(g)}
        self.diverged = self.diverged or not finite or grew or bool(exploded) or bool(broken)
        if self.diverged:
            if not finite:
                what = "a value became inf or nan"
            elif grew:
                what = f"the loss grew from {initial_loss:.4g} to {self.final_loss:.4g}"
            elif exploded:
                moved = ", ".join(f"{name} from {a:.4g} to {b:.4g}"
                                  for name, (a, b) in exploded.items())
                # Flat: moving each exploded parameter by its own size changes
                # the loss by almost nothing (exp(w·x + b) at w, b ≈ −1e9).
                flat = gradient is not None and all(
                    abs(gradient.get(name, 0.0)) * abs(value)
                    <= 1e-6 * max(abs(self.final_loss), 1e-300)
                    for name, (_, value) in exploded.items())
                why = ("where the model is flat and its gradient vanishes, so the loss no "
                       "longer shows it" if flat else "and the loss no longer follows them")
                what = (f"{moved}, more than 10⁶ times the starting scale, while the loss "
                        f"went from {initial_loss:.4g} to {self.final_loss:.4g}: the steps "
                        f"overshot and threw the parameters far out, {why}")
            else:
                what = "the gradient of " + ", ".join(
                    f"{name} is {g}" for name, g in broken.items()) + " at the end"
            self.warnings.append(f"training diverged ({what}) with learning rate {lr:g}: "
                                 "try a smaller one")
        return self


class Trainer:
    """A graph compiled for training with a given split of its inputs."""

    def __init__(self, parsed: ParsedGraph, params: list[str], data: list[str]):
        for name in params + data:
            if name not in parsed.inputs:
                raise TrainingError(f"'{name}' is not an input of the graph")
        if not params:
            raise TrainingError("choose at least one parameter to train")
        self.params, self.data = params, data
        self.program: Program = compile_graph(parsed.output, params, data)
        self._sgd = sgd_loop(self.program)
        self._value_and_grad = value_and_grad(self.program)
        self._batch = value_and_grad_array(self.program)
        self._forward = forward_array(self.program)
        self._landscapes: dict[int, object] = {}  # compiled when a landscape is asked for

    # --- the runs ----------------------------------------------------------------

    def train(self, spec: TrainingSpec) -> TrainingResult:
        self._check(spec)
        if spec.optimizer == "gd":
            return self._gradient_descent(spec)
        return self._stochastic(spec)

    def order(self, spec: TrainingSpec) -> list[int]:
        """Which sample each SGD step takes."""
        rows = spec.rows
        if spec.order == "cyclic":  # the course notebook's commented line: j = i % N
            return [t % rows for t in range(spec.steps)]
        return np.random.default_rng(spec.seed).integers(0, rows, spec.steps).tolist()

    def _stochastic(self, spec: TrainingSpec) -> TrainingResult:
        stride = max(1, math.ceil(spec.steps / spec.max_points))
        columns = [spec.columns[name].tolist() for name in self.data]
        start = tuple(float(spec.start[name]) for name in self.params)
        deadline = time.monotonic() + spec.time_limit
        steps, trajectory, losses, final, done = self._sgd(start, columns, self.order(spec),
                                                           float(spec.lr), stride, deadline)
        if done < spec.steps and time.monotonic() > deadline:
            self._too_long(spec)
        final_map = dict(zip(self.params, final))
        final_loss = self.objective(final_map, spec.columns, "mean")
        return TrainingResult(
            steps=steps, loss=losses,
            params={name: [point[i] for point in trajectory] for i, name in enumerate(self.params)},
            final=final_map, final_loss=final_loss, diverged=False, steps_done=done,
            rows=spec.rows, objective="mean").judged(
                self.objective(spec.start, spec.columns, "mean"), spec.lr, spec.start,
                self.gradient(final_map, spec.columns))

    def _gradient_descent(self, spec: TrainingSpec) -> TrainingResult:
        stride = max(1, math.ceil(spec.steps / spec.max_points))
        columns = [spec.columns[name] for name in self.data]
        values = [float(spec.start[name]) for name in self.params]
        steps, losses, trajectory = [], [], []
        done, diverged = 0, False
        deadline = time.monotonic() + spec.time_limit
        with np.errstate(all="ignore"):
            for t in range(spec.steps):
                if time.monotonic() > deadline:
                    self._too_long(spec)
                loss, grads = self._batch(*values, *columns)
                total = float(np.sum(loss))
                if t % stride == 0:
                    steps.append(t)
                    losses.append(total)
                    trajectory.append(tuple(values))
                values = [v - spec.lr * float(np.sum(g)) for v, g in zip(values, grads)]
                done = t + 1
                if not (math.isfinite(total) and all(map(math.isfinite, values))):
                    diverged = True
                    break
        final = dict(zip(self.params, values))
        return TrainingResult(
            steps=steps, loss=losses,
            params={name: [p[i] for p in trajectory] for i, name in enumerate(self.params)},
            final=final, final_loss=self.objective(final, spec.columns, "sum"),
            diverged=diverged, steps_done=done, rows=spec.rows, objective="sum").judged(
                losses[0] if losses else math.nan, spec.lr, spec.start,
                self.gradient(final, spec.columns))

    # --- what the page shows besides the runs -------------------------------------

    def objective(self, params: dict[str, float], columns: dict[str, np.ndarray],
                  reduction: str) -> float:
        """The loss over the whole table at `params`: its mean or its sum."""
        with np.errstate(all="ignore"):
            losses = np.broadcast_to(self._forward(*(params[n] for n in self.params),
                                                   *(columns[n] for n in self.data)),
                                     (len(next(iter(columns.values()))),))
            total = float(np.sum(losses))
        return total / len(losses) if reduction == "mean" else total

    def gradient(self, params: dict[str, float], columns: dict[str, np.ndarray]
                 ) -> dict[str, float]:
        """The gradient of the summed loss over the whole table at `params`."""
        with np.errstate(all="ignore"):
            _, grads = self._batch(*(params[n] for n in self.params),
                                   *(columns[n] for n in self.data))
            return {name: float(np.sum(g)) for name, g in zip(self.params, grads)}

    def sample_at(self, spec: TrainingSpec, step: int) -> tuple[dict, dict, tuple]:
        """The parameters before `step`, the data of its sample and the
        gradient its update uses: replays the run exactly up to that step."""
        if not 0 <= step < spec.steps:
            raise TrainingError(f"step must be 0 to {spec.steps - 1}")
        replay = TrainingSpec(**{**spec.__dict__, "steps": step, "max_points": 1})
        start = self.train(replay).final if step else dict(spec.start)
        values = [start[n] for n in self.params]
        if spec.optimizer == "gd":  # the update uses the whole batch; show its first row
            sample = {name: float(spec.columns[name][0]) for name in self.data}
            with np.errstate(all="ignore"):
                _, grads = self._batch(*values, *(spec.columns[n] for n in self.data))
            return start, sample, tuple(float(np.sum(g)) for g in grads)
        j = self.order(spec)[step]
        sample = {name: float(spec.columns[name][j]) for name in self.data}
        _, grads = self._value_and_grad(*values, *(sample[n] for n in self.data))
        return start, sample, grads

    def landscape(self, spec: TrainingSpec, x_param: str, y_param: str,
                  xs: np.ndarray, ys: np.ndarray, reduction: str = "mean") -> np.ndarray:
        """The loss over the whole table on the grid xs × ys of two parameters,
        the others at their start values: rows follow ys, columns xs."""
        for name in (x_param, y_param):
            if name not in self.params:
                raise TrainingError(f"'{name}' is not a trained parameter")
        rows = spec.rows
        # Loop over the parameter that fewer lines depend on; the lines that
        # depend only on the other one (cos(p·x), say) are computed once.
        x_index, y_index = self.params.index(x_param), self.params.index(y_param)
        loop_y = len(split_forward(self.program, self.program.param_vars[y_index])[1]) <= \
            len(split_forward(self.program, self.program.param_vars[x_index])[1])
        loop_index, across, loop_values, across_values = (
            (y_index, x_param, ys, xs) if loop_y else (x_index, y_param, xs, ys))
        if loop_index not in self._landscapes:
            self._landscapes[loop_index] = landscape_function(self.program, loop_index)
        function = self._landscapes[loop_index]
        values = {**spec.start, across: np.asarray(across_values, dtype=float)[:, None]}
        arguments = [values[n] for n in self.params]
        arguments += [spec.columns[n][None, :] for n in self.data]
        with np.errstate(all="ignore"):
            sums = function(*arguments, [float(v) for v in loop_values],
                            (len(across_values), rows), time.monotonic() + spec.time_limit)
        if sums is None:
            self._too_long(spec)
        sums = np.array(sums)
        grid = sums if loop_y else sums.T
        return grid / rows if reduction == "mean" else grid

    # --- checks ------------------------------------------------------------------------

    @staticmethod
    def _too_long(spec: TrainingSpec):
        raise TrainingError(f"this run takes longer than the limit of {spec.time_limit:g} s: "
                            "ask for fewer steps, fewer rows or a smaller grid")

    def _check(self, spec: TrainingSpec):
        missing = [n for n in self.params if n not in spec.start]
        if missing:
            raise TrainingError(f"no start value for {', '.join(missing)}")
        absent = [n for n in self.data if n not in spec.columns]
        if absent:
            raise TrainingError(f"no data column for {', '.join(absent)}")
        if spec.optimizer not in ("sgd", "gd"):
            raise TrainingError("the optimizer is 'sgd' or 'gd'")
        if spec.order not in ("random", "cyclic"):
            raise TrainingError("the order is 'random' or 'cyclic'")
        if not (math.isfinite(spec.lr) and spec.lr > 0):
            raise TrainingError("the learning rate must be a positive number")
        if not 0 <= spec.steps <= MAX_STEPS:
            raise TrainingError(f"steps must be 0 to {MAX_STEPS}")
        if not 1 <= spec.max_points <= MAX_POINTS:
            raise TrainingError(f"max_points must be 1 to {MAX_POINTS}")



def spec_from_example(training: dict, *, start: dict[str, float] | None = None,
                      points: int | None = None, **overrides) -> TrainingSpec:
    """The TrainingSpec of an example's [training] table, with overrides
    (steps, lr, order, seed, optimizer, max_points) and start values."""
    from engine.datasets import make_columns  # datasets compiles formulas: import late
    if not training:
        raise TrainingError("this example has no training set-up")
    settings = {key: training[key] for key in ("optimizer", "lr", "steps", "order", "seed")
                if key in training}
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return TrainingSpec(start={**training.get("start", {}), **(start or {})},
                        columns=make_columns(training.get("data", {}), points), **settings)
