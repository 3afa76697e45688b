"""Central finite differences: the reference every gradient is checked against."""

from __future__ import annotations

from typing import Callable

STEP = 1e-6


def central_difference(f: Callable[[list[float]], float], point: list[float], i: int,
                       h: float = STEP) -> float:
    """d f / d point[i] by (f(x + h) − f(x − h)) / 2h; error O(h²)."""
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (f(up) - f(down)) / (2 * h)


def assert_close(actual: float, expected: float, rel: float, abs_: float, what: str = ""):
    assert abs(actual - expected) <= abs_ + rel * abs(expected), \
        f"{what}: {actual} vs {expected} (rel {rel}, abs {abs_})"
