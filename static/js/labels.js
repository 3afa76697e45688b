/* Which side of its arrow each label takes. By default the name and value go
   above (or left of) the arrow and the gradient below (or right of) it; an
   arrow whose labels would then cover a node or a label placed before it
   takes the other way round. Greedy, in document order, with sizes
   estimated from the widest text each label will hold. */

import { anchorAt, OP_RADIUS, shapeOf } from './geometry.js';
import { flowText, fmt, num, prime, textWidth } from './format.js';

export const LABEL_SIZE = 15;   // the layout units of var(--label-size)
const MIN_SCALE = 0.6;
const LINE_WEIGHT = 0.5;               // covering a line costs less than covering a node or a label
const ALONG = [0.5, 0.6, 0.4, 0.7, 0.3];

/** The label's size (a fraction of LABEL_SIZE) so that `widest` fits its
    arrow. Above or below an arrow too short for it, the label moves out
    past the nodes' tops and may then spread over them. */
function fitted(place, widest, length) {
  const width = textWidth(widest) * LABEL_SIZE;
  if (place.baseline === 'side') return { ...place, widest, scale: 1 };
  if (width * 0.8 <= length - 4) return { ...place, widest, scale: Math.min(1, (length - 4) / width) };
  const out = anchorAt(place.point, place.normal, Math.max(place.gap, OP_RADIUS + 3));
  const scale = Math.min(1, (length + 2 * OP_RADIUS) / width);
  return { ...out, widest, scale: Math.max(scale, MIN_SCALE) };
}

function widestOf(texts) {
  return texts.reduce((a, b) => (textWidth(b) > textWidth(a) ? b : a), '');
}

/** Every text each arrow's two labels will ever hold, from the document. */
function textsOf(doc) {
  const names = doc.edges.map((edge) => {
    const source = doc.nodes[edge.source];
    return [`${edge.label} = ${fmt(num(source.value))}`];
  });
  const grads = doc.edges.map((edge) => {
    const source = doc.nodes[edge.source];
    if (source.grad === null) return [''];
    const grad = num(source.grad);
    const texts = [`${prime(source.label)} = ${fmt(grad)}`];
    if (source.kind !== 'op') texts.push(`${source.label}.grad = ${fmt(grad * 10)}`);
    return texts;
  });
  for (const step of doc.steps) {
    if (step.pass !== 'backward') continue;
    for (const f of step.flows) grads[f.edge].push(flowText(num(step.grad), num(f.local_grad)));
  }
  return { names: names.map(widestOf), grads: grads.map(widestOf) };
}

function box(place) {
  const w = textWidth(place.widest) * LABEL_SIZE * place.scale;
  const h = LABEL_SIZE * place.scale;
  const x0 = place.anchor === 'start' ? place.x : place.anchor === 'end' ? place.x - w : place.x - w / 2;
  const y0 = place.baseline === 'above' ? place.y - h : place.baseline === 'below' ? place.y : place.y - h / 2;
  return [x0, y0, x0 + w, y0 + h];
}

const CELL = 120;

/** Boxes bucketed on a grid, so that big graphs stay linear. */
function grid() {
  const cells = new Map();
  const keys = (b) => {
    const out = [];
    for (let i = Math.floor(b[0] / CELL); i <= Math.floor(b[2] / CELL); i += 1) {
      for (let j = Math.floor(b[1] / CELL); j <= Math.floor(b[3] / CELL); j += 1) out.push(`${i},${j}`);
    }
    return out;
  };
  return {
    add(b) {
      for (const key of keys(b)) {
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push(b);
      }
    },
    cost(b) {
      const seen = new Set();
      let sum = 0;
      for (const key of keys(b)) {
        for (const t of cells.get(key) || []) {
          if (!seen.has(t)) {
            seen.add(t);
            sum += overlap(b, t);
          }
        }
      }
      return sum;
    },
  };
}

function overlap(a, b) {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h * (b[4] || 1) : 0;
}

/** Set `name` and `grad` (each with its `scale`) on every place. */
export function placeLabels(doc, places) {
  const shapes = doc.nodes.map(shapeOf);
  const taken = grid();
  doc.nodes.forEach((node, i) => {
    const s = shapes[i];
    const hw = s.circle ? s.r : s.w / 2;
    const hh = s.circle ? s.r : s.h / 2;
    taken.add([node.x - hw, node.y - hh, node.x + hw, node.y + hh]);
  });
  for (const place of places) {
    const hw = place.chip.hw;
    const hh = place.chip.hh;
    taken.add([place.mid[0] - hw, place.mid[1] - hh, place.mid[0] + hw, place.mid[1] + hh]);
    for (const [x, y] of place.trace) taken.add([x - 2, y - 2, x + 2, y + 2, LINE_WEIGHT]);
  }
  const texts = textsOf(doc);
  doc.edges.forEach((edge, i) => {
    const place = places[i];
    let best = null;
    for (const t of place.curved || place.steep ? [0.5] : ALONG) {
      const sides = place.sidesAt(t);
      for (const swapped of place.curved ? [false] : [false, true]) {
        const [nameSide, gradSide] = swapped ? [sides[1], sides[0]] : sides;
        const name = fitted(nameSide, texts.names[i], place.length);
        const grad = fitted(gradSide, texts.grads[i], place.length);
        // An arrow the gradient never flows along never shows a gradient label,
        // and the arrow of a constant no name.
        const boxes = [];
        if (doc.nodes[edge.source].kind !== 'constant') boxes.push(box(name));
        if (edge.requires_grad) boxes.push(box(grad));
        // Off the middle or the other way round only when it clearly helps.
        const cost = boxes.reduce((sum, b) => sum + taken.cost(b), 0)
          + Math.abs(t - 0.5) * 60 + (swapped ? 25 : 0);
        if (!best || cost < best.cost) best = { cost, name, grad, boxes };
      }
    }
    place.name = best.name;
    place.grad = best.grad;
    for (const b of best.boxes) taken.add(b);
  });
  return places;
}
