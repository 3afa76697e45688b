/* Where things go, in the server's layout units: node shapes, arrows between
   them (through the layout's bends), and the places on an arrow for its
   name and value (one side), its gradient (other side) and its local
   derivative (on the line, near the head). The node coordinates are used as
   the server gives them; the layout guarantees no crossings. */

import { chipText, textWidth } from './format.js';

export const OP_RADIUS = 21;
export const INPUT_HEIGHT = 30;
export const STUB_LENGTH = 66;
export const SUM_STRIP = 30;       // room under the graph for x′ = 3 + 3 + 1 = 7     // the output's arrow, which carries ℓ and ℓ′
const ARROW_GAP = 1.5;
const PARALLEL_SPREAD = 26;        // x*x: two arrows between the same nodes
const LABEL_GAP = 6;

export function inputWidth(label) {
  return Math.max(36, 18 + 10 * [...label].length);
}

export const GROUP_HEIGHT = 50;    // a collapsed group: its name, then its value and gradient

// How far the current node's halo stands out of its shape (render.js draws
// it; the view keeps all of it on the stage), and half its stroke.
export const HALO = { circle: 8, box: 7, stroke: 2 };

export function shapeOf(node) {
  if (node.kind === 'group') return { circle: false, w: Math.max(120, inputWidth(node.label)), h: GROUP_HEIGHT, group: true };
  return node.kind === 'op'
    ? { circle: true, r: OP_RADIUS }
    : { circle: false, w: inputWidth(node.label), h: INPUT_HEIGHT };
}

/** How far a node's drawing reaches from its centre, its halo included ([x, y]). */
export function reachOf(node) {
  const shape = shapeOf(node);
  if (shape.circle) return [shape.r + HALO.circle + HALO.stroke, shape.r + HALO.circle + HALO.stroke];
  return [shape.w / 2 + HALO.box + HALO.stroke, shape.h / 2 + HALO.box + HALO.stroke];
}

/** Where the ray from the node's centre towards (dx, dy) leaves its shape. */
function boundary(node, shape, dx, dy) {
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  let t;
  if (shape.circle) {
    t = shape.r;
  } else {
    const tx = Math.abs(ux) > 1e-9 ? shape.w / 2 / Math.abs(ux) : Infinity;
    const ty = Math.abs(uy) > 1e-9 ? shape.h / 2 / Math.abs(uy) : Infinity;
    t = Math.min(tx, ty);
  }
  return [node.x + ux * t, node.y + uy * t];
}

const HEAD_LENGTH = 10;
const HEAD_HALF_WIDTH = 4.4;

/** An arrowhead ending at `tip`, coming from `from`: its path, and where the
    line should stop (the head's base). Drawn as a path of its own, not an SVG
    marker: markers cost a transform and a clip per arrow in every frame. */
function arrowhead(from, tip) {
  const [ux, uy] = unit(from, tip);
  const base = [tip[0] - ux * HEAD_LENGTH, tip[1] - uy * HEAD_LENGTH];
  const left = [base[0] - uy * HEAD_HALF_WIDTH, base[1] + ux * HEAD_HALF_WIDTH];
  const right = [base[0] + uy * HEAD_HALF_WIDTH, base[1] - ux * HEAD_HALF_WIDTH];
  const head = `M${[tip, left, right].map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z`;
  return { head, base: [tip[0] - ux * (HEAD_LENGTH - 1), tip[1] - uy * (HEAD_LENGTH - 1)] };
}

function unit([x0, y0], [x1, y1]) {
  const length = Math.hypot(x1 - x0, y1 - y0) || 1;
  return [(x1 - x0) / length, (y1 - y0) / length, length];
}

/** The side of an arrow for its name: above it, or left of it when it is steep. */
function nameSide(dx, dy) {
  let nx = dy;
  let ny = -dx;
  if (ny > 0.2 || (Math.abs(ny) <= 0.2 && nx > 0)) {
    nx = -nx;
    ny = -ny;
  }
  return [nx, ny];
}

/** A text anchored at distance `gap` from `point` on the side `normal`. */
export function anchorAt(point, normal, gap) {
  const [px, py] = point;
  const [nx, ny] = normal;
  const x = px + nx * gap;
  const y = py + ny * gap;
  const anchor = nx > 0.35 ? 'start' : nx < -0.35 ? 'end' : 'middle';
  const baseline = ny < -0.35 ? 'above' : ny > 0.35 ? 'below' : 'side';
  return { x, y, anchor, baseline, point, normal, gap };
}

export const CHIP_SIZE = 13;      // the layout units of the chip's font

