/* The page's layout (static/js/layout.js) on documents the app makes at test
   time (tests/js/fixtures.py): the slides' conventions on the course
   examples, no crossing edges there, every node inside the canvas, and
   groups drawn as boxes that hold their members and nothing else. Distances
   are compared exactly: the layout works in whole multiples of its gaps. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BOX_PAD, LAYER_GAP, MARGIN, ROW_GAP, layoutGraph, placeDocument } from '../../static/js/layout.js';
import { fixtures, seeded } from './support.mjs';

const { documents } = fixtures();
const COURSE = ['simple', 'add-bias', 'practical', 'challenge-1', 'challenge-2', 'linear-regression', 'challenge-2-solution'];

const graphOf = (doc, boxes = []) => ({
  nodes: doc.nodes.map((n) => ({ id: n.id, kind: n.kind })),
  edges: doc.edges.map((e) => ({ source: e.source, target: e.target })),
  output: doc.output,
  boxes,
});
const byLabel = (doc) => Object.fromEntries(doc.nodes.map((n) => [n.label, n]));

/** Pairs of edges (straight segments through their bends) that cross away from a shared node. */
function crossings(placed, edges) {
  const segments = [];
  const pairs = new Set(edges.map((e) => `${e.source}>${e.target}`));
  for (const key of pairs) {
    const [s, t] = key.split('>').map(Number);
    const points = [[placed.x[s], placed.y[s]], ...(placed.bends.get(key) || []), [placed.x[t], placed.y[t]]];
    for (let i = 0; i + 1 < points.length; i += 1) segments.push([points[i], points[i + 1], s, t]);
  }
  const orient = (p, q, r) => Math.sign(Math.round(((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])) * 1e9));
  let count = 0;
  for (let i = 0; i < segments.length; i += 1) {
    for (let j = i + 1; j < segments.length; j += 1) {
      const [a, b, s1, t1] = segments[i];
      const [c, d, s2, t2] = segments[j];
      if (new Set([s1, t1, s2, t2]).size < 4) continue;
      if (orient(a, b, c) * orient(a, b, d) < 0 && orient(c, d, a) * orient(c, d, b) < 0) count += 1;
    }
  }
  return count;
}

describe('the slides\' conventions', () => {
  test('simple: the chain x → u → v → y → ℓ is one row, w and b stand above the ops they feed', () => {
    const doc = placeDocument(structuredClone(documents.simple));
    const n = byLabel(doc);
    for (const label of ['u', 'v', 'y', 'y − y*', 'ℓ']) assert.equal(n[label].y, n.x.y, label);
    assert.deepEqual([n.w.x, n.w.y], [n.u.x, n.u.y - ROW_GAP]);
    assert.deepEqual([n.b.x, n.b.y], [n.v.x, n.v.y - ROW_GAP]);
    assert.equal(n.v.x - n.u.x, LAYER_GAP);
    assert.ok(n['ℓ'].x > n.y.x, 'the output is on the right');
  });

  for (const slug of COURSE) {
    test(`${slug}: no crossing edges, the loss on the right, parameters above their ops, every node inside the canvas`, () => {
      const doc = documents[slug];
      const placed = layoutGraph(graphOf(doc));
      assert.equal(crossings(placed, doc.edges), 0);
      for (const node of doc.nodes) {
        if (node.id !== doc.output) assert.ok(placed.x[node.id] < placed.x[doc.output], 'the loss is on the right');
        if (node.kind !== 'parameter') continue;   // parameters enter from above the op they feed
        const first = doc.edges.find((e) => e.source === node.id);
        assert.ok(placed.y[node.id] < placed.y[first.target], `${node.label} above its op`);
      }
      const xs = Object.values(placed.x);
      const ys = Object.values(placed.y);
      assert.equal(Math.min(...xs), MARGIN);
      assert.ok(Math.min(...ys) >= MARGIN);
      assert.equal(Math.max(...xs) + MARGIN, placed.width);
      assert.ok(Math.max(...ys) + MARGIN <= placed.height);
    });
  }

  test('the crossing counter sees a crossing', () => {
    const placed = { x: { 0: 0, 1: 0, 2: 100, 3: 100 }, y: { 0: 0, 1: 100, 2: 0, 3: 100 }, bends: new Map() };
    assert.equal(crossings(placed, [{ source: 0, target: 3 }, { source: 1, target: 2 }]), 1);
    assert.equal(crossings(placed, [{ source: 0, target: 2 }, { source: 1, target: 3 }]), 0);
  });
});

