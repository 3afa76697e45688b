/* Where the drawn graph goes. The input is layout.js's contract
   (`layoutGraph({nodes, edges, output, boxes})`, the maintainer's port of
   engine/layout.py with group boxes); until that module is on main, a plain
   layered layout with the same input and answer stands in for it:
   columns by longest path from the inputs, rows by the mean row of each
   node's inputs, the members of a box kept next to each other in each
   column, and each box the rectangle around its members. When layout.js
   lands, `placeDrawn` calls its layoutGraph instead (one line). */

import { shapeOf } from './geometry.js';

const LAYER_GAP = 170;   // as engine/layout.py: room for "u = 0.25" and "u′ = 161.1"
const ROW_GAP = 90;
const ARROW_ROOM = 150;  // between two columns' nodes: an arrow's name, value and gradient
const MARGIN = 50;
const BOX_PAD = 18;       // room between a box and its members
const BOX_HEADER = 26;    // the box's name and its collapse button, above its members

/** The layout's input for a drawn graph (group_view.js drawnGraph). */
export function layoutInput(doc, drawn) {
  return {
    nodes: drawn.items.map((item) => ({ id: item.key, kind: item.kind === 'node' ? item.node.kind : 'group' })),
    edges: drawn.edges.map((e) => ({ source: e.source, target: e.target })),
    output: drawn.output,
    boxes: drawn.boxes.map((b) => ({ id: b.id, parent: b.parent, members: b.members })),
  };
}

/** A layered layout with layoutGraph's input and answer. `sizeOf(id)`
    gives a node's [width, height]. */
export function layeredLayout({ nodes, edges, boxes = [] }, sizeOf) {
  const into = new Map(nodes.map((n) => [n.id, []]));
  for (const e of edges) into.get(e.target).push(e.source);
  const column = columnsOf(nodes, edges, into);
  // Each node's chain of boxes, outermost first, as a sort key.
  const boxOf = new Map();
  const parentOf = new Map(boxes.map((b) => [b.id, b.parent]));
  for (const b of boxes) for (const m of b.members) boxOf.set(m, b.id);
  const pathOf = (id) => {
    const chain = [];
    for (let b = boxOf.get(id); b; b = parentOf.get(b)) chain.unshift(b);
    return chain;
  };
  const columns = [];
  for (const n of nodes) (columns[column.get(n.id)] ||= []).push(n.id);
  const x = {};
  const y = {};
  const row = new Map();
  const order = new Map(nodes.map((n, i) => [n.id, i]));
  for (const ids of columns) {
    if (!ids) continue;
    const mean = (id) => {
      const sources = into.get(id).filter((s) => row.has(s));
      return sources.length ? sources.reduce((sum, s) => sum + row.get(s), 0) / sources.length : order.get(id);
    };
    const keyed = ids.map((id) => ({ id, path: pathOf(id).join('/'), at: mean(id) }));
    // A box's members stay together: sorted by box, the box by its members' mean.
    const boxAt = new Map();
    for (const k of keyed) boxAt.set(k.path, Math.min(boxAt.get(k.path) ?? Infinity, k.at));
    keyed.sort((a, b) => boxAt.get(a.path) - boxAt.get(b.path) || a.path.localeCompare(b.path) || a.at - b.at);
    let at = 0;
    keyed.forEach((k, i) => {
      if (i > 0 && k.path !== keyed[i - 1].path) at += 0.6;   // room for the boxes' edges and names
      row.set(k.id, at);
      at += 1;
    });
  }
  const tallest = Math.max(...[...row.values()], 0);
  // Columns as far apart as their widest nodes need, plus room for the arrows' labels.
  const left = [];
  let at = MARGIN;
  columns.forEach((ids, c) => {
    const half = ids ? Math.max(...ids.map((id) => sizeOf(id)[0] / 2)) : 0;
    const previous = c > 0 && columns[c - 1] ? Math.max(...columns[c - 1].map((id) => sizeOf(id)[0] / 2)) : 0;
    at += c === 0 ? 0 : Math.max(LAYER_GAP, previous + half + ARROW_ROOM);
    left[c] = at;
  });
  for (const ids of columns) {
    if (!ids) continue;
    const rows = ids.map((id) => row.get(id));
    const shift = (tallest - Math.max(...rows)) / 2;
    for (const id of ids) {
      x[id] = left[column.get(id)];
      y[id] = MARGIN + BOX_HEADER * depthOf(pathOf(id)) + (row.get(id) + shift) * ROW_GAP;
    }
  }
  // Boxes: around their members and their nested boxes, innermost first.
  const placedBoxes = {};
  const depth = (b) => { let d = 0; for (let p = parentOf.get(b); p; p = parentOf.get(p)) d += 1; return d; };
  for (const b of [...boxes].sort((p, q) => depth(q.id) - depth(p.id))) {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const m of b.members) {
      const [w, h] = sizeOf(m);
      x0 = Math.min(x0, x[m] - w / 2); x1 = Math.max(x1, x[m] + w / 2);
      y0 = Math.min(y0, y[m] - h / 2); y1 = Math.max(y1, y[m] + h / 2);
    }
    for (const inner of boxes.filter((c) => c.parent === b.id && placedBoxes[c.id])) {
      const r = placedBoxes[inner.id];
      x0 = Math.min(x0, r.x); x1 = Math.max(x1, r.x + r.width);
      y0 = Math.min(y0, r.y); y1 = Math.max(y1, r.y + r.height);
    }
    if (x0 === Infinity) continue;
    placedBoxes[b.id] = { x: x0 - BOX_PAD, y: y0 - BOX_PAD - BOX_HEADER, width: x1 - x0 + 2 * BOX_PAD, height: y1 - y0 + 2 * BOX_PAD + BOX_HEADER };
  }
  let width = 0;
  let height = 0;
  for (const n of nodes) {
    const [w, h] = sizeOf(n.id);
    width = Math.max(width, x[n.id] + w / 2 + MARGIN);
    height = Math.max(height, y[n.id] + h / 2 + MARGIN);
  }
  for (const r of Object.values(placedBoxes)) {
    width = Math.max(width, r.x + r.width + MARGIN);
    height = Math.max(height, r.y + r.height + MARGIN);
  }
  return { x, y, bends: new Map(), boxes: placedBoxes, width, height };
}