/** The local derivative's chip: its text and half size (`width`: the
    text's measured width, else an estimate). */
export function chipOf(edge, width) {
  const text = chipText(edge);
  const hw = edge.requires_grad ? ((width || textWidth(text) * CHIP_SIZE) + 12) / 2 : 4;
  return { text, hw, hh: edge.requires_grad ? 9 : 4 };
}

/** Every arrow's path, chip and the two sides for its labels (labels.js
    picks); `chipWidths`: the chips' measured text widths, by edge. */
export function edgeGeometry(doc, chipWidths = []) {
  const shapes = doc.nodes.map(shapeOf);
  const siblings = new Map();
  for (const edge of doc.edges) {
    const key = `${edge.source}>${edge.target}`;
    siblings.set(key, [...(siblings.get(key) || []), edge.id]);
  }
  const places = doc.edges.map((edge) => {
    const source = doc.nodes[edge.source];
    const target = doc.nodes[edge.target];
    const group = siblings.get(`${edge.source}>${edge.target}`);
    const offset = (group.indexOf(edge.id) - (group.length - 1) / 2) * PARALLEL_SPREAD;
    const chip = chipOf(edge, chipWidths[edge.id]);
    const place = offset !== 0 && edge.bends.length === 0
      ? curvedEdge(source, target, shapes, offset, chip)
      : straightEdge(source, target, shapes, edge.bends, chip);
    return { ...place, showsChip: edge.requires_grad };
  });
  return places;
}

function straightEdge(source, target, shapes, bends, chip) {
  const middle = bends.map(([x, y]) => [x, y]);
  const first = middle[0] || [target.x, target.y];
  const last = middle[middle.length - 1] || [source.x, source.y];
  const start = boundary(source, shapes[source.id], first[0] - source.x, first[1] - source.y);
  const end = boundary(target, shapes[target.id], last[0] - target.x, last[1] - target.y);
  const [ex, ey] = unit(end, last);
  const tip = [end[0] + ex * ARROW_GAP, end[1] + ey * ARROW_GAP];
  const points = [start, ...middle, tip];
  // The labels and the chip go on the longest piece of the arrow.
  let longest = 0;
  for (let i = 1; i < points.length - 1; i += 1) {
    if (unit(points[i], points[i + 1])[2] > unit(points[longest], points[longest + 1])[2]) longest = i;
  }
  const [dx, dy, length] = unit(points[longest], points[longest + 1]);
  const [a, b] = [points[longest], points[longest + 1]];
  const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  const { head, base } = arrowhead(points[points.length - 2], tip);
  const d = `M${[...points.slice(0, -1), base].map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}`;
  const normal = nameSide(dx, dy);
  const other = [-normal[0], -normal[1]];
  const steep = Math.abs(dy) > Math.abs(dx);
  /* The two label places at a fraction t of the arrow's longest piece.
     Beside a steep arrow, the name sits higher and the gradient lower, so
     that the labels of two neighbouring steep arrows never meet. */
  const sidesAt = (t) => {
    const shift = steep ? 0.16 : 0;
    const at = (u) => [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u];
    return [anchorAt(at(t - shift), normal, clearance(normal, chip)), anchorAt(at(t + shift), other, clearance(other, chip))];
  };
  return { d, head, mid, chip, length, curved: false, steep, sidesAt, trace: sample(points) };
}

/** Points along a polyline every few units, what labels should not cover:
    flat, x and y in turn. An expanded MLP samples about 100,000 points, and
    an array per point made most of the work of placing its labels (their
    garbage collection). */
function sample(points) {
  const counts = [];
  let total = 0;
  for (let i = 0; i + 1 < points.length; i += 1) {
    const n = Math.max(1, Math.round(Math.hypot(points[i + 1][0] - points[i][0], points[i + 1][1] - points[i][1]) / 8));
    counts.push(n);
    total += n + 1;
  }
  const out = new Float64Array(2 * total);
  let at = 0;
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[i + 1];
    const n = counts[i];
    for (let k = 0; k <= n; k += 1) {
      out[at++] = x0 + ((x1 - x0) * k) / n;
      out[at++] = y0 + ((y1 - y0) * k) / n;
    }
  }
  return out;
}

/** The k-th point of a sampled trace. */
export const tracePoint = (trace, k) => [trace[2 * k], trace[2 * k + 1]];

/** A sampled trace's box: [x0, y0, x1, y1]. */
export function traceBox(trace) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < trace.length; k += 2) {
    x0 = Math.min(x0, trace[k]); x1 = Math.max(x1, trace[k]);
    y0 = Math.min(y0, trace[k + 1]); y1 = Math.max(y1, trace[k + 1]);
  }
  return [x0, y0, x1, y1];
}

