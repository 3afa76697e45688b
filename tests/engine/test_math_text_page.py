"""The page sets a collapsed group's flows from their text
(static/js/math_text.js): whatever text engine/group_steps.py writes, on
random nested groups, inf and nan included, each of its characters is on
show in order, spaced as TeX spaces them (a number in exponent form as
× 10 to the power, as KaTeX wrote it). Node runs the page's own module."""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from page_module import run_page_module
from random_graphs import value_graphs

from engine import build_document

KINDS = {"it", "rm", "sub", "prime", "raised", "bin", "rel", "punct"}


def page_tokens(texts: list[str]) -> list[list[dict]]:
    return run_page_module("math_text.js", "mathTokens", "input.map(mathTokens)", json.dumps(texts))


def as_shown(text: str) -> str:
    """The text's characters as the page shows them, spaces aside."""
    return re.sub(r"(\d)e([−+-]?\d+)", r"\1×10\2", "".join(text.split())).replace("-", "−")


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(outputs=st.lists(value_graphs(groups=True), min_size=20, max_size=20))
def test_every_flow_text_of_random_groups_is_shown_whole(outputs):
    texts = [text for out in outputs for group in build_document(out).with_group_steps().groups
             for text in [group.steps.forward_text, *(f.text for f in group.steps.flows)]]
    assert texts   # twenty graphs with groups write some
    for text, tokens in zip(texts, page_tokens(texts)):
        assert all(t["kind"] in KINDS and t["text"] for t in tokens), text
        assert "".join(t["text"] for t in tokens).replace("-", "−") == as_shown(text), text
