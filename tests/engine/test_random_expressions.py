"""Random expressions (nesting, fan-out, every function) against central
finite differences, built with hypothesis and kept inside valid domains."""

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from random_expressions import NAMES, expressions

from engine import parse
from finite_differences import central_difference


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=expressions(), point=st.tuples(*[st.floats(-1.5, 1.5) for _ in NAMES]),
       shared=st.booleans())
def test_gradients_match_finite_differences(body, point, shared):
    # `shared` names the body and uses it twice: fan-out through a whole subgraph.
    source = f"h = {body}\nh * h + a" if shared else body
    used = [name for name in NAMES if re.search(rf"\b{name}\b", source)]
    values = {name: x for name, x in zip(NAMES, point) if name in used}

    def f(p):
        return parse(source, {n: x for n, x in zip(NAMES, p) if n in used}).output.data

    graph = parse(source, values)
    graph.output.backward()
    for i, name in enumerate(NAMES):
        if name not in graph.inputs:
            continue
        expected = central_difference(f, list(point), i, h=1e-5)
        actual = graph.inputs[name].grad
        # Central differences with h = 1e-5 on functions of moderate curvature:
        # error ~ h² f''' ≈ 1e-9; rounding ~ 1e-16 / h ≈ 1e-11 times |f|.
        tolerance = 1e-6 + 1e-6 * abs(expected)
        assert math.isfinite(actual)
        assert abs(actual - expected) <= tolerance, (source, name, actual, expected)
