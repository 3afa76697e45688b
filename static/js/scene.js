/* What the graph shows at one frame of the player: a pure function of the
   document and the state (pass, step, runs; numbering in state.js). Values
   and gradients come from the document's steps; nothing is recomputed. The
   accumulation demo only multiplies the parameters' gradients by `runs`. */

import { num } from './format.js';

/** The document's steps, split by pass, and lookups the frames need. */
export function passesOf(doc) {
  const forward_steps = doc.steps.filter((s) => s.pass === 'forward');
  const backward_steps = doc.steps.filter((s) => s.pass === 'backward');
  const backwardIndex = new Map(backward_steps.map((s, k) => [s.node, k]));
  return { forward_steps, backward_steps, backwardIndex };
}

/** Parameters keep .grad across backward() runs (leaves that require a gradient). */
export function accumulates(node) {
  return node.kind !== 'op' && node.kind !== 'group' && node.requires_grad;
}

/** Known before any step: the inputs (a collapsed group waits for its step). */
const given = (node) => node.kind !== 'op' && node.kind !== 'group';

export function sceneOf(doc, passes, state) {
  const { forward_steps, backward_steps } = passes;
  const n = doc.nodes.length;
  const value = new Array(n);
  const grad = new Array(n);        // d(output)/d(node), once its backward step is done
  const shownGrad = new Array(n);   // what the page writes: × runs for parameters
  const flowed = new Map();         // edge id → {upstream, local_grad, contribution}
  const activeEdges = new Set();    // forward: the current node's inputs; backward: what it received
  const activeFlows = new Set();    // backward: the edges the current node's gradient flows along
  let currentStep = null;

  for (const node of doc.nodes) if (given(node)) value[node.id] = num(node.value);

  if (state.pass === 'forward') {
    for (let k = 0; k < state.step; k += 1) value[forward_steps[k].node] = num(forward_steps[k].value) ?? null;
    currentStep = state.step > 0 ? forward_steps[state.step - 1] : null;
    if (currentStep) {
      for (const edge of doc.edges) if (edge.target === currentStep.node) activeEdges.add(edge.id);
    }
  } else {
    for (const node of doc.nodes) value[node.id] = num(node.value) ?? null;   // null: a group of several outputs
    for (let k = 0; k < state.step; k += 1) {
      const s = backward_steps[k];
      grad[s.node] = num(s.grad);
      for (const f of s.flows) {
        flowed.set(f.edge, { upstream: num(s.grad), local_grad: num(f.local_grad), contribution: num(f.contribution) });
      }
    }
    currentStep = state.step > 0 ? backward_steps[state.step - 1] : null;
    if (currentStep) {
      for (const r of currentStep.received) activeEdges.add(r.edge);
      for (const f of currentStep.flows) activeFlows.add(f.edge);
    }
  }

  const runs = state.runs || 1;
  const accumulated = new Array(n).fill(false);
  if (state.pass === 'backward') {
    for (const node of doc.nodes) {
      const g = grad[node.id];
      if (!accumulates(node) || node.grad === null) {
        shownGrad[node.id] = g;
      } else if (g !== undefined) {
        shownGrad[node.id] = runs * g;
        accumulated[node.id] = runs > 1;
      } else if (runs > 1) {
        shownGrad[node.id] = (runs - 1) * num(node.grad);   // held from the runs before
        accumulated[node.id] = true;
      }
    }
  }

  return {
    pass: state.pass,
    step: state.step,
    runs,
    current: currentStep ? currentStep.node : null,
    currentStep,
    value,
    grad,
    shownGrad,
    accumulated,
    flowed,
    activeEdges,
    activeFlows,
  };
}
