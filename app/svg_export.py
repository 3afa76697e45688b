"""One frame of the player as a standalone SVG, drawn on the server from the
document: for slides that take only images (and PDF or printed notes).

Frames are numbered as on the page (static/js/state.js): `forward` step k
shows the inputs and the first k forward steps; `backward` step k shows every
value and the first k backward steps: gradients in red written u′, the local
derivative on each edge the gradient has crossed (*x), and those edges dashed
so colour is not the only cue. Every text is escaped: names are user text.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from engine.notation import format_number
from engine.schema import BackwardStep, Document, ForwardStep

OP_RADIUS = 22
BOX_HEIGHT = 34
INK, MUTED, GRADIENT, CURRENT = "#1f2933", "#9aa5b1", "#c62828", "#f59e0b"
FONT = "font-family=\"'DejaVu Sans', 'Liberation Sans', Arial, sans-serif\""


def frame_of(document: Document, phase: str, step: int | None) -> tuple[str, int]:
    """The pass and step, clamped into range; step None means the pass's end."""
    steps = [s for s in document.steps if s.pass_ == phase]
    last = len(steps)
    return phase, last if step is None else max(0, min(step, last))


def render_svg(document: Document, phase: str = "forward", step: int | None = None) -> str:
    phase, step = frame_of(document, phase, step)
    forward = [s for s in document.steps if isinstance(s, ForwardStep)]
    backward = [s for s in document.steps if isinstance(s, BackwardStep)]
    values = {n.id: n.value for n in document.nodes if n.kind != "op"}
    grads: dict[int, float] = {}
    crossed: set[int] = set()
    current = None
    if phase == "forward":
        for s in forward[:step]:
            values[s.node] = s.value
        current = forward[step - 1].node if step else None
    else:
        values = {n.id: n.value for n in document.nodes}
        for s in backward[:step]:
            grads[s.node] = s.grad
            crossed.update(f.edge for f in s.flows)
        current = backward[step - 1].node if step else None

    width, height = document.width + 60, document.height + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
             f'viewBox="-30 -20 {width:.0f} {height:.0f}" {FONT} font-size="14">',
             f"<title>{escape(document.title or 'chainrule graph')} — {phase} step {step}</title>",
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
             f'markerHeight="8" orient="auto-start-reverse"><path d="M0,1L10,5L0,9z" '
             f'fill="{MUTED}"/></marker>'
             '<marker id="arrow-grad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" '
             f'markerHeight="8" orient="auto-start-reverse"><path d="M0,1L10,5L0,9z" '
             f'fill="{GRADIENT}"/></marker></defs>',
             f'<rect x="-30" y="-20" width="{width:.0f}" height="{height:.0f}" fill="white"/>']
    for edge in document.edges:
        parts.append(_edge(document, edge, values, grads, edge.id in crossed))
    for node in document.nodes:
        parts.append(_node(node, values.get(node.id), grads.get(node.id), node.id == current))
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(document, edge, values, grads, crossed: bool) -> str:
    source, target = document.nodes[edge.source], document.nodes[edge.target]
    points = [(source.x, source.y), *edge.bends, (target.x, target.y)]
    (x0, y0), (x1, y1) = points[0], points[-1]
    start = _border(source, points[1])
    end = _border(target, points[-2])
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in [start, *points[1:-1], end])
    colour, marker = (GRADIENT, "arrow-grad") if crossed else (MUTED, "arrow")
    dash = ' stroke-dasharray="7 4"' if crossed else ""
    out = [f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash} '
           f'marker-end="url(#{marker})" data-edge-id="{edge.id}"/>']
    # Labels beside the first segment: above it (or right of a vertical one)
    # the value's name and value, below it the gradient and the local derivative.
    nx, ny = points[1] if len(points) > 2 else end
    mx, my = (start[0] + nx) / 2, (start[1] + ny) / 2
    vertical = abs(ny - start[1]) > abs(nx - start[0])
    if vertical:
        places = [(mx + 8, my - 6, "start"), (mx + 8, my + 12, "start"), (mx + 8, my + 28, "start")]
    else:
        places = [(mx, my - 8, "middle"), (mx, my + 18, "middle"), (mx, my + 34, "middle")]
    text = edge.label
    if edge.source in values and source.kind != "constant":
        text += f" = {_short(values[edge.source])}"
    out.append(_text(*places[0][:2], text, INK, anchor=places[0][2]))
    if edge.source in grads:
        out.append(_text(*places[1][:2], f"{_prime(edge.label)} = {_short(grads[edge.source])}",
                         GRADIENT, anchor=places[1][2], bold=True))
    if crossed:
        out.append(_text(*places[2][:2], f"*{edge.local_grad_expr}", GRADIENT,
                         anchor=places[2][2], italic=True))
    return "\n".join(out)


def _node(node, value, grad, current: bool) -> str:
    ring = f'<circle r="{OP_RADIUS + 7}" fill="none" stroke="{CURRENT}" stroke-width="3"/>' \
        if current else ""
    if node.kind == "op":
        shape = (f'<circle r="{OP_RADIUS}" fill="white" stroke="{INK}" stroke-width="2"/>'
                 + _text(0, 5, node.symbol or node.op or "?", INK, anchor="middle"))
    else:
        width = max(34, 11 * len(node.label) + 16)
        fill = "#dbeafe" if node.kind == "parameter" else "white"
        stroke = INK if node.kind != "constant" else MUTED
        shape = (f'<rect x="{-width / 2:.1f}" y="{-BOX_HEIGHT / 2}" width="{width:.1f}" '
                 f'height="{BOX_HEIGHT}" rx="7" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
                 + _text(0, 5, node.label, INK, anchor="middle", italic=True))
    warning = _text(16, -18, "⚠", "#b45309", anchor="middle") if node.warnings else ""
    attributes = f'data-node-id="{node.id}" data-kind="{node.kind}"'
    if value is not None:
        attributes += f' data-value="{_exact(value)}"'
    if grad is not None:
        attributes += f' data-grad="{_exact(grad)}"'
    return (f'<g transform="translate({node.x:.1f},{node.y:.1f})" {attributes}>'
            f"{ring}{shape}{warning}</g>")


def _border(node, toward) -> tuple[float, float]:
    """Where the line from the node's centre toward a point leaves its shape."""
    dx, dy = toward[0] - node.x, toward[1] - node.y
    length = math.hypot(dx, dy) or 1.0
    if node.kind == "op":
        reach = OP_RADIUS + 2
    else:
        half_w = max(34, 11 * len(node.label) + 16) / 2
        reach = min(half_w / max(abs(dx) / length, 1e-9), (BOX_HEIGHT / 2) /
                    max(abs(dy) / length, 1e-9)) + 2
    return node.x + dx / length * reach, node.y + dy / length * reach


def _text(x, y, text, colour, anchor="start", italic=False, bold=False) -> str:
    style = (' font-style="italic"' if italic else "") + (' font-weight="bold"' if bold else "")
    return (f'<text x="{x:.1f}" y="{y:.1f}" fill="{colour}" text-anchor="{anchor}"{style}>'
            f"{escape(text)}</text>")


def _prime(label: str) -> str:
    return f"({label})′" if " " in label else f"{label}′"


def _short(x: float) -> str:
    """Four significant digits: labels on a picture, the page has the rest."""
    if not math.isfinite(x):
        return format_number(x)
    return f"{x:.4g}".replace("-", "−")


def _exact(x: float) -> str:
    return quoteattr(repr(float(x)))[1:-1]
