/* Text in the graph's SVG: elements made with their attributes, labels
   (a name part set as TeX sets names, and the rest) and their placing
   (label_sizes.js measures them). All text goes in with textContent: names
   and sources are user text. */

import { mathRuns } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
export const BASELINE = { above: 'auto', below: 'hanging', side: 'central' };

export function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

/** A label's text, with a name part and the rest; placed later (placeText). */
export function label(parent, cls, attrs) {
  const text = el('text', { class: cls, ...attrs }, parent);
  const name = el('tspan', { class: 'nm' }, text);
  const rest = el('tspan', { class: 'rest' }, text);
  return { text, name, rest, last: {} };
}

/** Put a label's text at a place (see labels.js). */
export function placeText(handle, place) {
  const { text } = handle;
  text.setAttribute('x', place.x.toFixed(1));
  text.setAttribute('y', place.y.toFixed(1));
  text.setAttribute('text-anchor', place.anchor);
  text.setAttribute('dominant-baseline', BASELINE[place.baseline]);
  if (place.scale < 1) text.style.fontSize = `calc(var(--label-size) * ${place.scale.toFixed(2)})`;
}

/** A name with raised * and ′, as TeX sets y^{*} and u'. */
export function setName(tspan, name) {
  tspan.textContent = '';
  for (const run of mathRuns(name)) {
    const attrs = { class: run.kind };
    if (run.kind === 'raised') attrs['baseline-shift'] = '30%';
    if (run.kind === 'sub') attrs['baseline-shift'] = '-22%';
    el('tspan', attrs, tspan).textContent = run.text;
  }
}
