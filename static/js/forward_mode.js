/* Forward mode beside reverse mode (pass=tangent&seed=w): the document asked
   again with "tangent": {w: 1} carries a third pass, one step per op node in
   forward order, each with the node's tangent (its dual number's second
   part) and the product rule that makes it (engine/tangent.py). The player
   steps through it as through the others (player.js); this module gives the
   frames (tangentScene), writes ẇ = 1 … beside the nodes, and at the end
   compares the cost: n inputs need n forward-mode passes where one reverse
   pass gives every gradient. */

import { fmt, num } from './format.js';
import { parametersOf, requestOf } from './doc_request.js';
import { sceneOf } from './scene.js';

const SVG = 'http://www.w3.org/2000/svg';

export function tangentSteps(doc) {
  return doc.steps.filter((s) => s.pass === 'tangent');
}

/** The forward-mode pass's length, or null when the document has none. */
export function tangentCount(doc) {
  const steps = tangentSteps(doc);
  return steps.length || doc.tangent_seed ? steps.length : null;
}

/** The slides' name for a tangent: ẇ, ẏ*, (y − y*)˙ (as engine/tangent.py writes it). */
export function dotName(label) {
  if (/^[\p{L}][^\s()+·/−\-×^]*$/u.test(label)) return `${label[0]}\u0307${label.slice(1)}`.normalize('NFC');
  return `(${label})˙`;
}

/** The inputs' tangents: the seed direction, by node id. */
function seedOf(doc) {
  const seed = new Map();
  for (const node of doc.nodes) {
    if (node.kind !== 'parameter' && node.kind !== 'data') continue;
    seed.set(node.id, num((doc.tangent_seed || {})[node.name] ?? 0));
  }
  return seed;
}

/** The frame at forward-mode step k: values as forward step k (the same
    nodes in the same order), the tangents known so far, and at step 0 the
    seed as the board's text. */
export function tangentScene(doc, passes, state) {
  const steps = tangentSteps(doc);
  const scene = sceneOf(doc, passes, { ...state, pass: 'forward' });
  const tangent = seedOf(doc);
  for (let k = 0; k < state.step; k += 1) tangent.set(steps[k].node, num(steps[k].tangent));
  const currentStep = state.step > 0 ? steps[state.step - 1] : null;
  const inputs = doc.nodes.filter((n) => tangent.has(n.id) && (n.kind === 'parameter' || n.kind === 'data'));
  const intro = {
    text: `Seed the inputs' tangents: ${inputs.map((n) => `${dotName(n.label)} = ${fmt(tangent.get(n.id))}`).join(', ')}.`,
    tex: inputs.map((n) => `\\dot{${n.tex}} = ${fmt(tangent.get(n.id)).replace('−', '-')}`).join(',\\quad '),
  };
  return {
    ...scene,
    pass: 'tangent',
    drawAs: 'forward',
    count: steps.length,
    current: currentStep ? currentStep.node : null,
    currentStep,
    intro: currentStep ? null : intro,
    tangent,
  };
}

/** What each mode costs on this graph, in operations: a value op per op
    node, and a product of a local derivative with a tangent (forward) or
    with a gradient (reverse) per edge it runs along. */
export function costs(doc) {
  const ops = doc.steps.filter((s) => s.pass === 'forward').length;
  const constant = new Set(doc.nodes.filter((n) => n.kind === 'constant').map((n) => n.id));
  const tangentProducts = doc.edges.filter((e) => !constant.has(e.source)).length;
  const reverseProducts = doc.steps.filter((s) => s.pass === 'backward').reduce((sum, s) => sum + s.flows.length, 0);
  const inputs = parametersOf(doc).length;
  return {
    inputs,
    perForwardPass: ops + tangentProducts,
    forwardMode: inputs * (ops + tangentProducts),
    reverseMode: ops + reverseProducts,
  };
}

/** The closing comparison, in words. */
export function comparison(doc) {
  const cost = costs(doc);
  const output = doc.nodes[doc.output];
  const seeded = Object.entries(doc.tangent_seed || {}).filter(([, v]) => num(v) !== 0).map(([name]) => name);
  const params = parametersOf(doc).map((p) => p.label).join(', ');
  const passes = cost.inputs === 1 ? 'pass' : 'passes';
  return `This pass gave ${dotName(output.label)} = ${fmt(num(doc.tangent))}, the derivative along ${seeded.join(', ') || 'the seed'}: `
    + `one input's gradient per pass. The ${cost.inputs} inputs that need a gradient (${params}) need ${cost.inputs} `
    + `forward-mode ${passes} of ${cost.perForwardPass} operations: ${cost.forwardMode} operations. `
    + `One reverse pass (forward, then backward) gives every gradient at once in ${cost.reverseMode} operations.`;
}

