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

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e([−+-]?\d+))?/;   // format.js fmt: 0.25, 1.5e−5
const NAME = /^\p{L}[\p{L}\d_]*/u;
const INDEXED = /^(\p{L})_?(\d+)$/u;        // notation.py: u20, x_1 → u_{20}, x_{1}
const BRACKETS = /^(?:\[\d+\])+/;           // engine.nn's w[1][0][2] → w_{[1][0][2]}

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
  const chars = [...text];
  for (let i = 0; i < chars.length; i += 1) {
    const c = chars[i];
    const rest = () => chars.slice(i).join('');
    if (/\s/.test(c)) continue;
    if (c === '+' && chars[i + 1] === '=') {
      push('rel', '+=');
      i += 1;
    } else if (RELATIONS.has(c)) {
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
    } else if (NUMBER.test(rest())) {
      const [number, exponent] = NUMBER.exec(rest());
      i += [...number].length - 1;
      if (exponent === undefined) {
        push('rm', number);
      } else {   // 1.5e−5 as KaTeX set it: 1.5 × 10⁻⁵
        push('rm', number.slice(0, number.indexOf('e')));
        push('bin', '×');
        push('rm', '10');
        tokens.push({ text: exponent.replace('-', '−'), kind: 'raised' });
      }
    } else if (NAME.test(rest())) {
      const [name] = NAME.exec(rest());
      i += [...name].length - 1;
      const indexed = INDEXED.exec(name);
      if (indexed) {
        push('it', indexed[1]);
        tokens.push({ text: indexed[2], kind: 'sub' });
      } else {
        push([...name].length === 1 ? 'it' : 'rm', name);   // TeX's \mathrm for a longer name
      }
      const brackets = BRACKETS.exec(chars.slice(i + 1).join(''));
      if (brackets) {
        tokens.push({ text: brackets[0], kind: 'sub' });
        i += brackets[0].length;
      }
    } else {
      push('rm', c);   // brackets, ², …, /
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
    span.textContent = SPACED[kind] ? SPACED[kind](t) : t;
    target.appendChild(span);
  }
}