describe('any graph', () => {
  test('2,000 random nodes: deterministic, no two nodes on one spot, inside the canvas', () => {
    const random = seeded(7);
    const nodes = Array.from({ length: 40 }, (_, i) => ({ id: i, kind: random.pick(['parameter', 'data', 'constant']) }));
    const edges = [];
    while (nodes.length < 2000) {
      const id = nodes.length;
      const a = random.int(Math.max(0, id - 50), id - 1);
      const b = random.int(Math.max(0, id - 50), id - 1);
      nodes.push({ id, kind: 'op' });
      edges.push({ source: a, target: id }, ...(random.chance(0.7) ? [{ source: b, target: id }] : []));
    }
    const graph = { nodes, edges, output: nodes.length - 1 };
    const placed = layoutGraph(graph);
    assert.deepEqual(layoutGraph(graph), placed);
    const spots = new Set(nodes.map((n) => `${placed.x[n.id]},${placed.y[n.id]}`));
    assert.equal(spots.size, nodes.length);
    for (const n of nodes) {
      assert.ok(placed.x[n.id] >= MARGIN && placed.x[n.id] <= placed.width - MARGIN);
      assert.ok(placed.y[n.id] >= MARGIN && placed.y[n.id] <= placed.height - MARGIN);
    }
  });
});

describe('groups', () => {
  const doc = documents['mlp-2-4-4-1'];
  const boxesOf = (groups) => groups.map((g) => ({
    id: `g${g.id}`, parent: g.parent === null ? null : `g${g.parent}`,
    members: doc.nodes.filter((n) => n.group === g.id).map((n) => n.id),
  }));
  const inside = (box, x, y) => x > box.x && x < box.x + box.width && y > box.y && y < box.y + box.height;
  const ancestors = (group) => {
    const chain = [];
    for (let g = group; g !== null && g !== undefined; g = doc.groups[g].parent) chain.push(`g${g}`);
    return chain;
  };

  test('every group expanded: each node inside its groups\' boxes and no other; sibling boxes apart', () => {
    const placed = layoutGraph(graphOf(doc, boxesOf(doc.groups)));
    assert.equal(Object.keys(placed.boxes).length, doc.groups.length);
    for (const node of doc.nodes) {
      const mine = new Set(ancestors(node.group));
      for (const [id, box] of Object.entries(placed.boxes)) {
        assert.equal(inside(box, placed.x[node.id], placed.y[node.id]), mine.has(id),
          `node ${node.label} (group ${node.group}) against box ${id}`);
      }
    }
    for (const a of doc.groups) {
      for (const b of doc.groups) {
        if (a.id >= b.id || a.parent !== b.parent) continue;
        const [p, q] = [placed.boxes[`g${a.id}`], placed.boxes[`g${b.id}`]];
        const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
        assert.ok(apart, `boxes ${a.label} and ${b.label} overlap`);
      }
    }
  });

  test('a box is its content plus the padding: the nodes of a neuron sit BOX_PAD from its edges', () => {
    const placed = layoutGraph(graphOf(doc, boxesOf(doc.groups)));
    const neuron = doc.groups.find((g) => g.label.startsWith('neuron'));
    const box = placed.boxes[`g${neuron.id}`];
    const members = neuron.members;
    assert.equal(Math.min(...members.map((m) => placed.x[m])) - box.x, BOX_PAD);
    assert.equal(box.x + box.width - Math.max(...members.map((m) => placed.x[m])), BOX_PAD);
  });

  test('collapsed groups are single nodes, laid out like ops, with no box', () => {
    // The view with each layer collapsed: inputs → layer 0 → layer 1 → layer 2 (the output's own group).
    const layers = doc.groups.filter((g) => g.label.startsWith('layer'));
    const layerOf = (node) => {
      const chain = ancestors(node.group);
      return layers.find((l) => chain.includes(`g${l.id}`));
    };
    const unitOf = (node) => { const l = layerOf(node); return l ? `g${l.id}` : node.id; };
    const nodes = [];
    for (const node of doc.nodes) {
      const id = unitOf(node);
      if (!nodes.some((n) => n.id === id)) nodes.push({ id, kind: typeof id === 'string' ? 'group' : node.kind });
    }
    const edges = [];
    for (const e of doc.edges) {
      const [s, t] = [unitOf(doc.nodes[e.source]), unitOf(doc.nodes[e.target])];
      if (s !== t && !edges.some((f) => f.source === s && f.target === t)) edges.push({ source: s, target: t });
    }
    const placed = layoutGraph({ nodes, edges, output: unitOf(doc.nodes[doc.output]) });
    assert.deepEqual(placed.boxes, {});
    const ys = layers.map((l) => placed.y[`g${l.id}`]);
    assert.ok(ys.every((y) => y === ys[0]), 'the layers are one row, as a chain of ops is');
    const xs = layers.map((l) => placed.x[`g${l.id}`]);
    assert.deepEqual(xs.slice(1).map((x, i) => x - xs[i]), layers.slice(1).map(() => LAYER_GAP));
  });
});
