/* Where each arrow's two labels go: the name and value on one side, the
   gradient on the other. The sizes are measured in the page (render.js
   draws every text each label will ever hold and reads the boxes in one
   layout), so what is placed is what is drawn.

   Greedy, one arrow after another, shortest first (they have the least
   room): each candidate place (along the arrow, either side, pushed further
   out, shrunk a little) is scored by how much it covers nodes, chips and
   labels already placed (hard), and lines (soft); the cheapest wins. A
   label with no free place left is `crowded` and left out of the picture
   (its node's card, tooltip.js, gives its numbers), so that no text ever
   covers another. */

import { anchorAt, OP_RADIUS, shapeOf, tracePoint } from './geometry.js';
import { flowText, fmt, num, primeOf, textWidth } from './format.js';

export const LABEL_SIZE = 15;   // the layout units of var(--label-size)
const MIN_SCALE = 0.7;
const HARD = 40;                // covering a node, a chip or a label costs this much more than a line
const LINE_WEIGHT = 0.5;
const MARGIN = 1.5;             // room kept around every placed box
const ALONG = [0.5, 0.6, 0.4, 0.7, 0.3];
const PUSHES = [0, 8, 18, 30];
const NO_PUSH = [0];
const SCALES = [1, 0.85, MIN_SCALE];
const STEEP_ALONG = [0.5, 0.35, 0.65, 0.2, 0.8];
const CHIP_ALONG = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8];
const CELL = 120;

/** Every text each arrow's two labels will ever hold, from the document, as
    [name, rest] pairs (render.js measures them all). */
export function labelTexts(doc) {
  // A quiet arrow (one of many out of one node, group_document.js) shows no label: nothing to measure.
  const names = doc.edges.map((edge) => {
    const source = doc.nodes[edge.source];
    return edge.quiet ? [['', '']] : [[edge.label, ` = ${fmt(num(source.value))}`]];
  });
  const grads = doc.edges.map((edge) => {
    const source = doc.nodes[edge.source];
    if (source.grad === null || edge.quiet) return [['', '']];
    const grad = num(source.grad);
    const pairs = [[primeOf(source), ` = ${fmt(grad)}`]];
    if (source.kind !== 'op') pairs.push([`${source.label}.grad`, ` = ${fmt(grad * 10)}`]);
    return pairs;
  });
  for (const step of doc.steps) {
    if (step.pass !== 'backward') continue;
    for (const f of step.flows) if (!doc.edges[f.edge].quiet) grads[f.edge].push(['', flowText(num(step.grad), num(f.local_grad))]);
  }
  const output = doc.nodes[doc.output];
  const stub = [[output.label, ` = ${fmt(num(output.value))}`], [primeOf(output), ' = 99']];
  return { names, grads, stub };
}

/** Without measurements (no layout, e.g. a hidden page): estimates. */
export function estimatedSizes(doc, texts) {
  const vertical = { above: [-LABEL_SIZE, 0.25 * LABEL_SIZE], below: [0, 1.1 * LABEL_SIZE], side: [-0.6 * LABEL_SIZE, 0.6 * LABEL_SIZE] };
  const widest = (pairs) => Math.max(...pairs.map(([name, rest]) => textWidth(name + rest) * LABEL_SIZE * 1.08));
  return { names: texts.names.map(widest), grads: texts.grads.map(widest), stub: widest(texts.stub), chips: [], vertical };
}

/** The box a label takes at a place: [x0, y0, x1, y1], written into `out`. */
function boxAt(place, width, vertical, out) {
  const w = width * place.scale;
  const extent = vertical[place.baseline];
  const x0 = place.anchor === 'start' ? place.x : place.anchor === 'end' ? place.x - w : place.x - w / 2;
  out[0] = x0 - MARGIN;
  out[1] = place.y + extent[0] * place.scale - MARGIN;
  out[2] = x0 + w + MARGIN;
  out[3] = place.y + extent[1] * place.scale + MARGIN;
  return out;
}

/** What is placed, bucketed on grids so that big graphs stay linear: boxes
    (nodes, chips, labels: hard) on a coarse one, each in every cell it
    touches; the lines' sample points (soft, 2 units round each point) on a
    fine one, each in the cell of its centre only, so that a query reads
    only the points near it and counts each once. Coarse cells are numbered,
    not named: building a string per cell and query cost more than the
    sums. The fine grid is dense over the lines' extent, its points sorted
    by cell into one flat array: an opened MLP's arrows sample about
    100,000 points, and a growing list per cell took most of the placing. */
