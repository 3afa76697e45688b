/* The heat-map's scale (static/js/heatmap.js): |gradient| on a log scale,
   from the document's smallest non-zero |gradient| to its largest. */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { heatLevel, heatScale, heatScaleOf, legendStops, LEVELS } from '../../static/js/heatmap.js';
import { fixtures } from './support.mjs';

test('the scale spans the non-zero, finite |gradients|, signs ignored', () => {
  assert.deepEqual(heatScale([0.5, -20, 0, NaN, Infinity, 1e-3]), { lo: 1e-3, hi: 20 });
  assert.equal(heatScale([0, 0]), null);
  assert.equal(heatScale([]), null);
});

test('levels cut log10 |g| into equal bins; ends, zero and nan have their own', () => {
  const scale = { lo: 1e-6, hi: 1 };   // 6 decades: one level per decade
  assert.equal(heatLevel(1e-6, scale), '0');
  assert.equal(heatLevel(-3e-6, scale), '0');
  assert.equal(heatLevel(1e-5, scale), '1');
  assert.equal(heatLevel(0.5e-2, scale), '3');
  assert.equal(heatLevel(0.99, scale), '5');
  assert.equal(heatLevel(1, scale), '5');            // the top edge is in the top bin
  assert.equal(heatLevel(7, scale), '5');            // accumulated runs: past the end
  assert.equal(heatLevel(1e-9, scale), '0');
  assert.equal(heatLevel(0, scale), 'zero');
  assert.equal(heatLevel(NaN, scale), 'nan');
  assert.equal(heatLevel(-Infinity, scale), String(LEVELS - 1));
  assert.equal(heatLevel(undefined, scale), null);   // not reached by the backward pass yet
  assert.equal(heatLevel(2, { lo: 2, hi: 2 }), String(LEVELS - 1));   // one magnitude only
});

test('the legend\'s stops run from lo to hi exactly, equal steps in log10', () => {
  const stops = legendStops({ lo: 1e-6, hi: 1 });
  assert.equal(stops.length, LEVELS + 1);
  assert.equal(stops[0], 1e-6);
  assert.equal(stops[LEVELS], 1);
  for (let k = 1; k < LEVELS; k += 1) assert.ok(Math.abs(Math.log10(stops[k]) - (k - 6)) < 1e-12);
  assert.deepEqual(legendStops(null), []);
});

test('a document\'s scale is its nodes\' gradients (the simple example: 2(y − y*) … )', () => {
  const doc = fixtures().documents.simple;
  const grads = doc.nodes.filter((n) => n.grad !== null).map((n) => Math.abs(Number(n.grad))).filter((g) => g > 0);
  const scale = heatScaleOf(doc);
  assert.equal(scale.lo, Math.min(...grads));
  assert.equal(scale.hi, Math.max(...grads));
  assert.ok(scale.hi > scale.lo);
});
