/* The drawn graph of a grouped document (static/js/group_view.js) and the
   document made of it (group_document.js), on documents the engine makes at
   test time (tests/js/group_fixtures.py): micrograd's MLP(2, [16, 16, 1]),
   a small MLP and a named intermediate. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

import { decodeDocument } from '../../static/js/document_codec.js';
import { viewDocument } from '../../static/js/group_document.js';
import { layoutInput, placeDrawn } from '../../static/js/group_layout.js';
import {
  DRAWN_LIMIT, defaultExpanded, drawnGraph, expandedFrom, groupKey, groupTree, openList, toggled,
} from '../../static/js/group_view.js';
import { num } from '../../static/js/format.js';
import { passesOf, sceneOf } from '../../static/js/scene.js';
import { ROOT } from './support.mjs';

const python = process.env.CHAINRULE_PYTHON || (existsSync(`${ROOT}.venv/bin/python`) ? `${ROOT}.venv/bin/python` : 'python3');
const made = JSON.parse(execFileSync(python, ['tests/js/group_fixtures.py'], { cwd: ROOT, maxBuffer: 64 << 20 }).toString());
// Decoded as the page decodes them (document_codec.js): version 3 leaves ids and steps to the rules.
const documents = Object.fromEntries(Object.entries(made).map(([name, doc]) => [name, decodeDocument(doc)]));
const TOLERANCE = 1e-12;

function everyExpandedSet(doc) {
  const ids = doc.groups.map((g) => g.id);
  return [new Set(), new Set(ids), defaultExpanded(doc), new Set(ids.filter((id) => id % 2)), new Set(ids.filter((id) => id % 3))];
}

test('every node is in exactly one drawn item, and every drawn item holds a node', () => {
  for (const [name, doc] of Object.entries(documents)) {
    const tree = groupTree(doc);
    for (const open of everyExpandedSet(doc)) {
      const drawn = drawnGraph(doc, open, tree);
      const keys = new Set(drawn.items.map((item) => item.key));
      assert.equal(keys.size, drawn.items.length, `${name}: an item is drawn twice`);
      const held = new Map();
      for (const node of doc.nodes) {
        assert.ok(keys.has(drawn.itemOf[node.id]), `${name}: node ${node.id} is in no drawn item`);
        held.set(drawn.itemOf[node.id], (held.get(drawn.itemOf[node.id]) || 0) + 1);
        // In a collapsed group exactly when some group holding it is collapsed.
        const hidden = tree.chainOf[node.id].some((id) => !open.has(id));
        assert.equal(typeof drawn.itemOf[node.id] === 'string', hidden);
      }
      for (const item of drawn.items) assert.ok(held.get(item.key) > 0, `${name}: ${item.key} holds no node`);
    }
  }
});

test('edges join drawn items, none inside a collapsed group, none twice into or out of one', () => {
  for (const [name, doc] of Object.entries(documents)) {
    for (const open of everyExpandedSet(doc)) {
      const drawn = drawnGraph(doc, open);
      const pairs = new Set();
      let covered = 0;
      for (const e of drawn.edges) {
        assert.notEqual(e.source, e.target);
        if (typeof e.source === 'string' || typeof e.target === 'string') {
          assert.ok(!pairs.has(`${e.source}>${e.target}`), `${name}: a parallel edge ${e.source}>${e.target}`);
          pairs.add(`${e.source}>${e.target}`);
        }
        for (const id of e.edges) {
          assert.equal(drawn.itemOf[doc.edges[id].source], e.source);
          assert.equal(drawn.itemOf[doc.edges[id].target], e.target);
        }
        covered += e.edges.length;
      }
      const inside = doc.edges.filter((e) => drawn.itemOf[e.source] === drawn.itemOf[e.target]).length;
      assert.equal(covered + inside, doc.edges.length, `${name}: an edge is lost`);
    }
  }
});

test('a big graph opens at the deepest level that shows at most about 60 nodes; a small one fully', () => {
  const big = documents['mlp-16-16-1'];
  assert.ok(big.nodes.length > 900, `MLP(2, [16, 16, 1]) has ${big.nodes.length} nodes`);
  const open = defaultExpanded(big);
  const drawn = drawnGraph(big, open);
  assert.ok(drawn.items.length <= DRAWN_LIMIT, `${drawn.items.length} drawn`);
  const labels = big.groups.filter((g) => open.has(g.id)).map((g) => g.label).sort();
  assert.deepEqual(labels, ['MLP', 'layer 0', 'layer 1', 'layer 2']);   // neurons collapsed
  assert.equal(drawn.items.filter((i) => i.kind === 'group').length, 33);
  // One level deeper would show too many.
  const deeper = new Set([...open, ...big.groups.filter((g) => g.label.startsWith('neuron')).map((g) => g.id)]);
  assert.ok(drawnGraph(big, deeper).items.length > DRAWN_LIMIT);
  for (const name of ['neuron', 'mlp-3-2-1']) {
    const doc = documents[name];
    if (doc.nodes.length <= DRAWN_LIMIT) assert.equal(defaultExpanded(doc).size, doc.groups.length);
  }
});

test('boxes: the expanded groups whose ancestors are expanded, members drawn directly inside', () => {
  const doc = documents['mlp-3-2-1'];
  const tree = groupTree(doc);
  const layer0 = doc.groups.find((g) => g.label === 'layer 0');
  const mlp = doc.groups.find((g) => g.label === 'MLP');
  const drawn = drawnGraph(doc, new Set([mlp.id, layer0.id]));
  assert.deepEqual(drawn.boxes.map((b) => b.id), [groupKey(mlp.id), groupKey(layer0.id)]);
  const box = drawn.boxes[1];
  assert.equal(box.parent, groupKey(mlp.id));
  const direct = doc.nodes.filter((n) => n.group === layer0.id).map((n) => n.id);
  assert.deepEqual(box.members.sort(), [...tree.children.get(layer0.id).map(groupKey), ...direct].sort());
  // A box is not drawn inside a collapsed group.
  assert.deepEqual(drawnGraph(doc, new Set([layer0.id])).boxes, []);
});

test('the expanded set reads from and writes to the URL, unknown ids dropped', () => {
  const doc = documents['mlp-3-2-1'];
  assert.deepEqual(expandedFrom(doc, null), defaultExpanded(doc));
  assert.deepEqual(openList(expandedFrom(doc, ['2', '0', '999'])), ['0', '2']);
  assert.deepEqual(openList(toggled(new Set([0, 2]), 2)), ['0']);
  assert.deepEqual(openList(toggled(new Set([0]), 5)), ['0', '5']);
});

test('layoutGraph places every item once, boxes around their members', () => {
  const doc = documents['mlp-16-16-1'];
  const drawn = drawnGraph(doc, defaultExpanded(doc));
  const placed = placeDrawn(doc, drawn);
  const places = new Set();
  for (const item of drawn.items) {
    assert.ok(Number.isFinite(placed.x[item.key]) && Number.isFinite(placed.y[item.key]));
    const at = `${placed.x[item.key]},${placed.y[item.key]}`;
    assert.ok(!places.has(at), `two items at ${at}`);
    places.add(at);
  }
  for (const box of drawn.boxes) {
    const r = placed.boxes[box.id];
    for (const m of box.members) {
      assert.ok(placed.x[m] > r.x && placed.x[m] < r.x + r.width && placed.y[m] > r.y && placed.y[m] < r.y + r.height);
    }
  }
  // The contract's input: every edge between listed nodes.
  const input = layoutInput(doc, drawn);
  const ids = new Set(input.nodes.map((n) => n.id));
  assert.ok(input.edges.every((e) => ids.has(e.source) && ids.has(e.target)));
  assert.ok(input.boxes.every((b) => b.members.every((m) => ids.has(m))));
});

test('a collapsed group steps once each pass: its inputs get the engine gradients through it', () => {
  const doc = documents['mlp-16-16-1'];
  const drawn = drawnGraph(doc, defaultExpanded(doc));
  const view = viewDocument(doc, drawn, placeDrawn(doc, drawn));
  const passes = passesOf(view);
  assert.equal(passes.forward_steps.length, drawn.items.filter((i) => i.kind === 'group' || i.node.kind === 'op').length);
  const stepped = new Set(doc.steps.filter((s) => s.pass === 'backward').map((s) => s.node));
  assert.equal(passes.backward_steps.length, drawn.items.filter((i) => i.kind === 'group' || stepped.has(i.node.id)).length);
  // At the end of the backward pass each drawn node shows the engine's gradient.
  const scene = sceneOf(view, passes, { pass: 'backward', step: passes.backward_steps.length, runs: 1 });
  for (const node of view.nodes) {
    const truth = node.kind === 'group' ? num(node.grad) : num(doc.nodes[node.ref].grad);
    if (truth === undefined || truth === null) continue;
    assert.ok(Math.abs(scene.grad[node.id] - truth) <= TOLERANCE * Math.max(1, Math.abs(truth)), `${node.label}: ${scene.grad[node.id]} vs ${truth}`);
  }
  // The inputs x0 and x1 get their whole gradient from the 16 neurons of layer 0, in parts.
  for (const label of ['x0', 'x1']) {
    const x = view.nodes.find((n) => n.label === label);
    const parts = passes.backward_steps.flatMap((s) => s.flows.filter((f) => f.child === x.id).map((f) => f.contribution));
    assert.equal(parts.length, 16);
    const sum = parts.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - num(doc.nodes[x.ref].grad)) <= TOLERANCE);
  }
  // Every step of the view writes its chain rule, plain nodes' steps as the document's.
  for (const s of [...passes.forward_steps, ...passes.backward_steps]) assert.ok(s.text && s.tex, `step ${s.pass} ${s.index}`);
  // Backward, a group's step writes the gradient arriving at each of its outputs: their own steps.
  for (const s of passes.backward_steps) {
    const node = view.nodes[s.node];
    if (node.kind !== 'group') continue;
    const arriving = node.group.outputs.map((o) => doc.steps.find((t) => t.pass === 'backward' && t.node === o)).filter(Boolean);
    assert.equal(s.text, arriving.map((t) => t.text).join('; '));
    assert.ok(arriving.length && s.text.startsWith(`${doc.nodes[node.group.outputs[0]].label}′ = `), s.text);
  }
  // A group's forward step comes after its inputs' steps.
  const doneAt = new Map(passes.forward_steps.map((s, k) => [s.node, k]));
  for (const s of passes.forward_steps) for (const i of s.inputs) if (doneAt.has(i)) assert.ok(doneAt.get(i) < doneAt.get(s.node));
});

test('fully expanded, the document itself is drawn', () => {
  const doc = documents.neuron;
  const drawn = drawnGraph(doc, defaultExpanded(doc));
  assert.equal(viewDocument(doc, drawn, placeDrawn(doc, drawn)), doc);
});
