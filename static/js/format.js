/* Numbers and names as the page writes them, in the slides' notation:
   4 significant digits with a true minus sign, u′ for the gradient of u,
   *x for the local derivative on an arrow. The page never recomputes a
   number: these only write the document's numbers. */

const NON_FINITE = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN };

/** A document number (a JSON number, or "Infinity", "-Infinity", "NaN") as a JS number. */
export function num(x) {
  if (x === null || x === undefined) return undefined;
  if (typeof x === 'number') return x;
  return x in NON_FINITE ? NON_FINITE[x] : Number(x);
}

/** The exact number, for data-* attributes that tests read. */
export function exact(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return String(x);
}

/** `digits` significant digits (4 on the graph), U+2212 minus, no trailing
    zeros, an exponent only outside [1e-4, 1e7): 80.53, 161.1, −0.9992, 12350,
    1.5e−5. The one number rule: engine/notation.py format_number is the
    same function (a test runs both on the same numbers). */
export function fmt(x, digits = 4) {
  if (x === undefined || x === null) return '';
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  const text = a >= 1e-4 && a < 1e7
    ? String(Number(x.toPrecision(digits)))
    : x.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return text.replace(/-/g, '−');   // the exponent's minus too
}

/** A number inside TeX: plain minus, \infty, and parentheses when negative. */
export function texNumber(x, wrapNegative = false) {
  if (Number.isNaN(x)) return '\\mathrm{NaN}';
  const text = !Number.isFinite(x) ? (x > 0 ? '\\infty' : '-\\infty') : fmt(x).replace('−', '-');
  return wrapNegative && text.startsWith('-') ? `(${text})` : text;
}

/** What flows along an arrow: upstream × local derivative, "161.1 × 0.5". */
export function flowText(upstream, localGrad) {
  if (upstream === undefined) return fmt(localGrad);   // a group of several outputs: what it passes on
  return `${fmt(upstream)} × ${localGrad < 0 ? `(${fmt(localGrad)})` : fmt(localGrad)}`;
}

/** As the engine decides: a name needs no parentheses when it is one word. */
export function isAtomic(text) {
  return /^[\p{L}\p{N}]+$/u.test(text.replace(/[.′]/g, ''));
}

export function wrap(text) {
  return isAtomic(text) ? text : `(${text})`;
}

/** The slides' name for a gradient: u′, (y − y*)′. */
export function prime(label) {
  return `${wrap(label)}′`;
}

/** The local derivative written on an arrow: *x, *1, *2(y − y*), *(−sin s).
    Parentheses only where a sum or a leading minus would misread. */
export function factor(localGradExpr) {
  let depth = 0;
  let loose = localGradExpr.startsWith('−');
  for (let i = 0; i < localGradExpr.length; i += 1) {
    const c = localGradExpr[i];
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (depth === 0 && c === ' ') loose = true;
  }
  return `*${loose ? `(${localGradExpr})` : localGradExpr}`;
}

/** A node's gradient name as the document writes it (u′, (y − y*)′); a
    document saved before it carried one gets it derived here. */
export function primeOf(node) {
  return node.prime ?? prime(node.label);
}

/** An edge's chip as the document writes it (*x, *(−sin s)); derived for
    documents saved before it carried one. */
export function chipText(edge) {
  return edge.chip ?? factor(edge.local_grad_expr);
}

/** A name cut into runs to set as TeX would: `raised` for the * of y*,
    `sub` for the digits of w1, `digit` for other digits and brackets (upright), `prime`
    for ′, `text` for the rest (math italic where the label asks for it). */
export function mathRuns(text) {
  const runs = [];
  let previous = '';
  for (const c of text) {
    let kind = 'text';
    if (c === '′') kind = 'prime';
    else if (c === '*') kind = 'raised';
    else if (/[()[\]]/.test(c)) kind = 'digit';   // upright, as TeX sets brackets: w[1][0]
    else if (/[0-9]/.test(c)) kind = /[\p{L}]/u.test(previous) || (previous && runs[runs.length - 1].kind === 'sub') ? 'sub' : 'digit';
    const lastRun = runs[runs.length - 1];
    if (lastRun && lastRun.kind === kind) lastRun.text += c;
    else runs.push({ text: c, kind });
    previous = c;
  }
  return runs;
}

/** About how wide a text is, in em, for fitting labels without measuring. */
export function textWidth(text) {
  let em = 0;
  for (const c of text) {
    if (/[0-9]/.test(c)) em += 0.5;
    else if (/[ .,′*]/.test(c)) em += 0.3;
    else if (/[=+−×·<>]/.test(c)) em += 0.78;
    else if (/[()[\]]/.test(c)) em += 0.39;
    else em += 0.56;
  }
  return em;
}