const POINT = 2;
const POINT_CELL = 24;
// A cell's number stays a small integer (a fast key) for |i| < 16384 and |j| < 32768: hundreds of thousands of units.
const cellOf = (i, j) => i * 65536 + j;
function grid() {
  const cells = new Map();
  let points = null;   // the fine grid (setLines)
  let query = 0;
  const found = { hard: 0, soft: 0 };   // a query's answer, reused by the next (thousands per drawing)
  const answer = (hard, soft) => {
    found.hard = hard;
    found.soft = soft;
    return found;
  };
  return {
    add(b) {
      const entry = { b, seen: 0 };
      for (let i = Math.floor(b[0] / CELL); i <= Math.floor(b[2] / CELL); i += 1) {
        for (let j = Math.floor(b[1] / CELL); j <= Math.floor(b[3] / CELL); j += 1) {
          const key = cellOf(i, j);
          const list = cells.get(key);
          if (list) list.push(entry);
          else cells.set(key, [entry]);
        }
      }
    },
    /** The lines, soft: `traces`, each the points sampled along one (x and
        y in turn, geometry.js), each point the box [x − 2, y − 2, x + 2, y + 2]. */
    setLines(traces) {
      points = pointGrid(traces);
    },
    /** {hard, soft}: the hard and soft overlap areas of a box against
        what is placed, in an object the next query reuses. `bound`: the
        caller wants only a total (hard × HARD + soft) under it, so the
        sums stop, partial, once past it. `lines` false: the hard area only. */
    cost(b, bound = Infinity, lines = true) {
      query += 1;
      let hard = 0;
      for (let i = Math.floor(b[0] / CELL); i <= Math.floor(b[2] / CELL); i += 1) {
        for (let j = Math.floor(b[1] / CELL); j <= Math.floor(b[3] / CELL); j += 1) {
          const list = cells.get(cellOf(i, j));
          if (!list) continue;
          for (let e = 0; e < list.length; e += 1) {
            const entry = list[e];
            if (entry.seen === query) continue;
            entry.seen = query;
            hard += overlap(b, entry.b);
          }
          if (hard * HARD > bound) return answer(hard, 0);
        }
      }
      let soft = 0;
      if (!lines || !points) return answer(hard, soft);
      const x0 = b[0] - POINT;
      const y0 = b[1] - POINT;
      const x1 = b[2] + POINT;
      const y1 = b[3] + POINT;
      const { xy, starts, size } = points;
      for (let i = Math.floor(x0 / size); i <= Math.floor(x1 / size); i += 1) {
        for (let j = Math.floor(y0 / size); j <= Math.floor(y1 / size); j += 1) {
          const cell = points.cell(i, j);
          if (cell < 0) continue;
          for (let k = starts[cell]; k < starts[cell + 1]; k += 2) {
            const x = xy[k];
            const y = xy[k + 1];
            if (x <= x0 || x >= x1 || y <= y0 || y >= y1) continue;
            const w = Math.min(b[2], x + POINT) - Math.max(b[0], x - POINT);
            const h = Math.min(b[3], y + POINT) - Math.max(b[1], y - POINT);
            if (w > 0 && h > 0) soft += w * h * LINE_WEIGHT;
          }
          if (hard * HARD + soft > bound) return answer(hard, soft);
        }
      }
      return answer(hard, soft);
    },
  };
}

/** Sampled points bucketed by fine cell (a counting sort, so each cell keeps
    them in the order given): cell c's points are xy[starts[c] … starts[c + 1]),
    and cell(i, j) is c, or −1 outside the points' extent; cells are `size`
    units a side. */
