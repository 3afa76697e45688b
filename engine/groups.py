"""Groups of nodes, for pictures of neurons, layers and networks: every node
made inside `with group("layer 1"):` belongs to that group, and groups nest.

    from engine import Value, group
    with group("neuron"):
        out = (w * x + b).tanh()

A group is a name and a parent; a node records the innermost group open when
it was made (Value._group). The document (engine/grouping.py) keeps, of the
nodes a group tagged, those that only its own members use, so a group is one
piece of the picture with values entering and leaving it. Groups made by the
expression language (a named intermediate) and by engine.nn are the same.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager

from engine import value as _value

_next_id = itertools.count(1).__next__


class Group:
    """A named part of a graph; `parent` is the group it was opened in."""

    __slots__ = ("label", "parent", "id")

    def __init__(self, label: str, parent: Group | None = None):
        self.label = label
        self.parent = parent
        self.id = _next_id()

    @contextmanager
    def tagging(self):
        """Nodes made inside belong to this group (re-entered each forward call)."""
        outer = _value._open_group
        _value._open_group = self
        try:
            yield self
        finally:
            _value._open_group = outer

    def __repr__(self):
        return f"Group({self.label!r})"


@contextmanager
def group(label: str):
    """A new group inside the one open now: `with group("layer 1"): ...`."""
    with Group(label, _value._open_group).tagging() as made:
        yield made


def current() -> Group | None:
    """The innermost group open now, if any."""
    return _value._open_group
