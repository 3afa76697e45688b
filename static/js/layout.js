/* Left-to-right layered layout, drawn the way the course slides draw a graph,
   with groups drawn as boxes that keep their members together.

   The output sits on the right; each op's main input (its "spine": an op
   input before data, data before a parameter) continues on the op's own
   line, so the chain x → u → v → y → ℓ is one straight row. A parameter that
   feeds a single op stands directly above it (w and b drop into × and +
   from above); other inputs enter from the layer on the left, above the
   spine when they are parameters and below it otherwise.

   The algorithm is a short Sugiyama pass written for this shape of graph:
   layers by longest path, one dummy point per layer crossed by a long edge,
   order within a layer by the barycenter of the parents' ranks (right to
   left, from the output), then y coordinates as close as possible to where
   each node's parents want it, with no overlaps. It is deterministic (ties
   fall back to the node's place in topological order). A general-purpose
   layered layout (dagre, ELK, graphviz dot) would lose the slides'
   conventions, which are the point of the picture.

   Groups: an expanded group is laid out on its own first (its members and
   the boxes nested in it), then stands in its parent's layout as one unit
   as wide and tall as its box; the layer holding a box is widened to fit it.
   A collapsed group is a single node (kind 'group'), placed like an op.
   It runs in the page so that any set of expanded groups can be laid out
   without a server (offline copies, static sites, notebooks). */

export const LAYER_GAP = 170;  // between layers: room for "u = 0.25" and "u′ = 161.1"
export const ROW_GAP = 90;     // between rows
export const MARGIN = 50;
export const BOX_PAD = 40;     // from a box's edge to its outermost node centres
const MAX_BENDS = 6;
const SPINE_PREFERENCE = { op: 0, group: 0, box: 0, data: 1, constant: 2, parameter: 3 };

/** Lay out {nodes: [{id, kind}], edges: [{source, target}], output,
    boxes: [{id, parent, members}]}: see the contract in the module comment.
    Returns {x, y, bends: Map 'source>target' → [[x, y]…], boxes: {id: {x, y,
    width, height}}, width, height}; x and y are objects keyed by node id. */
export function layoutGraph(graph) {
  const boxes = graph.boxes || [];
  const levels = levelsOf(graph.nodes, boxes);
  // Innermost boxes first, so that each box's size is known to its parent.
  const depth = (id) => (id === null ? -1 : 1 + depth(levels.get(id).parent));
  const order = [...levels.keys()].sort((a, b) => depth(b) - depth(a));
  const kindOf = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  for (const id of order) placeLevel(levels.get(id), graph.edges, levels, kindOf);
  return compose(levels, graph.edges);
}

/** Place a document's own nodes (every group expanded, no boxes): writes
    each node's x and y, each edge's bends and the document's width and
    height, which the renderer reads. */
export function placeDocument(doc) {
  const placed = layoutGraph({
    nodes: doc.nodes.map((n) => ({ id: n.id, kind: n.kind })),
    edges: doc.edges.map((e) => ({ source: e.source, target: e.target })),
    output: doc.output,
  });
  for (const node of doc.nodes) { node.x = placed.x[node.id]; node.y = placed.y[node.id]; }
  for (const edge of doc.edges) edge.bends = placed.bends.get(`${edge.source}>${edge.target}`) || [];
  doc.width = placed.width;
  doc.height = placed.height;
  return doc;
}

/* --- levels: the top (id null) and each box, with the units inside it ----- */

function levelsOf(nodes, boxes) {
  const levels = new Map([[null, newLevel(null, null)]]);
  for (const box of boxes) levels.set(box.id, newLevel(box.id, box.parent ?? null));
  const home = new Map();    // node id → the box it is drawn in (null: the top)
  for (const box of boxes) for (const id of box.members) home.set(id, box.id);
  // Units in the graph's order, a nested box where its first member comes.
  const listed = new Set();
  for (const node of nodes) {
    const box = home.has(node.id) ? home.get(node.id) : null;
    levels.get(box).units.push({ id: node.id, kind: node.kind });
    for (let b = box; b !== null && !listed.has(b); b = levels.get(b).parent) {
      listed.add(b);
      levels.get(levels.get(b).parent).units.push({ id: b, kind: 'box', box: true });
    }
    // The unit standing for this node in each level around it.
    let unit = node.id;
    for (let level = box; ; level = levels.get(level).parent) {
      levels.get(level).unitOf.set(node.id, unit);
      if (level === null) break;
      unit = level;
    }
  }
  return levels;
}