/** Each node's column: its longest path from an input (Kahn's order; a
    cycle that collapsing made, if any, is cut where it is met). */
function columnsOf(nodes, edges, into) {
  const out = new Map(nodes.map((n) => [n.id, []]));
  const waiting = new Map(nodes.map((n) => [n.id, into.get(n.id).length]));
  for (const e of edges) out.get(e.source).push(e.target);
  const column = new Map();
  const ready = nodes.filter((n) => waiting.get(n.id) === 0).map((n) => n.id);
  const settle = (id) => {
    const known = into.get(id).filter((s) => column.has(s)).map((s) => column.get(s));
    column.set(id, known.length ? 1 + Math.max(...known) : 0);
    for (const t of out.get(id)) {
      waiting.set(t, waiting.get(t) - 1);
      if (waiting.get(t) === 0) ready.push(t);
    }
  };
  while (column.size < nodes.length) {
    while (ready.length) {
      const id = ready.shift();
      if (!column.has(id)) settle(id);
    }
    const stuck = nodes.find((n) => !column.has(n.id));
    if (stuck) settle(stuck.id);
  }
  return column;
}

function depthOf(path) {
  return path.length;
}

/** The places of a drawn graph: the document's own when every node is
    drawn and no box is (today's server layout), else the layout's. */
export function placeDrawn(doc, drawn) {
  const collapsed = drawn.items.some((item) => item.kind === 'group');
  // Until layout.js lands, a fully expanded graph keeps the server's layout, without boxes.
  if (!collapsed) return { own: true, boxes: {} };
  const shapes = new Map(drawn.items.map((item) => [item.key, shapeOf(item.kind === 'node' ? item.node : { kind: 'group', label: item.group.label })]));
  const sizeOf = (id) => {
    const s = shapes.get(id);
    return s.circle ? [2 * s.r, 2 * s.r] : [s.w, s.h];
  };
  return layeredLayout(layoutInput(doc, drawn), sizeOf);
}
