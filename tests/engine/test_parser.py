"""The expression language: what it accepts, and for each kind of bad input
the message, line and column it answers."""

import math

import pytest

from engine import Limits, ParseError, parse

COURSE = "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2"
COURSE_VALUES = {"w": 0.5, "b": 2.0, "x": 0.5, "ystar": 1.0}


def test_course_source_names_every_intermediate():
    graph = parse(COURSE, COURSE_VALUES, ["x", "ystar"])
    assert list(graph.inputs) == ["w", "x", "b", "ystar"]
    assert {name: node.label for name, node in graph.names.items()} == \
        {n: n for n in ["w", "x", "b", "ystar", "u", "v", "y", "l"]}
    assert graph.output is graph.names["l"]
    assert not graph.inputs["x"].requires_grad and graph.inputs["w"].requires_grad


def test_caret_is_power_with_the_precedence_of_double_star():
    assert parse("x^2 - 1", {"x": 3}).output.data == 8.0
    assert parse("2^3^2").output.data == 512.0  # right-associative, like **
    assert parse("-x^2", {"x": 3}).output.data == -9.0


def test_semicolons_and_number_lines_give_inputs_their_values():
    graph = parse("x = 2; y = 3; x*y + 1")
    assert graph.output.data == 7.0
    assert parse("z = x*y\nx = 2\ny = -3\nz").output.data == -6.0  # values after use
    assert parse("x = 2; x*x", {"x": 5}).output.data == 25.0  # request values win


@pytest.mark.parametrize("source,value", [
    ("exp(0) + log(1) + sin(0) + cos(0) + tan(0) + tanh(0)", 2.0),
    ("sigmoid(0) + relu(-1) + sqrt(4) + abs(-3)", 5.5),
    ("(1 + 2) * 3 / 4", 2.25),
    ("-(-2)", 2.0),
    ("+2", 2.0),
])
def test_functions_and_operators(source, value):
    assert parse(source).output.data == value


def test_unicode_names_and_comments():
    graph = parse("é = 2  # a comment\nŷ = é^2\nŷ + 1")
    assert graph.output.data == 5.0


def test_aliases_and_a_lone_input_as_output():
    graph = parse("z = x\nz * 2", {"x": 4})
    assert graph.output.data == 8.0
    lone = parse("x = 3\nx")
    lone.output.backward()
    assert lone.output.grad == 1.0


@pytest.mark.parametrize("source,line,column,message", [
    ("x +", 1, 4, "syntax error"),
    ("u = w*x\nv = u +* b", 2, 8, "syntax error"),
    ("a^b^c + x^^2", 1, 11, "syntax error"),
    ("é + (", 1, 5, "never closed"),
    ("foo(x)", 1, 1, "unknown function 'foo'"),
    ("x + bar(2)", 1, 5, "unknown function 'bar'"),
    ("x.real", 1, 1, "attribute access"),
    ("x[0]", 1, 1, "indexing"),
    ("__import__('os')", 1, 1, "unknown function '__import__'"),
    ("__builtins__", 1, 1, "names starting with __"),
    ("__x = 2\n__x", 1, 1, "names starting with __"),
    ("exp.__globals__", 1, 1, "attribute access"),
    ("lambda: 1", 1, 1, "lambda"),
    ("f'{x}'", 1, 1, "text in quotes"),
    ("'abc'", 1, 1, "text in quotes"),
    ("[i for i in x]", 1, 1, "comprehensions"),
    ("x if x else 1", 1, 1, "if / else"),
    ("x < 1", 1, 1, "comparisons"),
    ("x and 1", 1, 1, "and / or"),
    ("import os", 1, 1, "imports"),
    ("from os import path", 1, 1, "imports"),
    ("def f(): pass", 1, 1, "statements are not allowed"),
    ("x += 1", 1, 1, "no +="),
    ("a, b = 1, 2", 1, 1, "only one name"),
    ("(x)(2)", 1, 2, "unknown function 'x'"),
    ("exp(x, 2)", 1, 1, "exactly one argument"),
    ("exp(x=2)", 1, 1, "exactly one argument"),
    ("exp", 1, 1, "is a function"),
    ("exp = 2\nexp", 1, 1, "is a function"),
    ("x // 2", 1, 1, "operator //"),
    ("x % 2", 1, 1, "operator %"),
    ("~x", 1, 1, "operator ~"),
    ("1j * x", 1, 1, "complex"),
    ("True + x", 1, 1, "not a number"),
    ("None", 1, 1, "not a number"),
    ("x\ny = 2", 1, 1, "only the last line"),
    ("x = 1\nx = 2\nx", 2, 1, "already defined on line 1"),
    ("z = v*2\nv = x + 1\nz", 1, 5, "used before it is defined on line 2"),
    ("y = 2 * q", 1, 9, "'q' has no value"),
    ("", 1, 1, "empty"),
    ("# only a comment", 1, 1, "empty"),
    ("x = 1\ny = x +\n", 2, 8, "syntax error"),
])
def test_rejections_say_what_and_where(source, line, column, message):
    with pytest.raises(ParseError) as caught:
        parse(source, {"x": 1.0} if "x =" not in source and "x" in source else {})
    error = caught.value
    assert message in error.message
    assert (error.line, error.column) == (line, column), error.message


