/* The gradient heat-map: every drawn node (and collapsed group) that has a
   gradient on this frame is coloured by |gradient| on a log scale, so that a
   lecturer can show gradients vanishing or exploding through a deep network.

   The scale spans the document's own gradients (the backward pass's values,
   one run of backward()): from the smallest non-zero |gradient| to the
   largest, cut into LEVELS bins of equal width in log10. Nodes take their
   colour as the backward pass reaches them; before that (the forward pass)
   nothing is coloured and the legend says so. A gradient of exactly 0 has a
   level of its own ("zero"), as has one that is not a number ("nan").
   Colour is never the only cue: the node card (tooltip.js) writes the
   number on hover and focus. Colours are CSS variables per theme (app.css,
   --heat-0 … --heat-5 with their ink), chosen for 4.5:1 text contrast.

   The pure part (heatScale, heatLevel, legendStops) imports nothing from the
   page; tests/js/heatmap.test.mjs runs it. */

import { fmt, num } from './format.js';

export const LEVELS = 6;

/** The scale of a set of gradients (numbers, any sign; non-finite and zero
    ones ignored): {lo, hi} of |g|, or null when none is non-zero. */
export function heatScale(grads) {
  let lo = Infinity;
  let hi = 0;
  for (const g of grads) {
    const a = Math.abs(g);
    if (!Number.isFinite(a) || a === 0) continue;
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  return hi > 0 ? { lo, hi } : null;
}

/** The scale of a document: its nodes' gradients (null: no gradient). */
export function heatScaleOf(doc) {
  return heatScale(doc.nodes.filter((n) => n.grad !== null && n.grad !== undefined).map((n) => num(n.grad)));
}

/** The level of a gradient on a scale: '0'…'5', 'zero', 'nan', or null
    (no gradient known). Values past the scale's ends (accumulated runs)
    take its end levels. */
export function heatLevel(grad, scale) {
  if (grad === undefined || grad === null) return null;
  if (Number.isNaN(grad)) return 'nan';
  if (grad === 0) return 'zero';
  if (!scale) return null;
  const a = Math.abs(grad);
  if (!Number.isFinite(a)) return String(LEVELS - 1);
  const span = Math.log10(scale.hi) - Math.log10(scale.lo);
  if (span <= 0) return String(LEVELS - 1);
  const t = (Math.log10(a) - Math.log10(scale.lo)) / span;
  return String(Math.min(LEVELS - 1, Math.max(0, Math.floor(t * LEVELS))));
}

/** The bins' edges, LEVELS + 1 numbers from lo to hi (equal steps in log10);
    the ends are the scale's own numbers, exactly. */
export function legendStops(scale) {
  if (!scale) return [];
  const a = Math.log10(scale.lo);
  const b = Math.log10(scale.hi);
  const stops = [];
  for (let k = 0; k <= LEVELS; k += 1) stops.push(10 ** (a + ((b - a) * k) / LEVELS));
  stops[0] = scale.lo;
  stops[LEVELS] = scale.hi;
  return stops;
}

/** Set an element's level (data-heat) from its gradient; `last` caches it. */
function mark(element, level) {
  if (element.dataset.heat === (level ?? undefined)) return;
  if (level === null) delete element.dataset.heat;
  else element.dataset.heat = level;
}

/** The legend's contents: a title, then per bin a swatch and its lower edge,
    then the top edge. Numbers in the page's format (format.js). */
function fillLegend(legend, scale, note) {
  legend.textContent = '';
  const title = document.createElement('span');
  title.className = 'heat-title';
  title.textContent = '|gradient|';
  legend.appendChild(title);
  const stops = legendStops(scale);
  const row = document.createElement('span');
  row.className = 'heat-scale';
  stops.forEach((stop, k) => {
    const number = document.createElement('span');
    const end = k === 0 || k === LEVELS;
    number.className = end ? 'heat-number' : 'heat-number heat-stop';   // small frames keep the ends
    number.dataset.testid = k === 0 ? 'heat-min' : k === LEVELS ? 'heat-max' : 'heat-stop';
    number.textContent = fmt(stop, 2);
    row.appendChild(number);
    if (k < LEVELS) {
      const swatch = document.createElement('span');
      swatch.className = 'heat-swatch';
      swatch.dataset.heat = String(k);
      swatch.setAttribute('aria-hidden', 'true');
      row.appendChild(swatch);
    }
  });
  if (stops.length) legend.appendChild(row);
  const zero = document.createElement('span');
  zero.className = 'heat-zero';
  zero.innerHTML = '<span class="heat-swatch" data-heat="zero" aria-hidden="true"></span>';
  zero.append('0');
  legend.appendChild(zero);
  const what = document.createElement('span');
  what.className = 'heat-note';
  what.dataset.testid = 'heat-note';
  what.textContent = note;
  legend.appendChild(what);
}

/** The toggle (a button with data-action="heat"), the legend (in the stage)
    and the colouring; the legend goes in `place`. `store` holds `heat` (a URL key, app/url_state.py);
    a page whose table has no such key shows no toggle. */
export function setupHeatmap(root, store, place = root.querySelector('.stage')) {
  const svg = root.querySelector('svg.graph');
  const button = root.querySelector('[data-action="heat"]');
  const hasKey = store.table ? store.table.keys.some((key) => key.key === 'heat') : false;
  if (button) button.hidden = !hasKey;
  const legend = document.createElement('div');
  legend.className = 'heat-legend';
  legend.dataset.testid = 'heat-legend';
  legend.setAttribute('role', 'note');
  legend.setAttribute('aria-label', 'Heat-map scale');
  legend.hidden = true;
  place.appendChild(legend);
  let scale = null;
  let legendKey = null;
  if (button && hasKey) {
    button.addEventListener('click', () => store.update({ heat: !store.get().heat }));
  }

  return {
    /** A new document: its scale. */
    load(doc) {
      scale = heatScaleOf(doc);
      legendKey = null;
    },
    /** The level a gradient takes now (for the group view's nodes). */
    levelOf: (grad) => (store.get().heat ? heatLevel(grad, scale) : null),
    /** Colour one element (a group node, say) by its gradient. */
    mark(element, grad) {
      mark(element, store.get().heat ? heatLevel(grad, scale) : null);
    },
    /** A frame: colour the drawn nodes from the scene's gradients. */
    paint(graph, scene) {
      const on = Boolean(store.get().heat);
      svg.toggleAttribute('data-heat-map', on);
      if (button) button.setAttribute('aria-pressed', String(on));
      for (const h of graph.nodes) {
        const level = on ? heatLevel(scene.shownGrad[h.node.id], scale) : null;
        if (h.last.heat === level) continue;
        h.last.heat = level;
        mark(h.g, level);
      }
      legend.hidden = !on;
      if (!on) return;
      const note = !scale ? 'no gradient to colour: every gradient is 0 or none is needed'
        : scene.pass === 'forward' ? 'colours come with the backward pass'
          : 'log scale; numbers on hover';
      const key = `${note}|${scale && [scale.lo, scale.hi]}`;
      if (key !== legendKey) {
        legendKey = key;
        fillLegend(legend, scale, note);
        legend.dataset.min = scale ? String(scale.lo) : '';
        legend.dataset.max = scale ? String(scale.hi) : '';
      }
    },
  };
}
