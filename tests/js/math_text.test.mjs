/* A collapsed group's flows set from their text as TeX sets them
   (static/js/math_text.js), on the texts engine/group_steps.py writes. */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mathTokens } from '../../static/js/math_text.js';

const runs = (text) => mathTokens(text).map(({ kind, text: t }) => `${kind}:${t}`);

test('a neuron\'s flow: names italic, indices lowered, primes raised, TeX\'s spacing kinds', () => {
  assert.deepEqual(runs('h[0][0]′ += h[1][14]′·[u544 > 0]·w[1][14][0] = −0.322349 × 1 × 0.919622 = −0.296439'), [
    'it:h', 'sub:[0][0]', 'prime:′', 'rel:+=', 'it:h', 'sub:[1][14]', 'prime:′', 'bin:·', 'rm:[', 'it:u', 'sub:544',
    'rel:>', 'rm:0]', 'bin:·', 'it:w', 'sub:[1][14][0]', 'rel:=', 'rm:−0.322349', 'bin:×', 'rm:1', 'bin:×',
    'rm:0.919622', 'rel:=', 'rm:−0.296439',
  ]);
});

test('a minus is unary after a relation, an operator, a comma or an opening, binary otherwise', () => {
  assert.deepEqual(runs('a = −b − c×(−d), −e'), [
    'it:a', 'rel:=', 'rm:−', 'it:b', 'bin:−', 'it:c', 'bin:×', 'rm:(−', 'it:d', 'rm:)', 'punct:,', 'rm:−', 'it:e',
  ]);
});

test('longer names are upright as TeX\'s \\mathrm, y* raises its star, ² stays as written', () => {
  assert.deepEqual(runs('a3′ = h3′·(1 − h3²)·relu(x)'), [
    'it:a', 'sub:3', 'prime:′', 'rel:=', 'it:h', 'sub:3', 'prime:′', 'bin:·', 'rm:(1', 'bin:−', 'it:h', 'sub:3',
    'rm:²)', 'bin:·', 'rm:relu(', 'it:x', 'rm:)',
  ]);
  assert.deepEqual(runs('loss = (y − y*)'), ['rm:loss', 'rel:=', 'rm:(', 'it:y', 'bin:−', 'it:y', 'raised:*', 'rm:)']);
});

test('names as engine/notation.py writes them in TeX: x_1 lowered, longer names upright whole, / ordinary', () => {
  assert.deepEqual(runs('x_1 + y_hat / ab2'), ['it:x', 'sub:1', 'bin:+', 'rm:y_hat/ab2']);
});

test('a number in exponent form is written as KaTeX wrote it, × 10 to the power', () => {
  assert.deepEqual(runs('u′ = 1.5e−5 × 2.5e7'), [
    'it:u', 'prime:′', 'rel:=', 'rm:1.5', 'bin:×', 'rm:10', 'raised:−5', 'bin:×', 'rm:2.5', 'bin:×', 'rm:10', 'raised:7',
  ]);
});

test('every character but the spaces is kept, in order', () => {
  const text = 'w[0][3][1]′ = u20′·[u19 > 0]·(−0.4) = −0.810484 × 0 × (−0.4) = 0, … (3 values) ↦ θ2';
  assert.equal(mathTokens(text).map((t) => t.text).join(''), text.replace(/\s/g, ''));
});
