"""The parser under fuzzing: arbitrary text and near-valid expressions never
raise anything but ParseError (with a line and a column inside the source),
never hang past the limits, and never execute anything.

Thousands of cases run in CI; CHAINRULE_FUZZ_EXAMPLES=200000 runs a long one.
"""

import builtins
import os
import signal
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import Limits, ParseError, document_of_parsed, parse

EXAMPLES = int(os.environ.get("CHAINRULE_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))
SMALL = Limits(max_source_chars=2000, max_nodes=500, max_depth=60)

TOKENS = ["x", "y", "w", "b", "u", "1", "2.5", "1e308", "0", "-", "+", "*", "/", "**", "^",
          "(", ")", "exp(", "log(", "sqrt(", "relu(", "=", "\n", ";", " ", ",", ".", "[",
          "]", "'", '"', "lambda", ":", "__", "import", "#", "é", "ℓ", "\t", "@", "%", "//",
          "if", "else", "{", "}", "f'", "\\", "\x00", "9**9**9", "sin(cos(", "abs(-"]


@contextmanager
def hang_guard(seconds: int = 10):
    """Fail (not hang) if one case runs away: a guard, not a speed check."""
    def timeout(signum, frame):
        raise AssertionError(f"parse ran for more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def nothing_may_run():
    """eval and exec are off limits to the parser. (Not to the document
    builder: networkx compiles its decorators with exec.)"""
    saved = builtins.eval, builtins.exec

    def refuse(*args, **kwargs):
        raise AssertionError("the parser called eval or exec")
    builtins.eval, builtins.exec = refuse, refuse
    try:
        yield
    finally:
        builtins.eval, builtins.exec = saved


def check(source: str):
    with hang_guard():
        try:
            with nothing_may_run():
                graph = parse(source, limits=SMALL, values={})
        except ParseError as error:
            lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            assert error.message and isinstance(error.line, int) and isinstance(error.column, int)
            if error.line:
                assert 1 <= error.line <= len(lines) + 1, (source, error)
                assert 1 <= error.column <= len(lines[error.line - 1]) + 2, (source, error)
            return
        document_of_parsed(graph).to_json()  # and whatever parses, documents


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(source):
    check(source)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_near_valid_token_soup(source):
    check(source)


@FUZZ
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
       st.sampled_from(["u = w*x\nv = u + b\n", "y = exp(", "l = (y - ystar)^2\n", ""]))
def test_course_source_with_garbage(garbage, prefix):
    check(prefix + garbage)


def test_nothing_is_executed(tmp_path):
    canary = tmp_path / "canary"
    for attack in [f"__import__('os').system('touch {canary}')",
                   f"exp.__globals__['__builtins__']['exec']('open(\"{canary}\", \"w\")')",
                   "(lambda: 1)()", "[c for c in ().__class__.__bases__[0].__subclasses__()]",
                   "x = 1\n__builtins__"]:
        with pytest.raises(ParseError), nothing_may_run():
            parse(attack)
    assert not canary.exists()
