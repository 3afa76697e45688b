/* The graph as SVG, drawn once per document from the server's layout, then
   repainted per frame from a scene (scene.js). A repaint touches only what
   changed, so stepping through a 500-node graph stays smooth.

   As on the slides: ops are circles showing their symbol; inputs are boxes,
   parameters filled, data outlined; each arrow carries the name of the value
   it takes out of its node, and that value once computed ("u = 0.25"). In
   the backward pass the gradient is red, written u′, on the other side of
   the arrow, and the arrow shows its local derivative ("*x"); the arrows the
   gradient flows along turn red and dashed, so colour is never the only cue.
   All text goes in with textContent: names and sources are user text. */

import { boundsOf, edgeGeometry, HALO, OP_RADIUS, shapeOf, stubGeometry, SUM_STRIP, traceBox } from './geometry.js';
import { formula, sum } from './formula.js';
import { LABEL_SIZE, labelTexts, placeLabels } from './labels.js';
import { chipText as chipOfEdge, exact, flowText, fmt, num, primeOf, textWidth } from './format.js';
import { measureLabels } from './label_sizes.js';
import { BASELINE, el, label, placeText, setName } from './svg_text.js';


function fadeIn(node) {
  // fill- and stroke-opacity, not opacity: an opacity animation costs a layer.
  if (node.animate) {
    node.animate([{ fillOpacity: 0, strokeOpacity: 0 }, { fillOpacity: 1, strokeOpacity: 1 }],
      { duration: 380, easing: 'ease-out' });
  }
}

/** A label that found no room (labels.js: crowded) never shows: no text
    ever covers another (its node's card gives its numbers). It gets no
    element at all, which spares the page its parts: a collapsed MLP has
    hundreds of arrows whose labels have no room. */
const HIDDEN_LABEL = Object.freeze({ text: null, hidden: true });

/** Set a label's two parts; fade in what appears when `fade`. */
function setLabel(handle, name, rest, fade) {
  if (handle.hidden) return;
  const { last } = handle;
  if (last.name !== name) {
    setName(handle.name, name);
    if (fade && !last.name && name) fadeIn(handle.name);
    last.name = name;
  }
  if (last.rest !== rest) {
    handle.rest.textContent = rest;
    if (fade && !last.rest && rest) fadeIn(handle.rest);
    last.rest = rest;
  }
}

function setAttr(handle, key, node, attr, value) {
  if (handle.last[key] === value) return;
  handle.last[key] = value;
  if (value === null) node.removeAttribute(attr);
  else node.setAttribute(attr, value);
}

/** An arrow's label at its place, or none when it found no room. */
function placedLabel(layer, cls, attrs, place) {
  if (place.crowded) return HIDDEN_LABEL;
  const handle = label(layer, cls, attrs);
  placeText(handle, place);
  return handle;
}