const newLevel = (id, parent) => ({ id, parent, units: [], unitOf: new Map() });

/* --- one level: the slides' layered layout of its units ------------------- */

/** Lays out a level's units (sorted into topological order) and keeps the
    result on the level: x, y, bends by 'i>j' of unit indices, sizes. */
function placeLevel(level, edges, levels, kindOf) {
  const index = new Map(level.units.map((u, i) => [u.id, i]));
  const pairs = [];
  const seen = new Set();
  const outside = new Map();   // unit index → the kinds of the inputs it takes from outside the box
  for (const edge of edges) {
    const a = level.unitOf.get(edge.source);
    const b = level.unitOf.get(edge.target);
    if (a === undefined && b === edge.target) {
      const i = index.get(b);
      if (!outside.has(i)) outside.set(i, []);
      outside.get(i).push(kindOf.get(edge.source));
    }
    if (a === undefined || b === undefined || a === b) continue;
    const key = `${index.get(a)}>${index.get(b)}`;
    if (!seen.has(key)) { seen.add(key); pairs.push([index.get(a), index.get(b)]); }
  }
  const order = kahn(level.units.length, pairs);
  const position = new Array(order.length);
  order.forEach((u, i) => { position[u] = i; });
  level.units = order.map((i) => level.units[i]);
  level.index = new Map(level.units.map((u, i) => [u.id, i]));
  const sizes = level.units.map((u) => (u.box ? boxSize(levels.get(u.id)) : null));
  const outsideKinds = order.map((i) => outside.get(i) || []);
  Object.assign(level, layered(level.units.map((u) => u.kind), pairs.map(([a, b]) => [position[a], position[b]]),
    sizes, outsideKinds));
  Object.assign(level, extentOf(level));
}

function boxSize(inner) {
  return { width: inner.right - inner.left + 2 * BOX_PAD, half: (inner.bottom - inner.top) / 2 + BOX_PAD };
}

/** Kahn's algorithm taking the smallest ready index first: the identity on
    an order that is already topological (the document's own). */
function kahn(count, pairs) {
  const indegree = new Array(count).fill(0);
  const next = Array.from({ length: count }, () => []);
  for (const [a, b] of pairs) { indegree[b] += 1; next[a].push(b); }
  const ready = [];
  for (let i = 0; i < count; i += 1) if (indegree[i] === 0) ready.push(i);
  const order = [];
  while (ready.length) {
    let k = 0;
    for (let j = 1; j < ready.length; j += 1) if (ready[j] < ready[k]) k = j;
    const u = ready.splice(k, 1)[0];
    order.push(u);
    for (const v of next[u]) { indegree[v] -= 1; if (indegree[v] === 0) ready.push(v); }
  }
  if (order.length !== count) throw new Error('the graph has a cycle');
  return order;
}

/* --- the layered pass (engine/layout.py's algorithm, on units 0..n-1 in
   topological order; sizes[i] is a box's {width, half} or null; outside[i]
   the kinds of the inputs unit i takes from outside its box) ------------- */

