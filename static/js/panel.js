/* The board under the graph: which step this is, the chain rule of the step
   typeset with KaTeX (the document's `tex`) and where the gradient flows
   next. The gradients of the output are gradients_box.js's. */

import { exact, fmt, isAtomic, num, primeOf, texNumber } from './format.js';
import { setMathText } from './math_text.js';

// Typeset TeX kept by its text: a step shown again (stepping back, the
// player looping, the same rule in another drawing) is cloned, not typeset
// again; KaTeX was most of a step's time. Bounded, oldest out first.
const KEPT_TEX = 1000;
const keptTex = new Map();

/** `tex` typeset, kept (KaTeX's HTML, inline: a long chain rule wraps after its = and +). */
function keptTypeset(tex) {
  let holder = keptTex.get(tex);
  if (!holder) {
    holder = document.createElement('span');
    window.katex.render(tex, holder, { displayMode: false, throwOnError: false, output: 'html' });
    if (keptTex.size >= KEPT_TEX) keptTex.delete(keptTex.keys().next().value);
    keptTex.set(tex, holder);
  }
  return holder;
}

/** `target` holds `tex` typeset. */
function typesetInto(target, tex) {
  target.textContent = '';
  target.append(...keptTypeset(tex).cloneNode(true).childNodes);
}

function typeset(target, tex, text) {
  if (target.last === tex) return;
  target.last = tex;
  target.textContent = '';
  if (!tex) return;
  if (window.katex) typesetInto(target, tex);
  else target.textContent = text;
}

// The flows a board shows at first: a collapsed group's list before it
// scrolls (app.css .group-flows: 9.5em; a flow is a line or two), about as
// many as a plain node's list shows at 1280×720.
const FLOWS_AT_ONCE = 8;

/** A node's gradient in TeX (u', \left(y - y^{*}\right)'), as the document writes it. */
function primeTex(node) {
  return node.prime_tex ?? `${isAtomic(node.label) ? node.tex : `\\left(${node.tex}\\right)`}'`;
}

function item(list, attrs, parts) {
  const li = document.createElement('li');
  for (const [key, value] of Object.entries(attrs)) li.setAttribute(key, value);
  for (const [cls, text] of parts) {
    const span = document.createElement('span');
    if (cls) span.className = cls;
    span.textContent = text;
    li.appendChild(span);
  }
  list.appendChild(li);
  return li;
}

/** The words and the TeX of one frame. */
function explain(doc, passes, scene) {
  const output = doc.nodes[doc.output];
  const step = scene.currentStep;
  if (step) return { text: step.text, tex: step.tex };
  if (scene.intro) return scene.intro;   // forward mode's seed (forward_mode.js)
  if (scene.pass === 'forward') {
    const inputs = doc.nodes.filter((n) => n.kind === 'parameter' || n.kind === 'data');
    return {
      text: `The inputs: ${inputs.map((n) => `${n.label} = ${fmt(num(n.value))}`).join(', ')}.`,
      tex: inputs.map((n) => `${n.tex} = ${texNumber(num(n.value))}`).join(',\\quad '),
    };
  }
  return {
    text: `Start from the output: ${primeOf(output)} = 1. Each node's gradient is the sum, `
      + 'over the arrows leaving it, of the gradient at the arrow\'s end times the local derivative on the arrow.',
    tex: `u' = \\frac{\\partial ${output.tex}}{\\partial u} = \\sum_{u \\to p} p' \\cdot \\frac{\\partial p}{\\partial u}`,
  };
}

/** The rows a panel set to add to `flows` when idle, added never. */
function cancelLaterRows(flows) {
  if (flows.laterRows) cancelIdleCallback(flows.laterRows);
  flows.laterRows = null;
}

