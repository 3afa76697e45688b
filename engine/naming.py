"""The names nodes go by on screen, as the slides name them.

A node the user named (in the source, or with micrograd's ``label=``) keeps
its name; a constant is its number. An unnamed intermediate whose expression
is very short and written in named operands is called by that expression, as
the slides write y′ = 2(y − y*) for the difference they never name. Every
other unnamed node gets a short automatic name, a letter with an index (u1,
u2, … for ops; p1, … for parameters; d1, … for data), so that no arrow, chip
or formula carries a long expression or an internal id. The full expression
of an automatically named node is kept for hover, focus and the panel.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from engine import notation
from engine.notation import Math

INLINE_CHARS = 9        # `y − y*`, `w1·x1`: short enough to be their own name
FULL_CHARS = 96         # past this a full expression stops expanding names
OP_LETTERS = "uvzhqrst"  # the first not already used as a name is the ops' letter
LEAF_LETTERS = {"parameter": "p", "data": "d"}


@dataclass
class Names:
    shown: list[Math]        # how each node is referred to in another formula
    written: list[Math]      # each node's expression in its operands' names
    full: list[Math]         # each node's expression, automatic names expanded (text:
                             # no TeX of it is written, so an op's has none)
    automatic: list[bool]    # whether the name was made here


def name_nodes(nodes, index, kinds: list[str], labels: dict[str, str]) -> Names:
    """Names for `nodes` (topological order; `index` maps a node to its
    position; `kinds` from document.kind_of; `labels` maps source names to
    names on screen, ystar → y*). Two passes: an expression that two nodes
    would both be called by (exp(a) computed twice) names neither."""
    first = _name_pass(nodes, index, kinds, labels, blocked=set())
    inline = Counter(m.text for m, node, auto in zip(first.shown, nodes, first.automatic)
                     if node._prev and not node.label and not auto)
    repeated = {text for text, count in inline.items() if count > 1}
    return first if not repeated else _name_pass(nodes, index, kinds, labels, repeated)


def _name_pass(nodes, index, kinds, labels, blocked: set[str]) -> Names:
    taken = {n.label for n in nodes if n.label} | set(labels.values())
    counters = _Counters(taken)
    shown: list[Math] = []
    written: list[Math] = []
    full: list[Math] = []
    automatic: list[bool] = []
    for i, node in enumerate(nodes):
        operands = [index[c] for c in node._prev]
        label = node.label
        if operands:
            op, arg = node._op, node.arg
            expression = notation.expression(op, [shown[j] for j in operands], arg)
            expanded = notation.expression_text(
                op, [_expanded(full[j], shown[j], automatic[j]) for j in operands], arg)
        auto = False
        if label:
            name = notation.name(labels.get(label, label))
        elif kinds[i] == "constant":
            name = notation.number(node.data)
        elif operands and len(expression.text) <= INLINE_CHARS and \
                expression.text not in blocked and not any(automatic[j] for j in operands):
            name = expression
        else:
            name, auto = counters.next(kinds[i]), True
        shown.append(name)
        written.append(expression if operands else name)
        full.append(expanded if operands else name)
        automatic.append(auto)
    return Names(shown, written, full, automatic)


def _expanded(full: Math, shown: Math, automatic: bool) -> Math:
    """An operand inside a full expression: an automatic name is replaced by
    what it stands for, unless that is too long to read."""
    if automatic and len(full.text) <= FULL_CHARS:
        return Math(full.text, full.tex, atomic=full.atomic)
    return shown


class _Counters:
    """Automatic names: a letter per kind, an index per letter, never a name
    already in use."""

    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        used = {re.sub(r"\d+$", "", t) for t in taken}
        self.op_letter = next((c for c in OP_LETTERS if c not in used), "u")
        self.count: dict[str, int] = {}

    def next(self, kind: str) -> Math:
        letter = LEAF_LETTERS.get(kind, self.op_letter)
        k = self.count.get(letter, 0)
        while True:
            k += 1
            text = f"{letter}{k}"
            if text not in self.taken:
                break
        self.count[letter] = k
        self.taken.add(text)
        return notation.name(text)
