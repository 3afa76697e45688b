/* How the page writes numbers and names (static/js/format.js): the slides'
   notation, 4 significant digits, a true minus sign, u′ for gradients. */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { exact, factor, flowText, fmt, isAtomic, mathRuns, num, prime, texNumber, textWidth, wrap } from '../../static/js/format.js';

test('num reads the document\'s numbers, strict JSON\'s inf and nan included', () => {
  assert.equal(num(2.5), 2.5);
  assert.equal(num('Infinity'), Infinity);
  assert.equal(num('-Infinity'), -Infinity);
  assert.ok(Number.isNaN(num('NaN')));
  assert.equal(num(null), undefined);
  assert.equal(num(undefined), undefined);
  assert.equal(num('0.25'), 0.25);
});

test('exact writes every bit, for the data-* attributes tests read', () => {
  assert.equal(exact(0.1 + 0.2), '0.30000000000000004');
  assert.equal(exact(NaN), 'NaN');
  assert.equal(exact(-Infinity), '-Infinity');
});

test('fmt: 4 significant digits, U+2212 minus, no trailing zeros', () => {
  const cases = [
    [80.52863, '80.53'], [161.0592, '161.1'], [-0.99917, '−0.9992'], [0, '0'], [2.25, '2.25'],
    [12345, '12350'], [1e7, '1e7'], [-12345678, '−1.235e7'], [0.0001, '0.0001'], [0.00001234, '1.234e−5'],
    [3, '3'], [1 / 3, '0.3333'], [Infinity, '∞'], [-Infinity, '−∞'], [NaN, 'NaN'], [9999.6, '10000'],
  ];
  for (const [x, text] of cases) assert.equal(fmt(x), text, String(x));
  assert.equal(fmt(undefined), '');
  assert.equal(fmt(null), '');
});

test('numbers inside TeX keep a plain minus and wrap negatives when asked', () => {
  assert.equal(texNumber(-0.5), '-0.5');
  assert.equal(texNumber(-0.5, true), '(-0.5)');
  assert.equal(texNumber(2, true), '2');
  assert.equal(texNumber(Infinity), '\\infty');
  assert.equal(texNumber(-Infinity, true), '(-\\infty)');
  assert.equal(texNumber(NaN), '\\mathrm{NaN}');
});

test('what flows along an arrow: upstream × local derivative', () => {
  assert.equal(flowText(161.0592, 0.5), '161.1 × 0.5');
  assert.equal(flowText(2, -0.25), '2 × (−0.25)');
});

test('a name needs parentheses unless it is one word', () => {
  for (const name of ['u', 'w1', 'ℓ', 'θ', 'x.grad', 'u′', '12']) assert.ok(isAtomic(name), name);
  for (const name of ['y − y*', 'w·x', 'y*', '−x', 'exp(v)']) assert.ok(!isAtomic(name), name);
  assert.equal(wrap('w·x'), '(w·x)');
  assert.equal(prime('u'), 'u′');
  assert.equal(prime('w·x'), '(w·x)′');
  assert.equal(prime('y − y*'), '(y − y*)′');
});

test('the local derivative on an arrow: parentheses only where it would misread', () => {
  assert.equal(factor('x'), '*x');
  assert.equal(factor('1'), '*1');
  assert.equal(factor('2(y − y*)'), '*2(y − y*)');
  assert.equal(factor('−sin s'), '*(−sin s)');
  assert.equal(factor('a + b'), '*(a + b)');
  assert.equal(factor('exp(u + b)'), '*exp(u + b)');
});

test('names are cut into runs to set as TeX would', () => {
  assert.deepEqual(mathRuns('y*'), [{ text: 'y', kind: 'text' }, { text: '*', kind: 'raised' }]);
  assert.deepEqual(mathRuns('w12′'), [{ text: 'w', kind: 'text' }, { text: '12', kind: 'sub' }, { text: '′', kind: 'prime' }]);
  assert.deepEqual(mathRuns('2x'), [{ text: '2', kind: 'digit' }, { text: 'x', kind: 'text' }]);
});

test('text width in em, from the kinds of its characters', () => {
  assert.equal(textWidth(''), 0);
  assert.equal(textWidth('12'), 1);
  assert.equal(textWidth('u = 1'), 0.56 + 0.3 + 0.78 + 0.3 + 0.5);
  assert.ok(textWidth('(w·x)′') > textWidth('w'));
});