export function drawGraph(svg, doc) {
  for (const child of [...svg.childNodes]) if (child.nodeName !== 'title') svg.removeChild(child);
  const viewport = el('g', { class: 'viewport' }, svg);
  const edgeLayer = el('g', { class: 'edges' }, viewport);
  const nodeLayer = el('g', { class: 'nodes' }, viewport);
  const labelLayer = el('g', { class: 'labels' }, viewport);

  // Measured first, while the layers are empty: the layout this forces covers the scratch texts only.
  const sizes = measureLabels(doc, labelLayer, labelTexts(doc), doc.edges.map(chipOfEdge));
  const places = placeLabels(doc, edgeGeometry(doc, sizes.chips), sizes);
  // A big drawing makes an arrow's elements when the view first comes near it (cullGraph).
  const layers = { edgeLayer, labelLayer };
  const arrowsCulled = doc.nodes.length + doc.edges.length > CULLED_PARTS;
  const edges = doc.edges.map((edge, i) => {
    const place = places[i];
    const [x0, y0, x1, y1] = traceBox(place.trace);
    const h = { edge, index: i, place, box: [x0 - 120, y0 - 40, x1 + 120, y1 + 40], made: false, parts: [], last: {} };
    if (!arrowsCulled) makeArrow(layers, h);
    return h;
  });

  const output = doc.nodes[doc.output];
  const stubPlace = stubGeometry(output, sizes.stub);
  const stub = {
    line: el('path', { d: stubPlace.d, class: 'edge-line stub', 'data-edge-id': 'output' }, edgeLayer),
    head: el('path', { d: stubPlace.head, class: 'edge-head stub' }, edgeLayer),
    nameLabel: label(labelLayer, 'edge-name', { 'data-edge-id': 'output', 'data-label-for': output.id }),
    gradLabel: label(labelLayer, 'edge-grad', { 'data-edge-id': 'output', 'data-grad-for': output.id }),
    last: {},
  };
  placeText(stub.nameLabel, stubPlace.name);
  placeText(stub.gradLabel, stubPlace.grad);

  const nodes = doc.nodes.map((node) => {
    const shape = shapeOf(node);
    const { x, y } = node;
    const g = el('g', { class: 'node', 'data-node-id': node.id, 'data-kind': node.kind }, nodeLayer);
    const centred = { x, y, 'text-anchor': 'middle', 'dominant-baseline': 'central' };
    if (shape.circle) {
      el('circle', { class: 'halo', cx: x, cy: y, r: OP_RADIUS + HALO.circle }, g);
      el('circle', { class: 'shape', cx: x, cy: y, r: shape.r }, g);
      const symbol = node.symbol || node.op || '?';
      const size = Math.min(18, (2 * shape.r * 0.8) / (0.56 * [...symbol].length));
      el('text', { class: 'symbol', ...centred, 'font-size': size.toFixed(1) }, g).textContent = symbol;
    } else {
      const [w, h] = [shape.w, shape.h];
      el('rect', { class: 'halo', x: x - w / 2 - HALO.box, y: y - h / 2 - HALO.box, width: w + 2 * HALO.box, height: h + 2 * HALO.box, rx: 12 }, g);
      el('rect', { class: 'shape', x: x - w / 2, y: y - h / 2, width: w, height: h, rx: 7 }, g);
      setName(el('text', { class: 'input-name', ...centred }, g), node.label);
    }
    if (node.warnings.length) el('text', { class: 'warning-mark', x: x + 14, y: y - 16, 'text-anchor': 'middle' }, g).textContent = '⚠';
    return { node, g, box: [x - 60, y - 40, x + 60, y + 40], parts: [g], last: {} };
  });

  const badge = label(labelLayer, 'sum-badge', { 'data-testid': 'sum-badge' });
  placeText(badge, { x: 0, y: 0, anchor: 'middle', baseline: 'below', scale: 1 });
  return { svg, viewport, layers, arrowsCulled, nodes, edges, stub, badge, badgeLast: null, painted: null, bounds: boundsOf(doc, stubPlace.tip[0], places) };
}

/** An arrow's elements (`h`: its handle in drawGraph): line and head, then
    labels and chip, each set put before `before` ([edge layer's, label
    layer's]; null: at the end). */
