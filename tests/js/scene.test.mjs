/* The frame of each step (static/js/scene.js sceneOf) on documents the app
   makes at test time (tests/js/fixtures.py): the seven course examples and
   a few expressions (a node used twice, data inputs, a chain, inf and nan).
   Every frame of every document is checked; numbers are compared exactly
   (Object.is: the page writes the document's numbers, it never recomputes). */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { num } from '../../static/js/format.js';
import { accumulates, passesOf, sceneOf } from '../../static/js/scene.js';
import { fixtures } from './support.mjs';

const { documents } = fixtures();

const same = (a, b, what) => assert.ok(Object.is(a, b), `${what}: ${a} is not ${b}`);
const known = (array) => array.flatMap((x, i) => (x === undefined ? [] : [i]));
const sorted = (items) => [...items].sort((a, b) => a - b);

for (const [name, doc] of Object.entries(documents)) {
  describe(`the scenes of ${name}`, () => {
    const passes = passesOf(doc);
    const { forward_steps: forward, backward_steps: backward } = passes;
    const leaves = doc.nodes.filter((n) => n.kind !== 'op').map((n) => n.id);

    test('the passes split the steps, one forward step per op and one backward step per node that needs a gradient', () => {
      assert.equal(forward.length + backward.length, doc.steps.length);
      assert.deepEqual(sorted(forward.map((s) => s.node)), doc.nodes.filter((n) => n.kind === 'op').map((n) => n.id));
      assert.deepEqual(sorted(backward.map((s) => s.node)), doc.nodes.filter((n) => n.grad !== null).map((n) => n.id));
    });

    test('forward step k: the inputs and the first k ops have their values, the k-th is current', () => {
      for (let k = 0; k <= forward.length; k += 1) {
        const scene = sceneOf(doc, passes, { pass: 'forward', step: k, runs: 1 });
        const done = forward.slice(0, k);
        assert.deepEqual(known(scene.value), sorted([...leaves, ...done.map((s) => s.node)]), `step ${k}`);
        for (const s of done) same(scene.value[s.node], num(s.value), `value of node ${s.node}`);
        for (const id of leaves) same(scene.value[id], num(doc.nodes[id].value), `input ${id}`);
        assert.equal(scene.current, k === 0 ? null : forward[k - 1].node);
        const into = doc.edges.filter((e) => e.target === scene.current).map((e) => e.id);
        assert.deepEqual(sorted(scene.activeEdges), sorted(into));
        assert.deepEqual(known(scene.grad), []);
        assert.equal(scene.flowed.size, 0);
      }
      const last = sceneOf(doc, passes, { pass: 'forward', step: forward.length, runs: 1 });
      doc.nodes.forEach((node) => same(last.value[node.id], num(node.value), `value of ${node.label}`));
    });

    test('backward step k: every value, the gradients of the first k steps, the flows along their edges', () => {
      for (let k = 0; k <= backward.length; k += 1) {
        const scene = sceneOf(doc, passes, { pass: 'backward', step: k, runs: 1 });
        doc.nodes.forEach((node) => same(scene.value[node.id], num(node.value), `value of ${node.label}`));
        const done = backward.slice(0, k);
        assert.deepEqual(known(scene.grad), sorted(done.map((s) => s.node)), `step ${k}`);
        for (const s of done) {
          same(scene.grad[s.node], num(s.grad), `gradient of node ${s.node}`);
          for (const f of s.flows) {
            const shown = scene.flowed.get(f.edge);
            same(shown.upstream, num(s.grad), 'upstream');
            same(shown.contribution, num(f.contribution), 'contribution');
            same(shown.contribution, shown.upstream * shown.local_grad, 'upstream × local');
          }
        }
        assert.equal(scene.flowed.size, done.reduce((n, s) => n + s.flows.length, 0));
        const current = k === 0 ? null : backward[k - 1];
        assert.equal(scene.current, current ? current.node : null);
        assert.deepEqual(sorted(scene.activeEdges), sorted(current ? current.received.map((r) => r.edge) : []));
        assert.deepEqual(sorted(scene.activeFlows), sorted(current ? current.flows.map((f) => f.edge) : []));
      }
    });

    test('at the end of the backward pass every gradient is the document\'s, and the inputs\' are its gradients', () => {
      const scene = sceneOf(doc, passes, { pass: 'backward', step: backward.length, runs: 1 });
      for (const node of doc.nodes) if (node.grad !== null) same(scene.grad[node.id], num(node.grad), `gradient of ${node.label}`);
      for (const [input, g] of Object.entries(doc.gradients)) {
        const node = doc.nodes.find((n) => n.name === input);
        same(scene.shownGrad[node.id], num(g), `d output / d ${input}`);
      }
    });

    test('a node\'s gradient is the sum of what it received, in the order it came', () => {
      const running = new Map();
      for (const s of backward) {
        if (running.has(s.node)) same(num(s.grad), running.get(s.node), `gradient of node ${s.node}`);
        for (const f of s.flows) {
          const before = running.get(f.child) ?? 0;
          same(num(f.grad_after), before + num(f.contribution), `running sum at node ${f.child}`);
          running.set(f.child, num(f.grad_after));
        }
      }
    });

    test('backward() run three times: the parameters show three times their gradient, the ops once', () => {
      const end = sceneOf(doc, passes, { pass: 'backward', step: backward.length, runs: 3 });
      const start = sceneOf(doc, passes, { pass: 'backward', step: 0, runs: 3 });
      for (const node of doc.nodes) {
        if (node.grad === null) continue;
        const g = num(node.grad);
        if (accumulates(node)) {
          same(end.shownGrad[node.id], 3 * g, `${node.label} after the third run`);
          same(start.shownGrad[node.id], 2 * g, `${node.label} held from two runs`);
          assert.equal(end.accumulated[node.id], true);
        } else {
          same(end.shownGrad[node.id], g, `${node.label} (an op) once`);
          assert.equal(start.shownGrad[node.id], undefined);
          assert.equal(end.accumulated[node.id], false);
        }
      }
    });
  });
}

test('a node used twice receives both contributions in one step (y = x*x + x at x = 3)', () => {
  const doc = documents['used-twice'];
  const passes = passesOf(doc);
  const x = doc.nodes.find((n) => n.name === 'x');
  const k = passes.backwardIndex.get(x.id) + 1;
  const scene = sceneOf(doc, passes, { pass: 'backward', step: k, runs: 1 });
  assert.equal(scene.current, x.id);
  assert.equal(scene.activeEdges.size, 3);   // from the sum, and twice from the product
  assert.equal(scene.grad[x.id], 7);          // 2x + 1
});

test('overflow and undefined values stay inf and nan in the scene', () => {
  const doc = documents.overflow;
  const passes = passesOf(doc);
  const scene = sceneOf(doc, passes, { pass: 'forward', step: passes.forward_steps.length, runs: 1 });
  const byName = (name) => scene.value[doc.nodes.find((n) => n.name === name || n.label === name).id];
  assert.equal(byName('w'), 1000);
  const values = scene.value.filter((v) => v !== undefined);
  assert.ok(values.includes(Infinity), 'exp(1000) is inf');
  assert.ok(values.some(Number.isNaN), 'log(-1) is nan');
});
