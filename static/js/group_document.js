/* The drawn graph (group_view.js) as a document of its own, so that the
   scene, the drawing and the panel replay it exactly as they replay the
   server's: its nodes are the drawn items (a collapsed group is one node of
   kind "group"), its edges the drawn edges, and its steps the document's,
   with each collapsed group one step of each pass (engine/group_steps.py
   writes its chain rule). A pure function (tests/js/group_view.test.mjs).

   Forward, a group's step stands where its last member was computed;
   backward, where its first member got its gradient (its output). Each step
   keeps `upto`, the index in its pass of the document's step it stands at,
   so the player keeps its place when the expanded set changes.

   With every group expanded the document itself is drawn, unchanged. */

import { num, textWidth } from './format.js';
import { shapeOf } from './geometry.js';
import { groupFace } from './group_view.js';

const ratio = (a, b) => (b === 0 ? 0 : a / b);

export function viewDocument(doc, drawn, placed) {
  if (drawn.items.every((item) => item.kind === 'node')) return withPlace(doc, placed);
  const index = new Map(drawn.items.map((item, i) => [item.key, i]));
  const at = (nodeId) => index.get(drawn.itemOf[nodeId]);
  const nodes = drawn.items.map((item, i) => (item.kind === 'node'
    ? { ...item.node, id: i, ref: item.node.id, x: placed.x[item.key], y: placed.y[item.key] }
    : groupNode(doc, item.group, i, placed.x[item.key], placed.y[item.key])));

  // Edges: each drawn edge once; `edgeOf` finds it from a document edge.
  const edgeOf = new Map();
  const edges = drawn.edges.map((d, j) => {
    const first = doc.edges[d.edges[0]];
    for (const e of d.edges) edgeOf.set(e, j);
    const source = nodes[index.get(d.source)];
    const into = typeof d.target === 'string' || d.edges.length > 1;
    const label = d.edges.every((e) => doc.edges[e].source === first.source) ? first.label : source.label;
    const bend = placed.bends && placed.bends.get(`${d.source}>${d.target}`);
    if (d.edges.length === 1 && !into && typeof d.source === 'number') {
      return { ...first, id: j, source: index.get(d.source), target: index.get(d.target), bends: bend || first.bends || [] };
    }
    return {
      id: j, source: index.get(d.source), target: index.get(d.target), index: first.index, label,
      local_grad: first.local_grad, local_grad_expr: into ? '∂' : first.local_grad_expr,
      local_grad_tex: into ? '\\partial' : first.local_grad_tex, chip: into ? '*∂' : first.chip,
      local_grad_wrapped_tex: into ? '\\partial' : first.local_grad_wrapped_tex,
      requires_grad: d.edges.some((e) => doc.edges[e].requires_grad), bends: bend || [], joins: d.edges,
      chipless: into,   // no one local derivative: no chip (the panel writes the chain rule)
    };
  });

  quietFanOut(nodes, edges);

  const forward = [];
  const backward = [];
  const forwardSteps = doc.steps.filter((s) => s.pass === 'forward');
  const backwardSteps = doc.steps.filter((s) => s.pass === 'backward');
  const lastForward = new Map();
  forwardSteps.forEach((s, k) => lastForward.set(drawn.itemOf[s.node], k));
  forwardSteps.forEach((s, k) => {
    const key = drawn.itemOf[s.node];
    const i = index.get(key);
    if (typeof key === 'number') {
      forward.push(stepLike(s, { index: forward.length, node: i, inputs: s.inputs.map(at), upto: k }));
    } else if (lastForward.get(key) === k) {
      const group = nodes[i].group;
      const inputs = group.inputs.filter((n) => drawn.itemOf[n] !== key);
      forward.push({
        pass: 'forward', index: forward.length, node: i, inputs: inputs.map(at),
        input_values: inputs.map((n) => doc.nodes[n].value), value: nodes[i].value ?? NaN,
        text: group.steps ? group.steps.forward_text : group.label,
        tex: group.steps ? group.steps.forward_tex : `\\text{${group.label}}`, upto: k,
      });
    }
  });
  const done = new Set();
  // Looked up for every collapsed group: each node's backward step, and the
  // first joined edge into a drawn item from a document node.
  const backwardOf = new Map();
  for (const s of backwardSteps) if (!backwardOf.has(s.node)) backwardOf.set(s.node, s);
  const joinedInto = new Map();
  edges.forEach((e, j) => {
    for (const d of e.joins || []) {
      const pair = `${e.target}>${doc.edges[d].source}`;
      if (!joinedInto.has(pair)) joinedInto.set(pair, j);
    }
  });
  backwardSteps.forEach((s, k) => {
    const key = drawn.itemOf[s.node];
    const i = index.get(key);
    if (typeof key === 'number') {
      backward.push(stepLike(s, {
        index: backward.length, node: i, upto: k,
        received: merged(s.received.map((r) => ({ edge: edgeOf.get(r.edge), parent: at(r.parent), contribution: r.contribution }))),
        flows: joinedFlows(s, edgeOf, edges, at),
      }));
    } else if (!done.has(key)) {
      done.add(key);
      backward.push(groupBackward(doc, nodes[i], i, k, { key, drawn, at, edgeOf, edges, backwardOf, joinedInto, index: backward.length }));
    }
  });
  const frames = framesOf(nodes, drawn, placed, index);
  return {
    ...doc, nodes, edges, output: at(doc.output), steps: [...forward, ...backward],
    width: placed.width ?? doc.width, height: placed.height ?? doc.height, drawn,
    drawnIndex: index,   // a drawn item's key → its node here (panel, search)
    frames, obstacles: frames.map((f) => f.header),
  };
}

