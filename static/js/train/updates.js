/* The update of the step on show, with its numbers from /api/train's
   `update`: in the panel beside the graph,
       w ← w − α·∂ℓ/∂w = 1 − 1e−4 × (−22.44) = 1.002244,
   and on the graph, next to each parameter's box, the value it takes
   (w ← 1.002244), once the backward pass has reached the end and the update
   has landed. All text goes in with textContent. */

import { exact, fmt, num } from '../format.js';
import { shapeOf } from '../geometry.js';
import { fmtChange, rateText, setMathName } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';

function span(parent, cls, text) {
  const node = document.createElement('span');
  if (cls) node.className = cls;
  node.textContent = text;
  parent.appendChild(node);
  return node;
}

function svgEl(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  parent.appendChild(node);
  return node;
}

export function createUpdates(side, stage, setup) {
  const find = (id) => side.querySelector(`[data-testid="${id}"]`);
  const title = find('update-title');
  const note = find('update-note');
  const rows = find('update-rows');
  const label = (name) => setup.labels[name] || name;
  let lastKey = '';

  /** The labels on the graph: drawn into the player's viewport, anew for each drawing. */
  function paintGraph(doc, update, landed) {
    const viewport = stage.querySelector('svg.graph g.viewport');
    if (!viewport) return;
    let layer = viewport.querySelector('g.param-updates');
    if (!layer) layer = svgEl('g', { class: 'param-updates' }, viewport);
    layer.textContent = '';
    if (!landed || !update) return;
    for (const node of doc.nodes) {
      if (node.kind !== 'parameter' || !(node.name in update)) continue;
      const { before, after } = update[node.name];
      const [, afterText] = fmtChange(num(before), num(after));
      const shape = shapeOf(node);
      const text = svgEl('text', {
        class: 'param-update', x: (node.x + shape.w / 2 + 9).toFixed(1), y: node.y.toFixed(1),
        'dominant-baseline': 'central', 'data-testid': 'param-update', 'data-param': node.name,
        'data-param-value': exact(num(after)),
      }, layer);
      setMathName(svgEl('tspan', { class: 'nm' }, text), node.label);
      svgEl('tspan', { class: 'arrow' }, text).textContent = ' ← ';
      svgEl('tspan', { class: 'value' }, text).textContent = afterText;
    }
  }

  function paintPanel({ doc, answer, t, landed }) {
    const { update, sample } = answer;
    const gd = answer.optimizer === 'gd';
    const loss = doc ? doc.nodes[doc.output].label : 'ℓ';
    const objective = gd ? 'L' : loss;
    const lr = num(answer.lr);
    const sampleText = Object.entries(sample || {}).map(([name, value]) => `${label(name)} = ${fmt(num(value))}`).join(', ');
    const number = Math.max(t, 1);
    title.textContent = landed ? `Update ${number}` : `Update ${number} · after the backward pass`;
    title.dataset.step = String(number);
    title.dataset.landed = String(landed);
    note.textContent = gd
      ? `Gradient descent on all ${answer.rows} points: the graph shows the first; the update uses L = Σ${loss}, its gradient summed over every point.`
      : `SGD on one sample: ${sampleText}. The rate α = ${rateText(lr)}.`;
    rows.textContent = '';
    for (const [name, u] of Object.entries(update || {})) {
      const [before, grad, after] = [num(u.before), num(u.grad), num(u.after)];
      const [beforeText, afterText] = fmtChange(before, after);
      const li = document.createElement('li');
      li.dataset.testid = 'update-row';
      li.dataset.param = name;
      li.dataset.before = exact(before);
      li.dataset.grad = exact(grad);
      li.dataset.after = exact(after);
      li.dataset.landed = String(landed);
      const rule = span(li, 'rule', '');
      setMathName(span(rule, 'nm', ''), label(name));
      span(rule, '', ' ← ');
      setMathName(span(rule, 'nm', ''), label(name));
      span(rule, '', ` − α·∂${objective}/∂`);
      setMathName(span(rule, 'nm', ''), label(name));
      const numbers = span(li, 'numbers', '');
      const gradText = grad < 0 ? `(${fmt(grad)})` : fmt(grad);
      if (landed) {
        span(numbers, '', ` = ${beforeText} − ${rateText(lr)} × `);
        span(numbers, 'grad', gradText);
        span(numbers, '', ' = ');
        span(numbers, 'after', afterText);
      } else {
        span(numbers, '', ` = ${beforeText} − ${rateText(lr)} × ∂${objective}/∂${label(name)}`);
      }
      rows.appendChild(li);
    }
  }

  return {
    /** The frame's update; `landed` once the backward pass is through. */
    paint({ doc, answer, t, landed }) {
      const key = `${answer.document ? answer.document.title : ''}|${t}|${landed}|${JSON.stringify(answer.update)}`;
      if (key !== lastKey) {
        lastKey = key;
        paintPanel({ doc, answer, t, landed });
      }
      paintGraph(doc, answer.update, landed);
    },
    /** A new drawing of the graph: its labels are drawn again. */
    reset() {
      lastKey = '';
    },
  };
}
