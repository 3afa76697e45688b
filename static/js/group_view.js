/* Which graph is drawn, given the document's groups and the set of expanded
   ones: a pure function (tests/js/group_view.test.mjs).

   A node is drawn when every group holding it is expanded; otherwise the
   outermost collapsed group holding it is drawn instead, as one node keyed
   `g<id>` (the layout's key for a collapsed group, layout.js). An edge joins
   the drawn items of its ends; one inside a collapsed group is not drawn,
   and the edges into or out of a collapsed group that join the same two
   items are drawn once. Between two plain nodes every edge is kept (x*x has
   two arrows), so a fully expanded graph is the document's own.

   A collapsed group shows its output's name, value and gradient. A group
   with several outputs (a layer) has no one value: it shows how many
   outputs it has, and each arrow out of it carries its own output's value. */

export const DRAWN_LIMIT = 60;   // a graph opens showing at most about this many nodes

export const groupKey = (id) => `g${id}`;

/** The groups as a tree: parent, children, depth, and every node inside each. */
export function groupTree(doc) {
  const groups = doc.groups || [];
  const byId = new Map(groups.map((g) => [g.id, g]));
  const depth = new Map();
  const children = new Map(groups.map((g) => [g.id, []]));
  for (const g of groups) {   // parents come before children
    depth.set(g.id, g.parent === null ? 0 : depth.get(g.parent) + 1);
    if (g.parent !== null) children.get(g.parent).push(g.id);
  }
  // The chain of groups holding each node, outermost first.
  const chainOf = doc.nodes.map((node) => {
    const chain = [];
    for (let id = node.group ?? null; id !== null && id !== undefined; id = byId.get(id).parent) chain.push(id);
    return chain.reverse();
  });
  return { groups, byId, depth, children, chainOf };
}

/** The drawn graph for a set of expanded group ids. */
export function drawnGraph(doc, expanded, tree = groupTree(doc)) {
  const open = expanded instanceof Set ? expanded : new Set(expanded);
  const itemOf = new Array(doc.nodes.length);
  const items = [];
  const seen = new Set();
  for (const node of doc.nodes) {
    const chain = tree.chainOf[node.id];
    const closed = chain.find((id) => !open.has(id));
    const key = closed === undefined ? node.id : groupKey(closed);
    itemOf[node.id] = key;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(closed === undefined ? { key, kind: 'node', node } : { key, kind: 'group', group: tree.byId.get(closed) });
  }
  const edges = [];
  const joined = new Map();
  for (const edge of doc.edges) {
    const source = itemOf[edge.source];
    const target = itemOf[edge.target];
    if (source === target) continue;
    const plain = typeof source === 'number' && typeof target === 'number';
    const pair = `${source}>${target}`;
    if (!plain && joined.has(pair)) {
      joined.get(pair).edges.push(edge.id);
      continue;
    }
    const drawn = { source, target, edges: [edge.id] };
    edges.push(drawn);
    if (!plain) joined.set(pair, drawn);
  }
  // Boxes: the expanded groups all of whose ancestors are expanded too.
  const boxes = [];
  const boxOf = new Map();
  for (const g of tree.groups) {
    const shown = open.has(g.id) && (g.parent === null || boxOf.has(g.parent));
    if (!shown) continue;
    const box = { id: groupKey(g.id), group: g, parent: g.parent === null ? null : groupKey(g.parent), members: [] };
    boxOf.set(g.id, box);
    boxes.push(box);
  }
  for (const item of items) {
    const inner = item.kind === 'node' ? item.node.group : item.group.parent;
    if (inner !== null && inner !== undefined && boxOf.has(inner)) boxOf.get(inner).members.push(item.key);
  }
  return { items, itemOf, edges, boxes, output: itemOf[doc.output] };
}

/** The groups expanded when nothing says otherwise: all of them for a
    small graph; for a larger one, every group above the deepest level at
    which at most `limit` items are drawn. */
export function defaultExpanded(doc, limit = DRAWN_LIMIT, tree = groupTree(doc)) {
  const all = tree.groups.map((g) => g.id);
  if (doc.nodes.length <= limit) return new Set(all);
  const deepest = Math.max(-1, ...tree.depth.values());
  for (let level = deepest + 1; level > 0; level -= 1) {
    const open = new Set(all.filter((id) => tree.depth.get(id) < level));
    if (drawnGraph(doc, open, tree).items.length <= limit) return open;
  }
  return new Set();
}

/** The expanded set a state names (`open`: ids as text, or null for the default). */
export function expandedFrom(doc, open, tree = groupTree(doc)) {
  if (open === null || open === undefined) return defaultExpanded(doc, DRAWN_LIMIT, tree);
  return new Set(open.map(Number).filter((id) => tree.byId.has(id)));
}

/** The set as the URL writes it: ids in order. */
export function openList(expanded) {
  return [...expanded].sort((a, b) => a - b).map(String);
}

/** Expand or collapse one group. Collapsing keeps what is open inside it,
    so opening it again shows the same picture. */
export function toggled(expanded, id) {
  const next = new Set(expanded);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** What a collapsed group shows: its output's value and gradient, or, with
    several outputs, their count. */
export function groupFace(doc, group) {
  if (group.outputs.length === 1) {
    const output = doc.nodes[group.outputs[0]];
    return { output, value: output.value, grad: output.grad, outputs: 1 };
  }
  return { output: null, value: null, grad: null, outputs: group.outputs.length };
}