/** How far from the line a label starts so as to clear the chip. */
function clearance([nx, ny], chip) {
  return Math.abs(nx) * chip.hw + Math.abs(ny) * chip.hh + LABEL_GAP;
}

function curvedEdge(source, target, shapes, offset, chip) {
  const [dx, dy, length] = unit([source.x, source.y], [target.x, target.y]);
  const [nx, ny] = nameSide(dx, dy);
  const control = [(source.x + target.x) / 2 + nx * offset * 2, (source.y + target.y) / 2 + ny * offset * 2];
  const start = boundary(source, shapes[source.id], control[0] - source.x, control[1] - source.y);
  const end = boundary(target, shapes[target.id], control[0] - target.x, control[1] - target.y);
  const [ex, ey] = unit(end, control);
  const tip = [end[0] + ex * ARROW_GAP, end[1] + ey * ARROW_GAP];
  const mid = [(start[0] + 2 * control[0] + tip[0]) / 4, (start[1] + 2 * control[1] + tip[1]) / 4];
  const { head, base } = arrowhead(control, tip);
  const d = `M${start[0].toFixed(1)},${start[1].toFixed(1)}Q${control[0].toFixed(1)},${control[1].toFixed(1)} ${base[0].toFixed(1)},${base[1].toFixed(1)}`;
  // Both labels of a curved arrow go outside the pair, the gradient further out.
  const outside = offset > 0 ? [nx, ny] : [-nx, -ny];
  const gap = clearance(outside, chip);
  const curve = [];
  for (let k = 0; k <= 12; k += 1) {
    const t = k / 12;
    curve.push([0, 1].map((i) => (1 - t) ** 2 * start[i] + 2 * (1 - t) * t * control[i] + t ** 2 * tip[i]));
  }
  return {
    d, head, mid, chip, length: length * 0.8, curved: true, steep: false, trace: sample(curve),
    sidesAt: () => [anchorAt(mid, outside, gap), anchorAt(mid, outside, gap + 18)],
  };
}

/** The output's own arrow, to the right: it carries ℓ and ℓ′, and is long
    enough for the wider of the two (`labelWidth`, in layout units). */
export function stubGeometry(node, labelWidth = 0) {
  const shape = shapeOf(node);
  const start = boundary(node, shape, 1, 0);
  const tip = [start[0] + Math.max(STUB_LENGTH, labelWidth + 14), start[1]];
  const { head, base } = arrowhead(start, tip);
  const d = `M${start[0].toFixed(1)},${start[1].toFixed(1)}L${base[0].toFixed(1)},${base[1].toFixed(1)}`;
  const mid = [(start[0] + tip[0]) / 2, start[1]];
  const name = { ...anchorAt(mid, [0, -1], LABEL_GAP + 3), scale: 1 };
  const grad = { ...anchorAt(mid, [0, 1], LABEL_GAP + 3), scale: 1 };
  return { d, head, name, grad, mid, tip };
}

/** The box to fit in view: the nodes, the output's arrow with its labels,
    the placed labels (`places`, labels.js) and, if a node sums several
    contributions, a strip to write the sum. */
export function boundsOf(doc, stubTip, places = []) {
  let x0 = Infinity; let y0 = Infinity; let x1 = -Infinity; let y1 = -Infinity;
  for (const node of doc.nodes) {
    const s = shapeOf(node);
    const hw = s.circle ? s.r : s.w / 2;
    const hh = s.circle ? s.r : s.h / 2;
    x0 = Math.min(x0, node.x - hw); x1 = Math.max(x1, node.x + hw);
    y0 = Math.min(y0, node.y - hh); y1 = Math.max(y1, node.y + hh);
  }
  const output = doc.nodes[doc.output];
  x1 = Math.max(x1, (stubTip ?? output.x + OP_RADIUS + STUB_LENGTH) + 4);
  y0 = Math.min(y0, output.y - OP_RADIUS - 6);
  y1 = Math.max(y1, output.y + OP_RADIUS + 6);
  for (const place of places) {
    for (const [a, b, c, d] of place.boxes || []) {
      x0 = Math.min(x0, a); y0 = Math.min(y0, b); x1 = Math.max(x1, c); y1 = Math.max(y1, d);
    }
  }
  const sums = doc.steps.some((s) => s.pass === 'backward' && s.received.length > 1);
  const pad = 8;
  return { x0: x0 - pad, y0: y0 - pad, x1: x1 + pad, y1: y1 + pad + (sums ? SUM_STRIP : 0) };
}
