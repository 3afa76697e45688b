/* Where the arrows' labels go (static/js/labels.js), on the course's
   documents and on the views of micrograd's MLP with groups collapsed
   (tests/js/group_fixtures.py), with estimated sizes (no page to measure
   in): no label placed over another label, a chip or a node; a quiet
   arrow (one of many out of one node) has no text to measure. */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { decodeDocument } from '../../static/js/document_codec.js';
import { edgeGeometry, shapeOf } from '../../static/js/geometry.js';
import { viewDocument } from '../../static/js/group_document.js';
import { placeDrawn } from '../../static/js/group_layout.js';
import { defaultExpanded, drawnGraph, groupTree, toggled } from '../../static/js/group_view.js';
import { estimatedSizes, labelTexts, placeLabels, pointGrid } from '../../static/js/labels.js';
import { placeDocument } from '../../static/js/layout.js';
import { fixtures, ROOT, seeded } from './support.mjs';

const python = process.env.CHAINRULE_PYTHON || `${ROOT}.venv/bin/python`;
const grouped = JSON.parse(execFileSync(python, ['tests/js/group_fixtures.py'], { cwd: ROOT, maxBuffer: 64 << 20 }).toString());

/** The drawn documents: each course example as the page places it, and
    the MLP's view opened as the page opens it, then with one neuron open. */
function drawings() {
  const out = [];
  for (const [name, doc] of Object.entries(fixtures().documents)) {
    placeDocument(doc);
    out.push([name, doc]);
  }
  for (const [name, raw] of Object.entries(grouped)) {
    const doc = decodeDocument(raw);
    const tree = groupTree(doc);
    const open = defaultExpanded(doc, undefined, tree);
    const neuron = doc.groups.find((g) => !open.has(g.id) && g.label.startsWith('neuron'));
    for (const [what, set] of [['opened', open], ['one neuron open', neuron ? toggled(open, neuron.id) : open]]) {
      const drawn = drawnGraph(doc, set, tree);
      out.push([`${name}, ${what}`, viewDocument(doc, drawn, placeDrawn(doc, drawn))]);
    }
  }
  return out;
}

const place = (doc) => placeLabels(doc, edgeGeometry(doc), estimatedSizes(doc, labelTexts(doc)));
const meets = (a, b) => Math.min(a[2], b[2]) > Math.max(a[0], b[0]) && Math.min(a[3], b[3]) > Math.max(a[1], b[1]);

test('no placed label covers another label or a node', () => {
  for (const [name, doc] of drawings()) {
    const places = place(doc);
    const labels = places.flatMap((p, i) => (p.boxes || []).map((box) => ({ box, edge: i })));
    assert.ok(labels.length > 0, name);
    for (let a = 0; a < labels.length; a += 1) {
      for (let b = a + 1; b < labels.length; b += 1) {
        assert.ok(!meets(labels[a].box, labels[b].box), `${name}: labels of arrows ${labels[a].edge} and ${labels[b].edge} meet`);
      }
    }
    for (const node of doc.nodes) {
      const s = shapeOf(node);
      const [hw, hh] = s.circle ? [s.r, s.r] : [s.w / 2, s.h / 2];
      const box = [node.x - hw, node.y - hh, node.x + hw, node.y + hh];
      for (const label of labels) assert.ok(!meets(label.box, box), `${name}: a label of arrow ${label.edge} covers node ${node.id}`);
    }
  }
});

test('a quiet arrow has no text to measure, and shows none', () => {
  let quiet = 0;
  for (const [name, doc] of drawings()) {
    const texts = labelTexts(doc);
    const places = place(doc);
    doc.edges.forEach((edge, i) => {
      if (!edge.quiet) return;
      quiet += 1;
      assert.deepEqual(texts.names[i], [['', '']], name);
      assert.deepEqual(texts.grads[i], [['', '']], name);
      assert.ok(places[i].name.crowded && places[i].grad.crowded, name);
    });
  }
  assert.ok(quiet > 0, 'the MLP view has quiet arrows');
});

test('the lines\' point grid finds every point in its cell, in the order given, however vast the graph', () => {
  const random = seeded(5).next;
  for (const extent of [2000, 4e6]) {   // 24-unit cells; cells widened to stay under 4 million
    const traces = [0, 1, 2].map(() => Float64Array.from({ length: 400 }, () => (random() - 0.3) * extent));
    const grid = pointGrid(traces);
    assert.equal(grid.size === 24, extent === 2000, `cell size ${grid.size} for extent ${extent}`);
    const seen = new Map();
    traces.forEach((trace, t) => {
      for (let k = 0; k < trace.length; k += 2) {
        const cell = grid.cell(Math.floor(trace[k] / grid.size), Math.floor(trace[k + 1] / grid.size));
        assert.ok(cell >= 0);
        const at = seen.get(cell) ?? grid.starts[cell];
        assert.deepEqual([grid.xy[at], grid.xy[at + 1]], [trace[k], trace[k + 1]], `trace ${t}, point ${k / 2}`);
        seen.set(cell, at + 2);
      }
    });
    for (const [cell, end] of seen) assert.equal(end, grid.starts[cell + 1]);
    assert.equal(grid.cell(Math.floor(-extent / grid.size) - 1, 0), -1);
  }
  assert.equal(pointGrid([new Float64Array(0)]), null);
});
