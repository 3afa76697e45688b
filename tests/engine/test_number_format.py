"""One number rule (issue 10): engine/notation.py format_number and
static/js/format.js fmt write every number the same way, at every number of
digits, ties and exponents included. Node runs the page's own module."""

from __future__ import annotations

import json
import random

import pytest
from page_module import run_page_module

from engine.notation import format_number

SPECIAL = [0.0, -0.0, 0.125, 0.5, 2.5, -2.5, 0.00125, 1e-4, 9.99995e-5, 1e7, 9999999.5,
           9999.5, 12345.0, 1234567.0, 161.05898, -0.9992, 1.5e-5, 1e-300, 5e-324,
           1.7976931348623157e308, float("inf"), float("-inf"), float("nan"), 72.0353]


def numbers(count: int = 3000) -> list[float]:
    rng = random.Random(7)
    found = list(SPECIAL)
    for _ in range(count):
        mantissa = rng.choice([rng.uniform(-10, 10), rng.randint(-99999, 99999) / 8])
        found.append(mantissa * 10.0 ** rng.randint(-12, 12))
    return found


def js_fmt(xs: list[float], digits: int) -> list[str]:
    # JSON has no nan or infinities: they go as text and come back as numbers.
    encoded = json.dumps([x if x == x and abs(x) != float("inf") else str(x) for x in xs])
    return run_page_module("format.js", "fmt",
                           "input.map((x) => typeof x === 'string' ? "
                           "({ nan: NaN, inf: Infinity, '-inf': -Infinity })[x] : x)"
                           f".map((x) => fmt(x, {digits}))", encoded)


@pytest.mark.parametrize("digits", [4, 6, 12])
def test_python_and_the_page_write_every_number_alike(digits):
    xs = numbers()
    assert [format_number(x, digits) for x in xs] == js_fmt(xs, digits)