function layered(kinds, pairs, sizes, outside = kinds.map(() => [])) {
  const count = kinds.length;
  const successors = Array.from({ length: count }, () => []);
  const predecessors = Array.from({ length: count }, () => []);
  for (const [child, parent] of pairs) { successors[child].push(parent); predecessors[parent].push(child); }
  // Edges as a graph lists them: by child, then parents in order of appearance.
  const graphEdges = [];
  for (let child = 0; child < count; child += 1) for (const parent of successors[child]) graphEdges.push([child, parent]);
  const children = Array.from({ length: count }, () => []);
  for (const [child, parent] of pairs) if (!children[parent].includes(child)) children[parent].push(child);
  const spine = children.map((kids, i) => spineOf(kids, kinds, outside[i]));
  const attached = attachedParameters(kinds, successors, spine, sizes);
  const layer = layersOf(count, predecessors, successors, attached, sizes);

  // Dummy units on long edges: one per crossed layer; a dummy is [child, parent, layer].
  const unitsInLayer = new Map();
  const unitParents = new Map();
  const addUnit = (lay, unit) => { if (!unitsInLayer.has(lay)) unitsInLayer.set(lay, []); unitsInLayer.get(lay).push(unit); };
  for (let n = 0; n < count; n += 1) {
    if (attached.has(n)) continue;
    addUnit(layer[n], n);
    unitParents.set(n, []);
  }
  const chains = new Map();
  for (const [child, parent] of graphEdges) {
    if (attached.get(child) === parent) continue;
    let previous = parent;
    const chain = [];
    const span = layer[parent] - layer[child] - 1;
    // Bend points keep long edges clear of nodes; past MAX_BENDS layers (a
    // parameter shared across a long sum) they would cost more than they
    // help, and the edge is drawn straight.
    if (span <= MAX_BENDS) {
      for (let lay = layer[parent] - 1; lay > layer[child]; lay -= 1) {
        const dummy = [child, parent, lay];
        addUnit(lay, dummy);
        unitParents.set(dummy, [previous]);
        chain.push(dummy);
        previous = dummy;
      }
    }
    chains.set(`${child}>${parent}`, chain);
    unitParents.get(child).push(previous);
  }

  const offsets = offsetsFromParents(children, spine, attached, kinds);
  const offset = (unit, parent) => offsets.get(`${real(unit)}>${real(parent)}`) ?? 0;
  const ys = new Map();
  const rank = new Map();
  const above = new Map();
  for (const [p, owner] of attached) { if (!above.has(owner)) above.set(owner, []); above.get(owner).push(p); }
  for (const lay of [...unitsInLayer.keys()].sort((a, b) => b - a)) {
    const units = unitsInLayer.get(lay);
    const keyOf = new Map(units.map((unit) => {
      const parents = unitParents.get(unit);
      if (!parents.length) return [unit, [0, 0, ...unitId(unit)]];
      let meanRank = 0;
      for (const p of parents) meanRank += rank.get(p);
      meanRank /= parents.length;
      let first = parents[0];
      for (const p of parents) if (rank.get(p) < rank.get(first)) first = p;
      return [unit, [meanRank, offset(unit, first), ...unitId(unit)]];
    }));
    units.sort((a, b) => compareTuples(keyOf.get(a), keyOf.get(b)));
    units.forEach((unit, i) => rank.set(unit, i));
    const desired = units.map((unit) => {
      const parents = unitParents.get(unit);
      if (!parents.length) return 0;
      let sum = 0;
      for (const p of parents) sum += ys.get(p) + offset(unit, p) * ROW_GAP;
      return sum / parents.length;
    });
    const tops = units.map((unit) => (isDummy(unit) ? 0
      : sizes[unit] ? sizes[unit].half : (above.get(unit) || []).length * ROW_GAP));
    const bottoms = units.map((unit) => (!isDummy(unit) && sizes[unit] ? sizes[unit].half : 0));
    withoutOverlaps(desired, tops, bottoms).forEach((y, i) => ys.set(units[i], y));
  }

  // Each layer is as wide as the widest box in it.
  const layers = Math.max(0, ...layer) + 1;
  const extra = new Array(layers).fill(0);
  for (let n = 0; n < count; n += 1) if (sizes[n]) extra[layer[n]] = Math.max(extra[layer[n]], sizes[n].width);
  const columnX = [];
  for (let l = 0; l < layers; l += 1) columnX.push(l === 0 ? extra[0] : columnX[l - 1] + LAYER_GAP + extra[l]);

  const x = new Array(count).fill(0);
  const y = new Array(count).fill(0);
  for (let n = 0; n < count; n += 1) {
    if (attached.has(n)) continue;
    x[n] = columnX[layer[n]];
    y[n] = ys.get(n);
  }
  for (const [owner, params] of above) {
    const ordered = [...params].sort((a, b) => offset(b, owner) - offset(a, owner));
    ordered.forEach((p, j) => { x[p] = x[owner]; y[p] = y[owner] - (j + 1) * ROW_GAP; });
  }
  const bends = new Map();
  for (const [key, chain] of chains) {
    if (chain.length) bends.set(key, [...chain].reverse().map((d) => [columnX[d[2]], ys.get(d)]));
  }
  return { x, y, bends, sizes };
}