const FRAME_PAD = 10;      // around the members' shapes
const HEADER = 26;         // a frame's name and its ⊖, above its members
const NAME_SIZE = 13;      // the name's font size (app.css .box-name)

/** The frame of each expanded group: the layout's box, grown to hold its
    members' shapes (the layout places centres) and its nested frames, with
    a header row for its ⊖ and name; innermost first. */
function framesOf(nodes, drawn, placed, index) {
  const depth = new Map();
  for (const b of drawn.boxes) depth.set(b.id, b.parent === null ? 0 : depth.get(b.parent) + 1);
  const byId = new Map();
  for (const box of [...drawn.boxes].sort((a, b) => depth.get(b.id) - depth.get(a.id))) {
    const r = placed.boxes && placed.boxes[box.id];
    if (!r) continue;
    let [x0, y0, x1, y1] = [r.x, r.y, r.x + r.width, r.y + r.height];
    let top = Infinity;
    for (const key of box.members) {
      const node = nodes[index.get(key)];
      const s = shapeOf(node);
      const [hw, hh] = s.circle ? [s.r, s.r] : [s.w / 2, s.h / 2];
      x0 = Math.min(x0, node.x - hw - FRAME_PAD); x1 = Math.max(x1, node.x + hw + FRAME_PAD);
      y1 = Math.max(y1, node.y + hh + FRAME_PAD);
      top = Math.min(top, node.y - hh - FRAME_PAD);
    }
    for (const inner of drawn.boxes.filter((b) => b.parent === box.id && byId.has(b.id))) {
      const f = byId.get(inner.id);
      x0 = Math.min(x0, f.x - FRAME_PAD); x1 = Math.max(x1, f.x + f.width + FRAME_PAD);
      y1 = Math.max(y1, f.y + f.height + FRAME_PAD);
      top = Math.min(top, f.y - FRAME_PAD);
    }
    y0 = Math.min(y0, top - HEADER);
    const nameWidth = 28 + textWidth(box.group.label) * NAME_SIZE * 1.1;
    byId.set(box.id, {
      id: box.id, group: box.group, x: x0, y: y0, width: x1 - x0, height: y1 - y0,
      header: [x0 + 2, y0 + 2, x0 + 6 + nameWidth, y0 + HEADER - 2],
    });
  }
  return [...byId.values()];
}

/** A node with many arrows out (a neuron feeding a layer) writes its name,
    value and gradient on the shortest one only: the same text on sixteen
    crossing arrows is noise, and the panel gives each flow. */
const FAN_OUT = 3;
function quietFanOut(nodes, edges) {
  const out = new Map();
  for (const e of edges) (out.get(e.source) || out.set(e.source, []).get(e.source)).push(e);
  for (const [source, list] of out) {
    if (list.length < FAN_OUT) continue;
    const s = nodes[source];
    const length = (e) => Math.hypot(nodes[e.target].x - s.x, nodes[e.target].y - s.y);
    const keep = list.reduce((a, b) => (length(b) < length(a) ? b : a));
    for (const e of list) if (e !== keep) e.quiet = true;
  }
}