/** The document with forward mode seeded at `seed` (an input's name; the
    first parameter when empty), or {error}. `post` is api.js's postJSON,
    null where there is no server (teach.js). */
export async function withTangent(doc, seed, post) {
  const request = requestOf(doc);
  if (!request) return { error: { message: 'this graph has no source to ask the server with' } };
  if (!post) return { error: { message: 'forward mode needs the chainrule server; this copy has none' } };
  const name = seed || (parametersOf(doc)[0] || {}).name;
  if (!name) return { error: { message: 'this graph has no input to seed' } };
  const answer = await post('/api/graph', { ...request, tangent: { [name]: 1 } });
  return answer.error ? answer : { document: answer.body, seed: name };
}

/** Tangent labels on the nodes (ẇ = 1) and the closing comparison. */
export function setupForwardMode(root, { store, view, post }) {
  const button = root.querySelector('[data-testid="pass-tangent"]');
  const box = root.querySelector('[data-testid="forward-mode"]');
  const status = root.querySelector('[data-testid="forward-mode-status"]');
  const summary = root.querySelector('[data-testid="forward-mode-summary"]');
  const seedSelect = root.querySelector('[data-testid="tangent-seed"]');
  if (!button || !box) return;
  if (!post) button.hidden = true;

  async function open(seed) {
    const doc = view.doc;
    status.textContent = 'Asking for forward mode…';
    const answer = await withTangent(doc, seed, post);
    if (answer.error) {
      status.textContent = `Forward mode is not available: ${answer.error.message}.`;
      return;
    }
    status.textContent = '';
    view.load(answer.document);
    store.update({ seed: answer.seed, pass: 'tangent', step: 0 });
  }

  button.addEventListener('click', () => {
    const doc = view.doc;
    if (tangentCount(doc) !== null) view.player.goPass('tangent');
    else open(store.get().seed);
  });
  seedSelect.addEventListener('change', () => open(seedSelect.value));

  view.onLoad((doc) => {
    seedSelect.textContent = '';
    for (const p of parametersOf(doc)) {
      const option = document.createElement('option');
      option.value = p.name;
      option.textContent = dotName(p.label) + ' = 1';
      seedSelect.appendChild(option);
    }
  });

  view.onPaint((scene, state) => {
    const on = scene.pass === 'tangent';
    button.setAttribute('aria-pressed', String(on));
    box.hidden = !on;
    root.classList.toggle('tangent-pass', on);
    paintTangents(root, view.doc, on ? scene : null);
    if (!on) return;
    const seeded = Object.entries(view.doc.tangent_seed || {}).find(([, v]) => num(v) !== 0);
    if (seeded) seedSelect.value = seeded[0];
    const atEnd = state.step === scene.count;
    summary.hidden = !atEnd;
    if (atEnd) {
      const cost = costs(view.doc);
      summary.textContent = comparison(view.doc);
      summary.dataset.inputs = String(cost.inputs);
      summary.dataset.forwardOps = String(cost.forwardMode);
      summary.dataset.reverseOps = String(cost.reverseMode);
    }
  });
}

/** ẇ = 1 under each node whose tangent is known (none outside forward mode). */
function paintTangents(root, doc, scene) {
  for (const g of root.querySelectorAll('svg.graph g.node')) {
    const id = Number(g.dataset.nodeId);
    let label = g.querySelector('text.tangent-label');
    const known = scene && scene.tangent.has(id) && doc.nodes[id].kind !== 'constant';
    if (!known) {
      if (label) label.remove();
      delete g.dataset.tangent;
      continue;
    }
    const node = doc.nodes[id];
    if (!label) {
      label = document.createElementNS(SVG, 'text');
      label.setAttribute('class', 'tangent-label');
      label.setAttribute('text-anchor', 'middle');
      label.setAttribute('x', String(node.x));
      // Below an op or a data input; above a parameter, whose arrow leaves downwards.
      label.setAttribute('y', String(node.kind === 'parameter' ? node.y - 24 : node.y + (node.kind === 'op' ? 38 : 34)));
      g.appendChild(label);
    }
    const value = scene.tangent.get(id);
    label.textContent = `${dotName(node.label)} = ${fmt(value)}`;
    g.dataset.tangent = String(value);
  }
}