const MAX_CELLS = 1 << 22;
export function pointGrid(traces) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const trace of traces) {
    for (let k = 0; k < trace.length; k += 2) {
      if (trace[k] < x0) x0 = trace[k];
      if (trace[k] > x1) x1 = trace[k];
      if (trace[k + 1] < y0) y0 = trace[k + 1];
      if (trace[k + 1] > y1) y1 = trace[k + 1];
    }
  }
  if (!(x0 <= x1)) return null;
  // Cells of POINT_CELL units, or wider for a graph so vast that they would not fit in MAX_CELLS.
  let size = POINT_CELL;
  while ((Math.floor(x1 / size) - Math.floor(x0 / size) + 1) * (Math.floor(y1 / size) - Math.floor(y0 / size) + 1) > MAX_CELLS) size *= 2;
  const [i0, j0] = [Math.floor(x0 / size), Math.floor(y0 / size)];
  const cols = Math.floor(x1 / size) - i0 + 1;
  const rows = Math.floor(y1 / size) - j0 + 1;
  // Each point's cell, worked out once (the loops run before the JIT warms up).
  const cellOfPoint = traces.map((trace) => {
    const cells = new Int32Array(trace.length / 2);
    for (let k = 0; k < trace.length; k += 2) cells[k / 2] = (Math.floor(trace[k] / size) - i0) * rows + (Math.floor(trace[k + 1] / size) - j0);
    return cells;
  });
  const starts = new Int32Array(cols * rows + 1);
  for (const cells of cellOfPoint) for (let k = 0; k < cells.length; k += 1) starts[cells[k] + 1] += 2;
  for (let c = 1; c < starts.length; c += 1) starts[c] += starts[c - 1];
  const xy = new Float64Array(starts[starts.length - 1]);
  const next = starts.slice(0, -1);
  traces.forEach((trace, t) => {
    const cells = cellOfPoint[t];
    for (let k = 0; k < cells.length; k += 1) {
      const at = next[cells[k]];
      xy[at] = trace[2 * k];
      xy[at + 1] = trace[2 * k + 1];
      next[cells[k]] = at + 2;
    }
  });
  const cell = (i, j) => (i < i0 || i >= i0 + cols || j < j0 || j >= j0 + rows ? -1 : (i - i0) * rows + (j - j0));
  return { xy, starts, cell, size };
}

