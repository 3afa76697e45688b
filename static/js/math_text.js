/* A formula's plain text (the engine's `text`: "w[0][3][0]′ = u20′·[u19 > 0]·1.2
   = −0.81 × 0 × 1.2 = 0") set as TeX would set it, in plain spans: one-letter
   names in math italic, longer names (relu, loss) upright as TeX's \mathrm,
   an index after a name lowered (u20, w[1][0]), primes raised, numbers and
   brackets upright, and TeX's spaces around operators (medium) and
   relations (thick).

   KaTeX sets each subscript and prime as a small table: a collapsed neuron's
   thirty flows in KaTeX cost a step about 1 ms each to lay out; in these
   spans, about a tenth of that. The step's chain rule stays in KaTeX. */

const RELATIONS = new Set(['=', '>', '<', '≥', '≤', '↦', '≈', '+=']);
const BINARY = new Set(['+', '−', '×', '·', '/']);
const OPENING = new Set(['(', '[']);

/** The runs of `text`: [{ text, kind }], kind one of it (math italic), rm
    (upright), sub (lowered index), prime, raised (y*), bin, rel, punct. */
export function mathTokens(text) {
  const tokens = [];
  const push = (kind, t) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind && kind !== 'bin' && kind !== 'rel') last.text += t;
    else tokens.push({ text: t, kind });
  };
  // What came before, for a minus (unary after a relation, an operator or an opening) and an index.
  const significant = () => tokens[tokens.length - 1] ?? null;
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i];
    if (/\s/.test(c)) continue;
    if (c === '+' && chars[i + 1] === '=') {
      push('rel', '+=');
      i += 1;
    } else if (RELATIONS.has(c)) {
      push('rel', c);
    } else if (BINARY.has(c)) {
      const before = significant();
      const unary = c === '−' && (!before || before.kind === 'bin' || before.kind === 'rel' || before.kind === 'punct'
        || OPENING.has(before.text.slice(-1)));
      push(unary ? 'rm' : 'bin', c);
    } else if (c === ',' || c === ';') {
      push('punct', c);
    } else if (c === '*') {
      push('raised', c);
    } else if (/\p{L}/u.test(c)) {
      let name = c;
      while (i + 1 < chars.length && /\p{L}/u.test(chars[i + 1])) name += chars[++i];
      push([...name].length === 1 ? 'it' : 'rm', name);
      // An index, lowered as notation.py writes it in TeX: u20 → u_{20}, w[1][0] → w_{[1][0]}.
      const rest = chars.slice(i + 1).join('');
      const index = /^(?:[0-9]+|(?:\[[0-9]+\])+)/.exec(rest);
      if (index) {
        tokens.push({ text: index[0], kind: 'sub' });
        i += index[0].length;
      }
    } else if (c === '′') {
      push('prime', c);
    } else {
      push('rm', c);   // digits, the point, brackets, ′, ², …
    }
  }
  return tokens;
}

/** `target` shows `text` set in spans (textContent only: the text is user text). */
export function setMathText(target, text) {
  target.textContent = '';
  target.classList.add('math-text');
  for (const { text: t, kind } of mathTokens(text)) {
    const span = document.createElement('span');
    span.className = kind;
    span.textContent = t;
    target.appendChild(span);
  }
}