/** `doc` may be a view with groups collapsed (group_document.js). */
export function createPanel(root, doc, passes) {
  const find = (id) => root.querySelector(`[data-testid="${id}"]`);
  const caption = find('step-caption');
  const chainRule = find('chain-rule');
  const stepText = find('step-text');
  const live = find('live-step');   // the step's sentence, for screen readers
  const flows = find('flows');
  const where = find('where');
  const counts = { forward: passes.forward_steps.length, backward: passes.backward_steps.length };
  const PASS_NAMES = { forward: 'Forward', backward: 'Backward', tangent: 'Forward mode' };
  chainRule.last = undefined;
  flows.lastStep = undefined;
  cancelLaterRows(flows);

  function paintCaption(scene) {
    const name = scene.pass === 'tangent' ? PASS_NAMES.tangent : `${PASS_NAMES[scene.pass]} pass`;
    caption.textContent = `${name} · step ${scene.step} of ${scene.count ?? counts[scene.pass]}`;
    caption.dataset.pass = scene.pass;
    caption.dataset.step = String(scene.step);
  }

  /** An automatically named node (u3) is written out in full: what it stands for. */
  function paintWhere(scene) {
    const node = scene.current === null ? null : doc.nodes[scene.current];
    const show = node && node.name === null && node.kind === 'op' && node.label !== node.expression;
    where.hidden = !show;
    where.textContent = show ? `where ${node.label} = ${node.expression}` : '';
  }

  /** A collapsed group's flows: the engine wrote each one's chain rule (engine/group_steps.py). */
  const groupFlows = (step) => [...step.flows, ...(step.inner || [])].filter((g) => g.text);

  /** A plain node's flow in TeX: child′ += node′ · local = the numbers. */
  function plainFlowTex(step, f) {
    const edge = doc.edges[f.edge];
    const [upstream, local, contribution] = [num(step.grad), num(f.local_grad), num(f.contribution)];
    const localTex = edge.local_grad_wrapped_tex
      ?? (isAtomic(edge.local_grad_expr) ? edge.local_grad_tex : `\\left(${edge.local_grad_tex}\\right)`);
    return `${primeTex(doc.nodes[f.child])} \\mathrel{+}= ${primeTex(doc.nodes[step.node])} \\cdot ${localTex}`
      + ` = ${texNumber(upstream)} \\times ${texNumber(local, true)} = ${texNumber(contribution)}`;
  }

  // The flows below the list's fold, each a function that adds its row, run
  // when the page is idle; the list is aria-busy until the last is in. The
  // idle callback waiting is the list's (flows.laterRows), not this panel's:
  // the panel of a new drawing (a group opened) cancels the last one's rows.
  function addLater(rows) {
    cancelLaterRows(flows);
    const done = () => flows.removeAttribute('aria-busy');
    if (!rows.length) return done();
    if (typeof requestIdleCallback === 'undefined') {
      for (const add of rows) add();
      return done();
    }
    flows.setAttribute('aria-busy', 'true');
    const addSome = (deadline) => {
      while (rows.length && deadline.timeRemaining() > 1) rows.shift()();
      flows.laterRows = rows.length ? requestIdleCallback(addSome) : null;
      if (!rows.length) done();
    };
    flows.laterRows = requestIdleCallback(addSome);
  }

  /** A collapsed group's flow, from its text (the engine's chain rule of one
      input), set in plain spans (math_text.js), not typeset by KaTeX. */
  function addGroupFlow(f, text) {
    const li = item(flows, { 'data-testid': 'flow', 'data-group-flow': '', 'data-child': f.child, 'aria-label': text }, []);
    setMathText(li, text);
  }

  /** A plain node's flow: its TeX typeset (its words without KaTeX), its words its name. */
  function addPlainFlow(step, f) {
    const edge = doc.edges[f.edge];
    const [upstream, local, contribution] = [num(step.grad), num(f.local_grad), num(f.contribution)];
    const attrs = { 'data-testid': 'flow', 'data-edge-id': f.edge, 'data-contribution': exact(contribution) };
    const words = [
      ['flow-to', `${primeOf(doc.nodes[f.child])} += `],
      ['', `${primeOf(doc.nodes[step.node])} · ${edge.local_grad_expr} = ${fmt(upstream)} × ${fmt(local)} = ${fmt(contribution)}`],
    ];
    if (!window.katex) return item(flows, attrs, words);
    const li = item(flows, { ...attrs, 'aria-label': words.map(([, text]) => text).join('') }, []);
    return typesetInto(li, plainFlowTex(step, f));
  }

  function paintFlows(scene) {
    const step = scene.pass === 'backward' ? scene.currentStep : null;
    if (flows.lastStep === step) return;   // the same step painted again (a toggle, a resize)
    flows.lastStep = step;
    addLater([]);
    flows.textContent = '';
    flows.classList.remove('group-flows');
    if (!step) return;
    const grouped = groupFlows(step);
    flows.classList.toggle('group-flows', grouped.length > 0);   // a long list scrolls (app.css)
    // A set flow is some 15 to 40 boxes to lay out, and a neuron has a flow
    // per input (over 30 for 16 inputs): the rows the board shows first are
    // made at once, the others, out of its view, when the page is idle.
    const rows = [];
    for (const f of grouped) for (const text of f.texts || [f.text]) rows.push(() => addGroupFlow(f, text));
    for (const f of step.flows) if (!f.text) rows.push(() => addPlainFlow(step, f));
    for (const add of rows.splice(0, FLOWS_AT_ONCE)) add();
    addLater(rows);
  }

  /** While the page is idle, the next step's TeX is typeset ahead: stepping
      on then clones it (keptTex) instead of typesetting within the frame. */
  let ahead = null;
  function typesetAhead(scene) {
    if (ahead !== null) cancelIdleCallback(ahead);
    ahead = null;
    const steps = { forward: passes.forward_steps, backward: passes.backward_steps }[scene.pass];
    const next = steps && steps[scene.step];
    if (!next || !window.katex || typeof requestIdleCallback === 'undefined') return;
    ahead = requestIdleCallback((deadline) => {
      ahead = null;
      const texes = [next.tex];
      if (scene.pass === 'backward') texes.push(...next.flows.filter((g) => !g.text).map((f) => plainFlowTex(next, f)));
      for (const tex of texes) {
        if (deadline.timeRemaining() < 2) return;
        if (tex) keptTypeset(tex);
      }
    });
  }

  return {
    /** Only the caption (which step of which pass): during a scrub (view.js). */
    caption: paintCaption,
    paint(scene) {
      paintCaption(scene);
      const { text, tex } = explain(doc, passes, scene);
      typeset(chainRule, tex, text);
      root.classList.toggle('typeset', Boolean(window.katex));
      stepText.textContent = text;
      const sentence = `${PASS_NAMES[scene.pass]} step ${scene.step} of ${scene.count ?? counts[scene.pass]}: ${text}`;
      if (live && live.textContent !== sentence) live.textContent = sentence;
      paintWhere(scene);
      paintFlows(scene);
      typesetAhead(scene);
    },
  };
}
