"""The same graph as code (issue 14): a complete script in numpy, PyTorch,
JAX or chainrule's own micrograd-style Value API that computes the source's
output and prints one JSON line, {"value": ..., "gradients": {input: ...}}.
Every op's line is derived from engine.ops."""

from __future__ import annotations

from engine.codegen import library_code, numpy_code
from engine.codegen.graph import Namer, code_graph, line_numbers
from engine.codegen.spelling import LANGUAGES
from engine.codegen.training_code import training_lines
from engine.parser import ParsedGraph

__all__ = ["LANGUAGES", "CodeError", "generate_code", "generate_script"]

DOES = {
    "numpy": "forward and backward by hand with numpy, each op's backward beside its forward",
    "pytorch": "with PyTorch: tensors with requires_grad, backward(), .grad",
    "jax": "with JAX: jax.grad over the parameters",
    "chainrule": "with chainrule's Value (micrograd's API): backward(), .grad",
}


class CodeError(ValueError):
    """A request for code that cannot be written (an unknown language)."""


def generate_code(parsed: ParsedGraph, language: str, labels: dict[str, str] | None = None,
                  training: dict | None = None) -> str:
    """The script of `parsed` in `language`; with an example's [training]
    table, also the course's training loop, whose final parameters the
    printed JSON holds under "trained"."""
    return generate_script(parsed, language, labels, training)[0]


def generate_script(parsed: ParsedGraph, language: str, labels: dict[str, str] | None = None,
                    training: dict | None = None) -> tuple[str, dict[str, dict[int, int]]]:
    """The script (see generate_code) and the line of each node's step, by
    pass: {"forward": {node id: line}, "backward": {...}}, lines from 1."""
    if language not in LANGUAGES:
        raise CodeError(f"unknown language '{language}': the languages are "
                        f"{', '.join(LANGUAGES)}")
    module = numpy_code if language == "numpy" else library_code
    graph = code_graph(parsed.output, Namer(module.RESERVED))
    header = _header(parsed.source, language, labels or {}, bool(training))
    loop = (lambda gradient_names: training_lines(graph, language, training, gradient_names)) \
        if training else None
    if language == "numpy":
        code = numpy_code.numpy_script(graph, header, loop)
    else:
        code = library_code.library_script(graph, language, header, loop)
    return code, line_numbers(code, graph.marks)


def _header(source: str, language: str, labels: dict[str, str], training: bool) -> list[str]:
    lines = [f"# The graph of this source, {DOES[language]}:", "#"]
    lines += [f"#     {line}" if line.strip() else "#" for line in source.strip().split("\n")]
    if labels:
        shown = ", ".join(f"{name} is {label}" for name, label in labels.items())
        lines += ["#", f"# On screen: {shown}."]
    lines += ["#", '# It prints one JSON line: {"value": the output, "gradients": '
                   '{input: d output / d input}}' + (',' if training else '.')]
    if training:
        lines.append('# and "trained": the parameters after the course\'s training loop.')
    return lines + [""]
