/* Numbers as the Train view writes them, beside ../format.js (4 significant
   digits, U+2212 minus, ∞ and NaN): an update changes a parameter in its
   fifth or tenth digit, so its before and after get as many digits as it
   takes to tell them apart; rates are written as the course writes them
   (1e−4). */

import { fmt, mathRuns } from '../format.js';

/** A parameter before and after its update, with the fewest digits (4 at
    least, 12 at most) that show it moved. */
export function fmtChange(before, after) {
  for (let digits = 4; digits < 12; digits += 1) {
    const [a, b] = [fmt(before, digits), fmt(after, digits)];
    if (a !== b) return [a, b];
  }
  return [fmt(before, 12), fmt(after, 12)];
}

/** A learning rate: 1e−4 rather than 0.0001, 0.05 as it is. */
export function rateText(lr) {
  if (!Number.isFinite(lr)) return fmt(lr);
  const [mantissa, exponent] = lr.toExponential().split('e');
  if (Number(exponent) <= -3 && mantissa.length <= 3) return `${mantissa}e${exponent.replace('-', '−')}`;
  return fmt(lr);
}

/** 50000 → "50,000". */
export function count(n) {
  return Number(n).toLocaleString('en-US');
}

/** An axis tick: short, so that it fits beside the axis (2.5e8, not 250000000). */
export function tickText(v) {
  if (!Number.isFinite(v) || v === 0) return fmt(v);
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e').replace(/-/g, '−');
  return fmt(v);
}

/** A name set as the graph sets it (w₁ with a lowered 1, y* with a raised *),
    into an HTML element or an SVG text, as textContent. */
export function setMathName(parent, label) {
  const svg = parent instanceof SVGElement;
  parent.textContent = '';
  for (const run of mathRuns(label)) {
    let node;
    if (svg) {
      node = document.createElementNS('http://www.w3.org/2000/svg', 'tspan');
      if (run.kind === 'raised') node.setAttribute('baseline-shift', '30%');
      if (run.kind === 'sub') node.setAttribute('baseline-shift', '-22%');
    } else {
      node = document.createElement(run.kind === 'sub' ? 'sub' : run.kind === 'raised' ? 'sup' : 'span');
    }
    node.setAttribute('class', run.kind);
    node.textContent = run.text;
    parent.appendChild(node);
  }
  return parent;
}
