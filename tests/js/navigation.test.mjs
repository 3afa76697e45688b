/* The pure parts of finding one's way: the minimap's mapping
   (static/js/minimap.js) and the search's names (static/js/search.js). */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { mapOf, needsMap, rectOf, toLayout, toMap } from '../../static/js/minimap.js';
import { findName, groupBox, searchIndex } from '../../static/js/search.js';
import { fixtures } from './support.mjs';

const close = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b} (±${tol})`);

test('the minimap keeps the graph\'s proportions and maps back and forth', () => {
  const bounds = { x0: -100, y0: 50, x1: 1900, y1: 550 };   // 2000 × 500
  const map = mapOf(bounds, [200, 120]);
  close(map.scale, 192 / 2000);                             // the width binds
  close(map.width, 200);
  close(map.height, 500 * map.scale + 8);
  for (const p of [[-100, 50], [1900, 550], [0, 300]]) {
    const [x, y] = toLayout(map, toMap(map, p));
    close(x, p[0]); close(y, p[1]);
  }
  assert.deepEqual(toMap(map, [-100, 50]), [4, 4]);
});

test('the view\'s rectangle is clipped to the minimap', () => {
  const map = mapOf({ x0: 0, y0: 0, x1: 1000, y1: 1000 }, [108, 108]);   // scale 0.1
  assert.deepEqual(rectOf(map, [100, 200, 300, 500]), { x: 14, y: 24, width: 20, height: 30 });
  const clipped = rectOf(map, [-500, -500, 2000, 2000]);
  assert.deepEqual(clipped, { x: 0, y: 0, width: 108, height: 108 });
});

test('the minimap is needed only when some of the graph is out of view', () => {
  const bounds = { x0: 0, y0: 0, x1: 100, y1: 100 };
  assert.equal(needsMap(bounds, [-10, -10, 110, 110]), false);
  assert.equal(needsMap(bounds, [-1, -1, 101, 101]), false);
  assert.equal(needsMap(bounds, [10, -10, 110, 110]), true);
  assert.equal(needsMap(bounds, [0, 0, 100, 50]), true);
});

const DOC = {
  nodes: [
    { id: 0, kind: 'parameter', label: 'w[1][3][0]', x: 0, y: 0 },
    { id: 1, kind: 'data', label: 'x', x: 0, y: 100 },
    { id: 2, kind: 'op', label: 'u', x: 100, y: 50 },
    { id: 3, kind: 'constant', label: '2', x: 100, y: 150 },
    { id: 4, kind: 'op', label: 'u', x: 300, y: 60 },
  ],
  groups: [
    { id: 0, label: 'layer 1', parent: null, members: [4] },
    { id: 1, label: 'neuron 1.3', parent: 0, members: [0, 1, 2] },
  ],
};

test('the names: nodes (not constants), then groups, a shared name once', () => {
  assert.deepEqual(searchIndex(DOC), [
    { name: 'w[1][3][0]', node: 0 }, { name: 'x', node: 1 }, { name: 'u', node: 2 },
    { name: 'layer 1', group: 0 }, { name: 'neuron 1.3', group: 1 },
  ]);
});

test('a name is found exactly, then ignoring case and blanks, then by a unique prefix', () => {
  const entries = searchIndex(DOC);
  assert.deepEqual(findName(entries, 'w[1][3][0]'), { name: 'w[1][3][0]', node: 0 });
  assert.deepEqual(findName(entries, '  W[1] [3][0] '), { name: 'w[1][3][0]', node: 0 });
  assert.deepEqual(findName(entries, 'neuron'), { name: 'neuron 1.3', group: 1 });
  assert.equal(findName(entries, 'w[9]'), null);
  assert.equal(findName(entries, ''), null);
  assert.deepEqual(findName(entries, 'u'), { name: 'u', node: 2 });
});

test('a group\'s box holds its members and its subgroups\' members', () => {
  assert.deepEqual(groupBox(DOC, 1), [0, 0, 100, 100]);
  assert.deepEqual(groupBox(DOC, 0), [0, 0, 300, 100]);
});

test('every example\'s document gives names that find themselves', () => {
  for (const doc of Object.values(fixtures().documents)) {
    const entries = searchIndex(doc);
    for (const e of entries) assert.deepEqual(findName(entries, e.name), e);
  }
});