function makeArrow({ edgeLayer, labelLayer }, h, before = [null, null]) {
  const { edge, place } = h;
  const lines = document.createDocumentFragment();
  const labels = document.createDocumentFragment();
  h.line = el('path', { class: 'edge-line', 'data-edge-id': edge.id, d: place.d }, lines);
  h.head = el('path', { class: 'edge-head', d: place.head }, lines);
  h.nameLabel = placedLabel(labels, 'edge-name', { 'data-edge-id': edge.id, 'data-label-for': edge.source }, place.name);
  h.gradLabel = placedLabel(labels, 'edge-grad', { 'data-edge-id': edge.id, 'data-grad-for': edge.source }, place.grad);
  // A chip that never shows (no gradient, joined into a group, no room) is not drawn.
  h.chip = null;
  if (edge.requires_grad && !edge.chipless && !place.chip.crowded) {
    h.chip = el('g', { class: 'chip', 'data-edge-id': edge.id }, labels);
    // Absolute coordinates, no transform per element: each transform is a
    // paint property node, and thousands of them make every frame slow.
    const [cx, cy] = place.mid;
    const { hw, hh } = place.chip;
    el('rect', { x: cx - hw, y: cy - hh, width: 2 * hw, height: 2 * hh, rx: hh }, h.chip);
    const chipText = el('text', { x: cx, y: cy, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, h.chip);
    el('tspan', { class: 'times' }, chipText).textContent = '*';   // the product, not a superscript
    setName(el('tspan', {}, chipText), chipOfEdge(edge).slice(1));
  }
  h.parts = [h.line, h.head, h.nameLabel.text, h.gradLabel.text, h.chip].filter(Boolean);
  edgeLayer.insertBefore(lines, before[0]);
  labelLayer.insertBefore(labels, before[1]);
  h.made = true;
}

/** Where a late arrow's elements go: before those of the next arrow made,
    or else the output's stub, so that the layers keep the document's order
    (an export's texts) whatever the view reached first. */
function nextParts(graph, h) {
  let [line, label] = [null, null];
  for (let k = h.index + 1; k < graph.edges.length && !(line && label); k += 1) {
    const next = graph.edges[k];
    if (!next.made) continue;
    line ||= next.line;
    label ||= next.nameLabel.text || next.gradLabel.text || next.chip;
  }
  return [line || graph.stub.line, label || graph.stub.nameLabel.text];
}

/** An arrow made after the drawing's paints: painted as the last frame was, hidden if culled. */
function makeLate(graph, h) {
  makeArrow(graph.layers, h, nextParts(graph, h));
  if (graph.painted) paintArrow(h, graph.painted.doc, graph.painted.scene, false);
  if (h.culled) for (const part of h.parts) part.style.display = 'none';
}

/** Every arrow made, for a picture of the whole drawing (export.js). */
export function makeEveryArrow(graph) {
  // From the last: each finds the next one's elements at once.
  for (let k = graph.edges.length - 1; k >= 0; k -= 1) if (!graph.edges[k].made) makeLate(graph, graph.edges[k]);
}

function nodeClass(node, scene) {
  const cls = ['node', `kind-${node.kind}`];
  if (scene.pass === 'forward' && scene.value[node.id] === undefined) cls.push('pending');
  if (scene.pass === 'backward' && !node.requires_grad) cls.push('no-grad');
  if (scene.current === node.id) cls.push('current', `current-${scene.pass}`);
  if (node.warnings.length) cls.push('warning');
  return cls.join(' ');
}

/** The state of an arrow, as classes shared by its line and its head. */
function edgeClass(edge, scene) {
  if (scene.pass === 'forward') {
    if (scene.activeEdges.has(edge.id)) return 'active';
    return scene.value[edge.target] === undefined ? 'waiting' : 'done';
  }
  if (!edge.requires_grad) return 'no-grad';
  if (scene.activeFlows.has(edge.id)) return 'grad flowing';
  if (scene.activeEdges.has(edge.id)) return 'grad received';
  return scene.flowed.has(edge.id) ? 'grad flowed' : 'waiting';
}

/** The red text on an arrow: the gradient of its value once known, before
    that the flow it carries (upstream × local derivative). */
function gradText(edge, source, scene) {
  if (scene.pass !== 'backward' || !edge.requires_grad) return ['', ''];
  const shown = scene.shownGrad[source.id];
  const known = scene.grad[source.id] !== undefined;
  const name = scene.accumulated[source.id] ? `${source.label}.grad` : primeOf(source);
  const flow = scene.flowed.get(edge.id);
  // While a node sums what it received, each arrow still shows its own part.
  const summing = scene.current === source.id && scene.currentStep.received.length > 1;
  if (known && !summing) return [name, ` = ${fmt(shown)}`];
  if (flow) return ['', flowText(flow.upstream, flow.local_grad)];
  if (shown !== undefined) return [name, ` = ${fmt(shown)}`];
  return ['', ''];
}

function valueText(node, scene) {
  const value = scene.value[node.id];
  // null: a collapsed group of several outputs, which has no one value
  return value === undefined || value === null || node.kind === 'constant' ? '' : ` = ${fmt(value)}`;
}

/** `graph.fadesWhole`: this first paint of a drawing shows it as its layers
    fade in (group_render.js animateChange): no label fades on its own, which
    would be hundreds of animations at once. `still`: nothing fades (a step
    of a scrub, motion.js). */
export function paintGraph(graph, doc, scene, { still = false } = {}) {
  const fade = !graph.fadesWhole && !still;
  graph.fadesWhole = false;
  for (const h of graph.nodes) {
    const { node } = h;
    const becomesCurrent = scene.current === node.id && !(h.last.class || '').includes('current');
    setAttr(h, 'class', h.g, 'class', nodeClass(node, scene));
    if (becomesCurrent && !still) fadeIn(h.g.querySelector('.halo'));
    const value = scene.value[node.id];
    setAttr(h, 'value', h.g, 'data-value', value === undefined || value === null ? null : exact(value));
    const grad = scene.shownGrad[node.id];
    setAttr(h, 'grad', h.g, 'data-grad', grad === undefined ? null : exact(grad));
  }
  graph.painted = { doc, scene };
  for (const h of graph.edges) if (h.made) paintArrow(h, doc, scene, fade);
  paintStub(graph.stub, doc, scene, fade);
  paintBadge(graph, doc, scene, fade);
}

/** An arrow's classes, labels and chip for a frame. */
function paintArrow(h, doc, scene, fade) {
  const { edge } = h;
  const source = doc.nodes[edge.source];
  const state = edgeClass(edge, scene);
  setAttr(h, 'class', h.line, 'class', `edge-line ${state}`);
  setAttr(h, 'headClass', h.head, 'class', `edge-head ${state}`);
  // A constant's box already shows its number: its arrow carries no label.
  if (source.kind !== 'constant') setLabel(h.nameLabel, edge.label, valueText(source, scene), fade);
  if (!h.gradLabel.hidden) {
    const [name, rest] = gradText(edge, source, scene);
    setLabel(h.gradLabel, name, rest, fade);
    setAttr(h, 'gradClass', h.gradLabel.text, 'class',
      `edge-grad${scene.activeFlows.has(edge.id) ? ' flowing' : ''}${name ? '' : ' flow'}`);
  }
  if (!h.chip) return;
  const chip = scene.pass === 'backward' ? `chip shown${scene.activeFlows.has(edge.id) ? ' flowing' : ''}` : 'chip';
  if (fade && h.last.chip === 'chip' && chip !== 'chip') fadeIn(h.chip);
  setAttr(h, 'chip', h.chip, 'class', chip);
}

function paintStub(stub, doc, scene, fade) {
  const output = doc.nodes[doc.output];
  const known = scene.value[output.id] !== undefined;
  const state = `stub ${known ? 'done' : 'waiting'}${scene.pass === 'backward' ? ' grad-source' : ''}`;
  setAttr(stub, 'class', stub.line, 'class', `edge-line ${state}`);
  setAttr(stub, 'headClass', stub.head, 'class', `edge-head ${state}`);
  setLabel(stub.nameLabel, output.label, valueText(output, scene), fade);
  const grad = scene.shownGrad[output.id];
  setLabel(stub.gradLabel, grad === undefined ? '' : primeOf(output), grad === undefined ? '' : ` = ${fmt(grad)}`, fade);
}

/** A node used more than once sums what it received: x′ = 3 + 3 + 1 = 7,
    written in a strip kept free under the graph (geometry.boundsOf), below
    the node. */
function paintBadge(graph, doc, scene, fade) {
  const step = scene.currentStep;
  let name = '';
  let rest = '';
  let place = null;
  if (scene.pass === 'backward' && step && step.received.length > 1) {
    const node = doc.nodes[step.node];
    const parts = step.received.map((r) => fmt(num(r.contribution)).replace(/^−/, '(−') + (num(r.contribution) < 0 ? ')' : ''));
    name = primeOf(node);
    rest = ` = ${sum(parts.map((p) => formula(p, p))).text} = ${fmt(scene.grad[node.id])}`;   // long: short, as the chain rule
    const width = textWidth(name + rest) * LABEL_SIZE;
    const { x0, x1, y1 } = graph.bounds;
    place = { x: Math.min(Math.max(node.x - width / 2, x0 + 4), x1 - width), y: y1 - SUM_STRIP + 4, anchor: 'start', baseline: 'below' };
  }
  const key = `${name}${rest}@${place && [place.x, place.y]}`;
  if (graph.badgeLast === key) return;
  graph.badgeLast = key;
  const { text } = graph.badge;
  if (place) {
    text.setAttribute('x', place.x.toFixed(1));
    text.setAttribute('y', place.y.toFixed(1));
    text.setAttribute('text-anchor', place.anchor);
    text.setAttribute('dominant-baseline', BASELINE[place.baseline]);
  }
  graph.badge.last = {};
  setLabel(graph.badge, name, rest, fade);
}

/** What a drawing culls to the view (cullGraph): for a smaller one it would
    cost more than it saves. Arrows once it has more than CULLED_PARTS nodes
    and arrows (and their elements are made only when the view first comes
    near them); nodes only past `bigGraph` nodes, since a culled node cannot
    take the keyboard's focus (a collapsed group is a button). */
const CULLED_PARTS = 300;
export function cullable(graph, bigGraph) {
  const { nodes, edges } = graph;
  if (nodes.length > bigGraph) return [...nodes, ...edges];
  return graph.arrowsCulled ? edges : [];
}

/** What counts as near the view (a box in layout units): it and half its
    size around it, so that a short pan shows no gaps. */
export function nearView(view) {
  const w = view[2] - view[0];
  const h = view[3] - view[1];
  return [view[0] - w / 2, view[1] - h / 2, view[2] + w / 2, view[3] + h / 2];
}

/** Take what lies far outside `view` (a box in layout units) out of style,
    layout and paint (display: none), so that drawing and stepping cost what
    the visible part costs; an arrow not made yet is made as it comes in. */
export function cullGraph(graph, view) {
  const [x0, y0, x1, y1] = nearView(view);
  for (const h of graph.cullable) {
    const [a, b, c, d] = h.box;
    const culled = c < x0 || a > x1 || d < y0 || b > y1;
    if (!culled && h.made === false) {
      h.culled = false;
      makeLate(graph, h);
      continue;
    }
    if (h.culled === culled) continue;
    h.culled = culled;
    for (const part of h.parts) part.style.display = culled ? 'none' : '';
  }
}