function overlap(a, b) {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/** A label place pushed `push` further from its arrow and drawn at `scale`.
    Beside an arrow too short for the label, it starts past the nodes' tops. */
function candidate(side, push, scale, width, length) {
  const short = side.baseline !== 'side' && width * scale * 0.8 > length - 4;
  const spot = anchorAt(side.point, side.normal, (short ? Math.max(side.gap, OP_RADIUS + 3) : side.gap) + push);
  spot.scale = scale;   // set, not spread: thousands of candidates a drawing
  return spot;
}

/** Move a chip along its arrow (`trace`, sampled points) to the free spot
    nearest the middle of its longest piece (`mid`), and take its room;
    `crowded` when there is none. */
function placeChip(place, taken) {
  if (!place.showsChip) return;
  const { hw, hh } = place.chip;
  const boxOf = ([x, y]) => [x - hw - MARGIN, y - hh - MARGIN, x + hw + MARGIN, y + hh + MARGIN];
  const { trace } = place;
  let best = { cost: taken.cost(boxOf(place.mid), Infinity, false).hard, mid: place.mid };
  for (const f of CHIP_ALONG) {
    if (best.cost === 0) break;
    const point = tracePoint(trace, Math.round(f * (trace.length / 2 - 1)));
    const cost = taken.cost(boxOf(point), Infinity, false).hard;
    if (cost < best.cost) best = { cost, mid: point };
  }
  place.mid = best.mid;
  // A chip with no free spot anywhere on its arrow is left out of the
  // picture (the panel writes the derivative at its step).
  place.chip = { ...place.chip, crowded: best.cost > 0 };
  if (!place.chip.crowded) taken.add(boxOf(place.mid));
}

/** The cheapest spot for one label (`spotAt(scale, t, side, push)`, whose
    box `boxOf(spot)` gives in a scratch array), on
    `preferred` side if it costs no more; `crowded` if every spot covers
    something. Shrinks only when nothing fits at full size, and never in
    large-text mode (`scales` [1]): a label with no room is then left out,
    and its node card gives the numbers. */
function bestSpot(place, taken, spotAt, boxOf, preferred, scales = SCALES) {
  // Indexed loops: a drawing runs this before the JIT has optimised it,
  // when every array iterator and destructured pair is an allocation.
  const alongs = place.curved || place.steep ? STEEP_ALONG : ALONG;
  const pushes = place.curved ? NO_PUSH : PUSHES;
  const sides = place.curved ? 1 : 2;
  let best = null;
  for (let a = 0; a < scales.length; a += 1) {
    const scale = scales[a];
    for (let b = 0; b < alongs.length; b += 1) {
      const t = alongs[b];
      for (let c = 0; c < sides; c += 1) {
        const side = c === 0 ? preferred : 1 - preferred;
        for (let d = 0; d < pushes.length; d += 1) {
          const push = pushes[d];
          // What the spot costs before it covers anything: one that cannot
          // beat the best so far is not tried, and one that passes it is
          // given up as soon as it does (the slack keeps rounding out).
          const base = Math.abs(t - 0.5) * 60 + (side !== preferred ? 25 : 0) + push * 2 + (1 - scale) * 200;
          if (best && base >= best.cost) continue;
          const spot = spotAt(scale, t, side, push);
          const box = boxOf(spot);
          const found = taken.cost(box, best ? best.cost - base + 1e-6 * (1 + best.cost) : Infinity);
          const cost = found.hard * HARD + found.soft + base;
          if (!best || cost < best.cost) best = { cost, hard: found.hard, spot, box: box.slice(), side };
        }
      }
    }
    if (best.hard === 0) break;
  }
  return { ...best, crowded: best.hard > 0 };
}

/** Set `name` and `grad` (each with its `scale` and `crowded` flag) on
    every place. `sizes`: measured widths of the widest texts (`names`,
    `grads`, in layout units at scale 1) and each baseline's vertical
    extent (`vertical`). */
export function placeLabels(doc, places, sizes) {
  const scales = sizes.largeText ? [1] : SCALES;
  const taken = grid();
  const scratch = new Array(4);   // each candidate's box, copied only for the best
  doc.nodes.forEach((node) => {
    const s = shapeOf(node);
    const hw = s.circle ? s.r : s.w / 2;
    const hh = s.circle ? s.r : s.h / 2;
    taken.add([node.x - hw - 2, node.y - hh - 2, node.x + hw + 2, node.y + hh + 2]);
  });
  for (const box of doc.obstacles || []) taken.add(box);   // a group frame's name (group_document.js)
  // Shortest arrows first: they have the fewest good places.
  const order = doc.edges.map((edge, i) => i).sort((a, b) => places[a].length - places[b].length || a - b);
  for (const i of order) if (!doc.edges[i].chipless) placeChip(places[i], taken);
  taken.setLines(places.map((place) => place.trace));
  for (const i of order) {
    const edge = doc.edges[i];
    const place = places[i];
    if (edge.quiet) {   // one of many arrows out of one node, which carries its labels once (group_document.js)
      place.name = { ...place.sidesAt(0.5)[0], scale: 1, crowded: true };
      place.grad = { ...place.name };
      place.boxes = [];
      continue;
    }
    const sides = new Map();   // the arrow's two sides at t, the same for every size and push
    const sidesAt = (t) => sides.get(t) || sides.set(t, place.sidesAt(t)).get(t);
    const spotFor = (width) => (scale, t, side, push) => candidate(sidesAt(t)[side], push, scale, width, place.length);
    const boxFor = (width) => (spot) => boxAt(spot, width, sizes.vertical, scratch);
    // The name first, on its usual side; then the gradient, best on the other.
    const name = doc.nodes[edge.source].kind === 'constant' ? null
      : bestSpot(place, taken, spotFor(sizes.names[i]), boxFor(sizes.names[i]), 0, scales);
    if (name && !name.crowded) taken.add(name.box);
    const gradSide = name ? 1 - name.side : 1;
    const grad = !edge.requires_grad ? null
      : bestSpot(place, taken, spotFor(sizes.grads[i]), boxFor(sizes.grads[i]), gradSide, scales);
    if (grad && !grad.crowded) taken.add(grad.box);
    const unused = { ...place.sidesAt(0.5)[0], scale: 1, crowded: false };   // never shows text
    place.name = name ? { ...name.spot, crowded: name.crowded } : unused;
    place.grad = grad ? { ...grad.spot, crowded: grad.crowded } : unused;
    place.boxes = [name, grad].filter((p) => p && !p.crowded).map((p) => p.box);
  }
  return places;
}