const isDummy = (unit) => Array.isArray(unit);
const real = (unit) => (isDummy(unit) ? unit[0] : unit);  // a dummy stands for its edge's child
const unitId = (unit) => (isDummy(unit) ? [unit[0], unit[1]] : [unit, -1]);

function compareTuples(a, b) {
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** The input continuing an op's row; null when it comes from outside the
    box (x into a neuron's w·x): the neuron's w then stands above its op. */
function spineOf(kids, kinds, outsideKinds) {
  if (!kids.length) return null;
  let best = kids[0];
  for (const c of kids) {
    const [pc, pb] = [SPINE_PREFERENCE[kinds[c]], SPINE_PREFERENCE[kinds[best]]];
    if (pc < pb || (pc === pb && c < best)) best = c;
  }
  const fromOutside = Math.min(Infinity, ...outsideKinds.map((k) => SPINE_PREFERENCE[k]));
  return fromOutside <= SPINE_PREFERENCE[kinds[best]] ? null : best;
}

/** Parameters that feed one op, not as its spine: drawn right above it (never above a box). */
function attachedParameters(kinds, successors, spine, sizes) {
  const attached = new Map();
  kinds.forEach((kind, n) => {
    if (kind !== 'parameter') return;
    const parents = [...new Set(successors[n])];
    if (parents.length === 1 && spine[parents[0]] !== n && !sizes[parents[0]]) attached.set(n, parents[0]);
  });
  return attached;
}

/** Longest path from the inputs (a box takes as many layers as it is wide in
    gaps), then every node moves right next to the first op that uses it:
    inputs join their op, and a term of a long sum sits beside the + that takes
    it instead of far left with an edge across the whole picture. */
function layersOf(count, predecessors, successors, attached) {
  const layer = new Array(count).fill(0);
  for (let n = 0; n < count; n += 1) {
    let deepest = -1;
    for (const c of predecessors[n]) if (!attached.has(c)) deepest = Math.max(deepest, layer[c]);
    layer[n] = 1 + deepest;
  }
  for (let n = count - 1; n >= 0; n -= 1) {
    if (attached.has(n) || !successors[n].length) continue;
    let nearest = Infinity;
    for (const p of successors[n]) nearest = Math.min(nearest, layer[p]);
    layer[n] = Math.max(layer[n], nearest - 1);
  }
  for (const [p, owner] of attached) layer[p] = layer[owner];
  const low = Math.min(...layer);
  return layer.map((l) => l - low);
}

/** Where each input sits relative to its parent, in rows: the spine at 0,
    parameters above (negative), everything else below, in argument order. */
function offsetsFromParents(children, spine, attached, kinds) {
  const offsets = new Map();
  children.forEach((kids, parent) => {
    if (!kids.length) return;
    const main = spine[parent];
    const ups = kids.filter((c) => c !== main && kinds[c] === 'parameter' && !attached.has(c));
    const downs = kids.filter((c) => c !== main && !ups.includes(c) && !attached.has(c));
    if (main !== null) offsets.set(`${main}>${parent}`, 0);
    [...ups].reverse().forEach((c, j) => offsets.set(`${c}>${parent}`, -(j + 1)));
    downs.forEach((c, j) => offsets.set(`${c}>${parent}`, j + 1));
    kids.filter((c) => attached.get(c) === parent).forEach((c, j) => offsets.set(`${c}>${parent}`, j));
  });
  return offsets;
}

/** Ys in the given order, each unit ROW_GAP below the previous one's bottom
    (a unit reaches `tops` above its y and `bottoms` below), as close to
    `desired` as a push-down and a push-up pass averaged can make them. */
function withoutOverlaps(desired, tops, bottoms) {
  const n = desired.length;
  const down = [...desired];
  for (let i = 1; i < n; i += 1) down[i] = Math.max(desired[i], down[i - 1] + bottoms[i - 1] + ROW_GAP + tops[i]);
  const up = [...desired];
  for (let i = n - 2; i >= 0; i -= 1) up[i] = Math.min(desired[i], up[i + 1] - ROW_GAP - tops[i + 1] - bottoms[i]);
  return down.map((d, i) => (d + up[i]) / 2);
}

/* --- composing the levels into one picture ---------------------------------- */

/** Absolute positions: the top level as laid out, each box's inner layout
    moved into the box its unit occupies, then everything shifted to the
    margin as engine/layout.py's _normalised did. */
function compose(levels, edges) {
  const x = {};
  const y = {};
  const boxes = {};
  const shifts = new Map();   // level id → [dx, dy] from its own coordinates
  const place = (level, dx, dy) => {
    shifts.set(level.id, [dx, dy]);
    level.units.forEach((unit, i) => {
      const [ux, uy] = [level.x[i] + dx, level.y[i] + dy];
      if (!unit.box) { x[unit.id] = ux; y[unit.id] = uy; return; }
      const inner = levels.get(unit.id);
      const size = level.sizes[i];
      boxes[unit.id] = { x: ux - size.width, y: uy - size.half, width: size.width, height: 2 * size.half };
      place(inner, ux - BOX_PAD - inner.right, uy - (inner.top + inner.bottom) / 2);
    });
  };
  place(levels.get(null), 0, 0);

  // An edge bends where its ends' units are laid out apart: in the innermost
  // level holding both.
  const bends = new Map();
  for (const edge of edges) {
    const level = levels.get(commonLevel(edge, levels));
    const from = level.index.get(level.unitOf.get(edge.source));
    const to = level.index.get(level.unitOf.get(edge.target));
    const chain = level.bends.get(`${from}>${to}`);
    if (!chain) continue;
    const [dx, dy] = shifts.get(level.id);
    bends.set(`${edge.source}>${edge.target}`, chain.map(([a, b]) => [a + dx, b + dy]));
  }
  return normalised(x, y, bends, boxes);
}

function commonLevel(edge, levels) {
  const around = (id) => {
    const chain = [];
    for (const level of levels.values()) if (level.unitOf.has(id)) chain.push(level.id);
    return chain;
  };
  const target = new Set(around(edge.target));
  const shared = around(edge.source).filter((id) => target.has(id));
  // The innermost shared level is the one with the fewest nodes.
  return shared.reduce((best, id) => (levels.get(id).unitOf.size < levels.get(best).unitOf.size ? id : best), null);
}

/** The extent of a level's node centres (a nested box counts by its edges). */
function extentOf(level) {
  let [left, right, top, bottom] = [Infinity, -Infinity, Infinity, -Infinity];
  level.units.forEach((unit, i) => {
    const size = level.sizes[i];
    const [w, h] = size ? [size.width, size.half] : [0, 0];
    left = Math.min(left, level.x[i] - w); right = Math.max(right, level.x[i]);
    top = Math.min(top, level.y[i] - h); bottom = Math.max(bottom, level.y[i] + h);
  });
  for (const chain of level.bends.values()) for (const [, b] of chain) { top = Math.min(top, b); bottom = Math.max(bottom, b); }
  return { left, right, top, bottom };
}

function normalised(x, y, bends, boxes) {
  const ids = Object.keys(x);
  const rects = Object.values(boxes);
  let minX = Infinity;
  let minY = Infinity;
  for (const id of ids) { minX = Math.min(minX, x[id]); minY = Math.min(minY, y[id]); }
  for (const chain of bends.values()) for (const [a, b] of chain) { minX = Math.min(minX, a); minY = Math.min(minY, b); }
  for (const r of rects) { minX = Math.min(minX, r.x); minY = Math.min(minY, r.y); }
  const [dx, dy] = [MARGIN - minX, MARGIN - minY];
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const id of ids) { x[id] += dx; y[id] += dy; maxX = Math.max(maxX, x[id]); maxY = Math.max(maxY, y[id]); }
  for (const chain of bends.values()) for (const p of chain) { p[0] += dx; p[1] += dy; maxY = Math.max(maxY, p[1]); }
  for (const r of rects) {
    r.x += dx; r.y += dy;
    maxX = Math.max(maxX, r.x + r.width); maxY = Math.max(maxY, r.y + r.height);
  }
  return {
    x, y, bends, boxes,
    width: ids.length ? maxX + MARGIN : 2 * MARGIN,
    height: ids.length ? maxY + MARGIN : 2 * MARGIN,
  };
}
