/* Groups on the drawing (render.js draws every node; this adds what a
   group needs): a collapsed group is a box with a doubled border and a ⊕ in
   its corner, its name, and under it its value and gradient; it is a
   button (click, Enter or Space opens it). An expanded group is drawn as a
   dashed frame around its members with its name and a ⊖ button that
   closes it. And the short move when the set changes: what stays glides
   from where it was, what appears grows out of the group it was in. */

import { fmt } from './format.js';
import { reducedMotion } from './motion.js';
import { nearView } from './render.js';
import { el } from './svg_text.js';

const MOVE_MS = 320;
const MARK = 7;   // the ⊕'s radius

/** Add the groups' marks to a drawing of a view document (group_document.js). */
export function decorateGroups(graph, doc) {
  for (const h of graph.nodes) {
    const { node, g } = h;
    g.setAttribute('data-ref', String(node.ref ?? node.id));
    if (node.kind !== 'group') continue;
    const shape = g.querySelector('.shape');
    const [w, ht] = [Number(shape.getAttribute('width')), Number(shape.getAttribute('height'))];
    const [x0, y0] = [node.x - w / 2, node.y - ht / 2];
    el('rect', { class: 'shape-inner', x: x0 + 3.5, y: y0 + 3.5, width: w - 7, height: ht - 7, rx: 5 }, g);
    const mark = el('g', { class: 'group-mark', 'aria-hidden': 'true' }, g);
    const [mx, my] = [x0 + w - MARK - 5, y0 + MARK + 5];
    el('circle', { cx: mx, cy: my, r: MARK }, mark);
    el('path', { d: `M${mx - 4},${my}H${mx + 4}M${mx},${my - 4}V${my + 4}` }, mark);
    const name = g.querySelector('.input-name');
    name.setAttribute('y', node.y - 9);
    name.classList.add('group-name');
    h.reading = el('text', { class: 'group-reading', x: node.x, y: node.y + 12, 'text-anchor': 'middle', 'dominant-baseline': 'central' }, g);
    g.dataset.groupId = String(node.group.id);
    g.setAttribute('role', 'button');
    g.setAttribute('tabindex', '0');
    g.setAttribute('aria-expanded', 'false');
  }
  graph.groupBoxes = drawBoxes(graph, doc);
}

function drawBoxes(graph, doc) {
  if (!doc.frames) return [];
  const layer = el('g', { class: 'group-boxes' }, null);
  graph.viewport.insertBefore(layer, graph.viewport.firstChild);
  const handles = [];
  for (const r of [...doc.frames].reverse()) {   // outermost first, under the inner ones
    const box = r;
    const g = el('g', { class: 'group-box', 'data-box-id': box.id }, layer);
    el('rect', { class: 'frame', x: r.x, y: r.y, width: r.width, height: r.height, rx: 10 }, g);
    const button = el('g', {
      class: 'group-collapse', role: 'button', tabindex: '0', 'aria-expanded': 'true',
      'aria-label': `Collapse ${box.group.label}`, 'data-collapse-group': String(box.group.id),
    }, g);
    el('rect', { x: r.x + 6, y: r.y + 5, width: 16, height: 16, rx: 4 }, button);
    el('path', { d: `M${r.x + 10},${r.y + 13}H${r.x + 18}` }, button);
    el('text', { class: 'box-name', x: r.x + 28, y: r.y + 13, 'dominant-baseline': 'central' }, g).textContent = box.group.label;
    handles.push({ box, g, rect: r });
  }
  // The frames are part of the picture's extent.
  const b = graph.bounds;
  for (const { rect } of handles) {
    b.x0 = Math.min(b.x0, rect.x - 4); b.y0 = Math.min(b.y0, rect.y - 4);
    b.x1 = Math.max(b.x1, rect.x + rect.width + 4); b.y1 = Math.max(b.y1, rect.y + rect.height + 4);
  }
  return handles;
}

/** Each frame: a collapsed group's value and gradient, once known. */
export function paintGroups(graph, scene) {
  for (const h of graph.nodes) {
    if (!h.reading) continue;
    const { node } = h;
    let text = '';
    if (node.outputs > 1) {
      text = `${node.outputs} outputs`;
    } else {
      const value = scene.value[node.id];
      const grad = scene.shownGrad[node.id];
      if (value !== undefined && value !== null) text = `= ${fmt(value)}`;
      if (grad !== undefined) text += `  ′ ${fmt(grad)}`;
    }
    if (h.last.reading !== text) {
      h.last.reading = text;
      h.reading.textContent = text;
      h.g.setAttribute('aria-label', `${node.label} ${text}: expand (Enter)`);
    }
  }
}

/** Where each drawn item is, by its ref (a node's id or a group's key). */
export function positionsOf(doc) {
  return new Map(doc.nodes.map((n) => [n.ref ?? n.id, [n.x, n.y]]));
}

/** The move after a change of the expanded set: each node glides from where
    it was, or from the group it was drawn in; arrows and labels fade in.
    Only what moves near the view (`view`, a box in layout units) glides:
    each glide makes its node a layer of its own for the browser to place. */
export function animateChange(graph, doc, before, oldItemOf, view) {
  if (reducedMotion() || !before) return;
  const [x0, y0, x1, y1] = nearView(view);
  const near = ([x, y]) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
  for (const { node, g } of graph.nodes) {
    const anchor = node.kind === 'group' ? node.group.outputs[0] : node.ref ?? node.id;
    const from = before.get(node.ref ?? node.id) || before.get(oldItemOf[anchor]);
    if (!from || !g.animate) continue;
    const [dx, dy] = [from[0] - node.x, from[1] - node.y];
    if (Math.abs(dx) < 0.5 && Math.abs(dy) < 0.5) continue;
    if (!near(from) && !near([node.x, node.y])) continue;
    g.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: 'translate(0, 0)' }],
      { duration: MOVE_MS, easing: 'ease-out' });
  }
  for (const layer of graph.viewport.querySelectorAll('.edges, .labels, .group-boxes')) {
    if (layer.animate) layer.animate([{ opacity: 0 }, { opacity: 1 }], { duration: MOVE_MS, easing: 'ease-in' });
  }
}

/** Click, Enter or Space on a group (opens it) or on a frame's ⊖ (closes it). */
export function onGroupToggle(svg, toggle) {
  const target = (event) => event.target.closest && event.target.closest('[data-group-id], [data-collapse-group]');
  // From the keyboard, focus follows to the group's other control (`true`); a click leaves it.
  const act = (el, byKey) => toggle(Number(el.dataset.groupId ?? el.dataset.collapseGroup), byKey);
  svg.addEventListener('click', (event) => {
    const el = target(event);
    if (el) act(el, false);
  });
  svg.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    const el = target(event);
    if (!el || el !== document.activeElement) return;
    event.preventDefault();
    act(el, true);
  });
}