def test_values_and_data_for_names_the_source_does_not_have():
    with pytest.raises(ParseError, match="does not use"):
        parse("x*2", {"x": 1, "z": 2})
    with pytest.raises(ParseError, match="computed on line 1") as caught:
        parse("u = x*2\nu + 1", {"x": 1, "u": 2})
    assert caught.value.line == 1
    with pytest.raises(ParseError, match="marked as data"):
        parse("x*2", {"x": 1}, ["y"])


def test_limits_give_clear_errors():
    with pytest.raises(ParseError, match="characters long; the limit is 100"):
        parse("x + " * 30 + "x", {"x": 1}, limits=Limits(max_source_chars=100))
    with pytest.raises(ParseError, match="more than 50 nodes"):
        parse(" + ".join(["x"] * 60), {"x": 1}, limits=Limits(max_nodes=50))
    with pytest.raises(ParseError, match="nested too deeply"):
        parse("(" * 30 + "x" + ")" * 30 + " + -" * 40 + "x", {"x": 1},
              limits=Limits(max_depth=20))
    with pytest.raises(ParseError, match="nested too deeply"):
        parse("- " * 250 + "x", {"x": 1})
    with pytest.raises(ParseError, match="too many nested parentheses"):
        parse("(" * 300 + "x" + ")" * 300, {"x": 1})  # Python's own parser limit


def test_a_thousand_term_sum_is_fine():
    graph = parse(" + ".join(f"w*x{i}" for i in range(1000)),
                  {"w": 2.0, **{f"x{i}": 1.0 for i in range(1000)}})
    graph.output.backward()
    assert graph.output.data == 2000.0 and graph.inputs["w"].grad == 1000.0


def test_huge_numbers_become_inf_without_big_integer_arithmetic():
    assert parse("9**9**9").output.data == math.inf
    assert parse("1e308*10").output.data == math.inf
    assert parse("1" + "0" * 400 + " * x", {"x": 1}).output.data == math.inf
    assert math.isnan(parse("log(-1)").output.data)


def test_positions_stay_inside_their_line():
    """Found by fuzzing: a carriage return before a NUL, and an error past a
    backslash continuation."""
    with pytest.raises(ParseError) as caught:
        parse("\r0\x00")
    assert (caught.value.line, caught.value.column) == (2, 2)
    with pytest.raises(ParseError) as caught:
        parse("y = exp(\\\n\\x")
    assert caught.value.line == 2 and caught.value.column <= 3


def test_nul_bytes_and_non_text_are_rejected():
    with pytest.raises(ParseError, match="NUL") as caught:
        parse("x +\x00 1", {"x": 1})
    assert (caught.value.line, caught.value.column) == (1, 4)
