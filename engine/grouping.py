"""The groups of a recorded graph, as the document gives them: which group
each node belongs to (innermost), and each group's members, parent, and the
nodes through which values enter and leave it.

An op belongs to the group open when it was made (engine/groups.py; a named
intermediate of the expression language and engine.nn's models open theirs).
A leaf (a parameter, data, a constant) belongs to the innermost group that
holds every op using it: w[0][3][1] to neuron 0.3, the input x of a network
to its first layer, a name used by two definitions to neither. So a group is
the part of the graph that only its own definition uses; the groups form a
tree, and each node is in exactly one innermost group or in none.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class GroupRecord:
    id: int
    label: str
    parent: int | None
    members: list[int] = field(default_factory=list)   # nodes whose innermost group it is
    inputs: list[int] = field(default_factory=list)    # outside nodes feeding a node inside
    outputs: list[int] = field(default_factory=list)   # inside nodes used outside (or the output)


def _chain(group) -> list:
    """A group and its ancestors, innermost first."""
    found = []
    while group is not None:
        found.append(group)
        group = group.parent
    return found


def _common(groups: list):
    """The innermost group holding every one of `groups` (None: the top)."""
    if not groups or any(g is None for g in groups):
        return None
    shared = _chain(groups[0])
    for g in groups[1:]:
        ancestry = set(map(id, _chain(g)))
        shared = [s for s in shared if id(s) in ancestry]
    return shared[0] if shared else None


def group_graph(nodes, edges) -> tuple[list[int | None], list[GroupRecord]]:
    """`nodes` in topological order (Value objects), `edges` as (child,
    parent) index pairs. Answers each node's innermost group id (or None)
    and the groups, ids in order of their first member."""
    consumers: list[list[int]] = [[] for _ in nodes]
    for child, parent in edges:
        consumers[child].append(parent)
    innermost: list = [None] * len(nodes)
    for i, node in enumerate(nodes):
        if node._prev:
            innermost[i] = node._group
    for i, node in enumerate(nodes):
        if not node._prev:
            innermost[i] = _common([innermost[p] for p in consumers[i]])
    if not any(g is not None for g in innermost):
        return [None] * len(nodes), []
    # Every group holding a node, with its ancestors, numbered by first member.
    numbered: dict[int, GroupRecord] = {}
    order: list = []
    for g in innermost:
        for ancestor in reversed(_chain(g)):
            if id(ancestor) not in numbered:
                parent = numbered[id(ancestor.parent)].id if ancestor.parent is not None else None
                numbered[id(ancestor)] = GroupRecord(len(order), ancestor.label, parent)
                order.append(ancestor)
    records = [numbered[id(g)] for g in order]
    ids = [numbered[id(g)].id if g is not None else None for g in innermost]
    for i, gid in enumerate(ids):
        if gid is not None:
            records[gid].members.append(i)
    # Ancestry as id sets, to tell inside from outside for every group.
    within = [set(numbered[id(a)].id for a in _chain(g)) if g is not None else set()
              for g in innermost]
    output = len(nodes) - 1
    for record in records:
        inputs, outputs = set(), set()
        for child, parent in edges:
            child_in, parent_in = record.id in within[child], record.id in within[parent]
            if parent_in and not child_in:
                inputs.add(child)
            if child_in and not parent_in:
                outputs.add(child)
        if record.id in within[output]:
            outputs.add(output)
        record.inputs, record.outputs = sorted(inputs), sorted(outputs)
    return ids, records