/** A plain node's flows; those along one joined edge (into a collapsed group's output) are one. */
function joinedFlows(step, edgeOf, edges, at) {
  const flows = [];
  const byEdge = new Map();
  for (const f of step.flows) {
    const j = edgeOf.get(f.edge);
    if (!edges[j].joins) {
      flows.push({ ...f, edge: j, child: at(f.child) });
      continue;
    }
    const seen = byEdge.get(j);
    if (seen) {
      seen.contribution += num(f.contribution);
      seen.local_grad = ratio(seen.contribution, num(step.grad));
      continue;
    }
    const flow = { ...f, edge: j, child: at(f.child), contribution: num(f.contribution), local_grad: ratio(num(f.contribution), num(step.grad)) };
    byEdge.set(j, flow);
    flows.push(flow);
  }
  return flows;
}

/** Several contributions along one drawn edge (a joined one) are one. */
function merged(received) {
  const byEdge = new Map();
  for (const r of received) {
    const seen = byEdge.get(r.edge);
    if (seen) seen.contribution = num(seen.contribution) + num(r.contribution);
    else byEdge.set(r.edge, { ...r });
  }
  return [...byEdge.values()];
}

function groupNode(doc, group, id, x, y) {
  const face = groupFace(doc, group);
  const output = face.output;
  const prime = output ? output.prime : `${group.label}′`;
  return {
    id, ref: `g${group.id}`, group, name: null, label: group.label, tex: `\\text{${group.label}}`,
    prime, prime_tex: output ? output.prime_tex : `\\text{${group.label}}'`,
    kind: 'group', op: null, symbol: null, expression: output ? `${group.label}: ${output.label} = ${output.expression}` : `${group.label}: ${face.outputs} outputs`,
    expression_tex: '', value: face.value, grad: face.grad, outputs: face.outputs,
    requires_grad: output ? output.requires_grad : true, is_output: group.outputs.includes(doc.output),
    x, y, warnings: [], members: group.members,
  };
}

function groupBackward(doc, node, i, k, { key, drawn, at, edgeOf, backwardOf, joinedInto, index }) {
  const { group } = node;
  const received = [];
  const arrivals = [];   // the outputs' own backward steps: the gradient arriving at the group
  for (const o of group.outputs) {
    const step = backwardOf.get(o);
    if (!step) continue;
    arrivals.push(step);
    for (const r of step.received) {
      if (drawn.itemOf[r.parent] !== key) received.push({ edge: edgeOf.get(r.edge), parent: at(r.parent), contribution: r.contribution });
    }
  }
  // Several outputs have no one gradient: each flow then carries what it passes on.
  const grad = node.outputs === 1 ? node.grad : null;
  const local = (contribution) => (grad === null ? contribution : ratio(contribution, num(grad)));
  const flows = [];
  const byEdge = new Map();
  for (const f of (group.steps ? group.steps.flows : [])) {
    if (drawn.itemOf[f.child] === key) continue;   // a leaf inside: its gradient stays in the group
    const j = joinedInto.get(`${i}>${f.child}`);
    if (j === undefined) continue;
    const seen = byEdge.get(j);
    if (seen) {
      seen.contribution = num(seen.contribution) + num(f.contribution);
      seen.texts.push(f.text);
      seen.local_grad = local(seen.contribution);
      continue;
    }
    const flow = { edge: j, child: at(f.child), contribution: num(f.contribution), local_grad: local(num(f.contribution)), grad_after: doc.nodes[f.child].grad, text: f.text, texts: [f.text] };
    byEdge.set(j, flow);
    flows.push(flow);
  }
  // The leaves inside (its own parameters) get their gradients here too: the panel lists them.
  const inner = (group.steps ? group.steps.flows : []).filter((f) => drawn.itemOf[f.child] === key);
  return {
    pass: 'backward', index, node: i, grad, received: merged(received), flows, inner, upto: k,
    text: arrivals.length ? arrivals.map((s) => s.text).join('; ') : group.label,
    tex: arrivals.length ? arrivals.map((s) => s.tex).join(';\\quad ') : `\\text{${group.label}}`,
  };
}

/** A copy of a step with other fields; its texts still read from the step,
    which writes them when first asked (document_codec.js: a spread would
    drop those getters). */
function stepLike(step, fields) {
  return Object.defineProperties({ ...step, ...fields }, {
    text: { get: () => step.text, enumerable: true },
    tex: { get: () => step.tex, enumerable: true },
  });
}

/** The document with the layout's places (or its own, when none were given). */
function withPlace(doc, placed) {
  if (!placed || placed.own) return doc;
  return {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, x: placed.x[n.id], y: placed.y[n.id] })),
    edges: doc.edges.map((e) => ({ ...e, bends: (placed.bends && placed.bends.get(`${e.source}>${e.target}`)) || [] })),
    width: placed.width, height: placed.height,
  };
}
