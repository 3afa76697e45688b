/* A formula's plain text (the engine's `text`: "w[0][3][0]′ = u20′·[u19 > 0]·1.2
   = −0.81 × 0 × 1.2 = 0") set as TeX would set it, in plain spans: one-letter
   names in math italic, longer names (relu, loss) upright as TeX's \mathrm,
   an index after a name lowered (u20, w[1][0]), primes raised, numbers and
   brackets upright (1.5e−5 as 1.5 × 10⁻⁵), and TeX's spaces around
   operators (medium) and relations (thick).

   KaTeX sets each subscript and prime as a small table: a collapsed neuron's
   thirty flows in KaTeX cost a step about 1 ms each to lay out; in these
   spans, about a tenth of that. The step's chain rule stays in KaTeX. */

const RELATIONS = new Set(['=', '>', '<', '≥', '≤', '↦', '≈', '+=']);
const BINARY = new Set(['+', '−', '×', '·']);
const OPENING = new Set(['(', '[']);
// The spaces TeX puts around them, as characters (copied text and screen
// readers keep them): a four-per-em space is about TeX's medium space (2/9
// em), a three-per-em its thick one (5/18 em), a six-per-em its thin one.
const SPACED = { bin: (t) => `\u2005${t}\u2005`, rel: (t) => `\u2004${t}\u2004`, punct: (t) => `${t}\u2006` };

// Read where the scan is (sticky: no copy of the rest of the text per character).
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:e([−+-]?\d+))?/y;   // format.js fmt: 0.25, 1.5e−5
const NAME = /\p{L}[\p{L}\d_]*/uy;
const BRACKETS = /(?:\[\d+\])+/y;           // engine.nn's w[1][0][2] → w_{[1][0][2]}
const INDEXED = /^(\p{L})_?(\d+)$/u;        // notation.py: u20, x_1 → u_{20}, x_{1}

/** `pattern` (sticky) matched at `at` in `text`, or null. */
function matchAt(pattern, text, at) {
  pattern.lastIndex = at;
  return pattern.exec(text);
}

/** The runs of `text`: [{ text, kind }], kind one of it (math italic), rm
    (upright), sub (lowered index), prime, raised (y*, an exponent), bin,
    rel, punct. Names follow engine/notation.py's rules for TeX. */
export function mathTokens(text) {
  const tokens = [];
  const push = (kind, t) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind && kind !== 'bin' && kind !== 'rel' && kind !== 'sub') last.text += t;
    else tokens.push({ text: t, kind });
  };
  let i = 0;
  while (i < text.length) {
    const c = String.fromCodePoint(text.codePointAt(i));
    let number;
    let name;
    if (/\s/.test(c)) {
      i += c.length;
      continue;
    }
    if (c === '+' && text[i + 1] === '=') {
      push('rel', '+=');
      i += 2;
      continue;
    }
    if (RELATIONS.has(c)) {
      push('rel', c);
    } else if (BINARY.has(c)) {
      // A minus is unary after a relation, an operator, a comma or an opening.
      const before = tokens[tokens.length - 1];
      const unary = c === '−' && (!before || ['bin', 'rel', 'punct'].includes(before.kind)
        || OPENING.has(before.text.slice(-1)));
      push(unary ? 'rm' : 'bin', c);
    } else if (c === ',' || c === ';') {
      push('punct', c);
    } else if (c === '*') {
      push('raised', c);
    } else if (c === '′') {
      push('prime', c);
    } else if ((number = matchAt(NUMBER, text, i))) {
      const [whole, exponent] = number;
      i += whole.length;
      if (exponent === undefined) {
        push('rm', whole);
      } else {   // 1.5e−5 as KaTeX set it: 1.5 × 10⁻⁵
        push('rm', whole.slice(0, whole.indexOf('e')));
        push('bin', '×');
        push('rm', '10');
        tokens.push({ text: exponent.replace('-', '−'), kind: 'raised' });
      }
      continue;
    } else if ((name = matchAt(NAME, text, i))) {
      const [whole] = name;
      i += whole.length;
      const indexed = INDEXED.exec(whole);
      if (indexed) {
        push('it', indexed[1]);
        tokens.push({ text: indexed[2], kind: 'sub' });
      } else {
        push([...whole].length === 1 ? 'it' : 'rm', whole);   // TeX's \mathrm for a longer name
      }
      const brackets = matchAt(BRACKETS, text, i);
      if (brackets) {
        tokens.push({ text: brackets[0], kind: 'sub' });
        i += brackets[0].length;
      }
      continue;
    } else {
      push('rm', c);   // brackets, ², …, /
    }
    i += c.length;
  }
  return tokens;
}

// Runs set upright in the line's own font: neighbours of these kinds share one text node.
const UPRIGHT = new Set(['rm', 'bin', 'rel', 'punct']);

/** `target` shows `text` set in spans (textContent only: the text is user
    text). Upright runs are plain text between the spans that change the
    font or the baseline: a flow is then about a dozen boxes to lay out. */
export function setMathText(target, text) {
  target.textContent = '';
  target.classList.add('math-text');
  let upright = '';
  for (const { text: t, kind } of mathTokens(text)) {
    const spaced = SPACED[kind] ? SPACED[kind](t) : t;
    if (UPRIGHT.has(kind)) {
      upright += spaced;
      continue;
    }
    if (upright) target.append(upright);
    upright = '';
    const span = document.createElement('span');
    span.className = kind;
    span.textContent = spaced;
    target.appendChild(span);
  }
  if (upright) target.append(upright);
}
