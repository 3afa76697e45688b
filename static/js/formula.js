/* A formula in two notations, text and TeX, and a number written as one:
   engine/notation.py's Math and number, for the page's decoders
   (document_codec.js, group_steps.js), which write what the engine's
   version 2 documents wrote. */

import { fmt, num } from './format.js';

/** A JS number in the document's own form ("Infinity", "-Infinity", "NaN" as strings). */
export function encode(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  return x;
}

export const formula = (text, tex, atomic = true) => ({ text, tex, atomic });

/** engine.notation.Math.wrapped: in parentheses where an operand needs them. */
export function wrapped(m) {
  return m.atomic ? m : formula(`(${m.text})`, `\\left(${m.tex}\\right)`);
}

/** engine.notation.number: 6 digits; in TeX, 1.5 \times 10^{-5}. */
export function numberOf(x) {
  const text = fmt(num(x), 6);
  let tex = text.replace(/−/g, '-').replace(/∞/g, '\\infty');
  if (tex.includes('e')) {
    const [mantissa, exponent] = tex.split('e');
    tex = `${mantissa} \\times 10^{${Number(exponent)}}`;
  }
  return formula(text, tex, !text.startsWith('−'));
}

/** engine.notation.prime: u′, (y − y*)′. */
export function primeOf(label) {
  const w = wrapped(label);
  return formula(`${w.text}′`, `${w.tex}'`);
}

// engine.document_codec.LONG_SUM: a gradient summed from more arrows than this is written short
export const LONG_SUM = 4;

/** a + b + c; over LONG_SUM parts, the first two and the last around what is
    left out: a + b + ⋯ 13 more ⋯ + p. */
export function sum(all) {
  const hidden = all.length - 3;
  const parts = all.length > LONG_SUM
    ? [...all.slice(0, 2), formula(`⋯ ${hidden} more ⋯`, `\\cdots\\ \\text{${hidden} more}\\ \\cdots`), all[all.length - 1]]
    : all;
  return formula(parts.map((p) => p.text).join(' + '), parts.map((p) => p.tex).join(' + '));
}
