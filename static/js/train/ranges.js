/* Where the loss landscape is drawn: the example's own range when it has
   one (the challenge's solution: arange(−0.5, 1.5, .01) for p and w, as the
   course draws it), else around the trajectory of the example's own run,
   with room on each side, on a grid of about 100 × 100. */

import { num } from '../format.js';

const CELLS = 100;

/** A round step near `span / CELLS`: 1, 2, 2.5 or 5 × 10^k. */
function roundStep(span) {
  const raw = span / CELLS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw);
  return nice * power;
}

/** arange(start, stop, step) around the values of one parameter. */
export function rangeAround(values) {
  const finite = values.map(num).filter(Number.isFinite);
  if (!finite.length) return [-1, 1, 0.02];
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const pad = Math.max((high - low) * 0.5, 0.25 * Math.max(1, Math.abs(low), Math.abs(high)) * 0.5, 0.25);
  const step = roundStep(high - low + 2 * pad);
  const start = Math.floor((low - pad) / step) * step;
  const stop = Math.ceil((high + pad) / step) * step + step / 2;
  return [Number(start.toPrecision(12)), Number(stop.toPrecision(12)), step];
}

/** Does the example give the range of this parameter (its `landscape_range`
    is for its own `landscape` pair)? */
export function hasCourseRange(setup, name) {
  return Boolean(setup.landscape_range && setup.landscape && setup.landscape.includes(name));
}

/** {x, y} aranges for the landscape over params x and y. */
export function landscapeRanges(setup, reference, [x, y]) {
  const range = (name) => {
    if (hasCourseRange(setup, name)) return setup.landscape_range;
    return rangeAround(reference ? [...reference.params[name], reference.final[name]] : [setup.start[name]]);
  };
  return { x: range(x), y: range(y) };
}
