/* "Check this gradient": the document asked once more with "check": true,
   which gives each node that requires a gradient the central finite
   difference of the output at that node, the node perturbed in place
   (engine/check.py): numeric, the step h chosen for it, and the relative
   error. Over 1e-5 it is flagged, with the engine's reason (a kink of relu
   or abs, catastrophic cancellation). Pick a node in the list, or click it
   in the graph while the tab is open. */

import { exact, fmt, num, primeOf } from './format.js';
import { requestOf } from './doc_request.js';

export const FLAG_ABOVE = 1e-5;   // engine/check.py FLAG_ABOVE

/** A small number as the panel writes it: 3 significant digits, an exponent below 1e−3. */
export function errorText(x) {
  if (x === 0) return '0';
  if (!Number.isFinite(x) || Math.abs(x) >= 1e-3) return fmt(x, 3);
  return x.toExponential(2).replace('e+', 'e').replace(/-/g, '−');
}

/** The nodes that can be checked: those with a gradient, inputs first. */
export function checkable(doc) {
  return doc.nodes.filter((n) => n.requires_grad && n.grad !== null && n.grad !== undefined);
}

export function setupCheckGradient(root, { view, tabs, post }) {
  const panel = root.querySelector('[data-testid="check-panel"]');
  if (!panel) return;
  const find = (id) => panel.querySelector(`[data-testid="${id}"]`);
  const [select, status, result, flag] = ['check-node', 'check-status', 'check-result', 'check-flag'].map(find);
  let checked = null;      // the checked document, for the document on show
  let checkedFor = null;

  view.onLoad(() => {
    const doc = view.source;   // every node, collapsed groups' too
    select.textContent = '';
    for (const node of checkable(doc)) {
      const option = document.createElement('option');
      option.value = String(node.id);
      option.textContent = node.label === node.expression ? node.label : `${node.label} = ${node.expression}`;
      select.appendChild(option);
    }
    if (checkedFor !== doc) { checked = null; result.hidden = true; flag.hidden = true; status.textContent = ''; }
  });

  async function checkedDocument() {
    const doc = view.source;
    if (checkedFor === doc && checked) return { document: checked };
    const request = requestOf(doc);
    if (!post) return { error: { message: 'the check runs on the chainrule server, and this copy has none' } };
    if (!request) return { error: { message: 'this graph has no source to check' } };
    const answer = await post('/api/graph', { ...request, check: true });   // asked once per document
    if (answer.error) return answer;
    checked = answer.body;
    checkedFor = doc;
    return { document: checked };
  }

  function show(node, check) {
    const rows = [
      ['gradient (backward)', `${primeOf(node)} = ${fmt(num(node.grad))}`, exact(num(node.grad))],
      ['numeric (central difference)', fmt(num(check.numeric)), exact(num(check.numeric))],
      ['h', errorText(num(check.h)), exact(num(check.h))],
      ['relative error', errorText(num(check.rel_error)), exact(num(check.rel_error))],
    ];
    result.textContent = '';
    for (const [term, value, full] of rows) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.title = full;
      dd.dataset.value = full;
      result.append(dt, dd);
    }
    result.dataset.node = String(node.id);
    result.hidden = false;
    const flagged = check.flagged ?? !(num(check.rel_error) <= FLAG_ABOVE);
    flag.hidden = false;
    flag.dataset.flagged = String(flagged);
    flag.textContent = flagged
      ? `⚠ Over 1e−5: ${check.explanation || 'the two disagree'}.`
      : `✓ The backward pass and the finite difference agree to ${errorText(num(check.rel_error))} (under 1e−5).`;
  }

  panel.querySelector('[data-testid="check-gradient"]').addEventListener('click', async () => {
    const id = Number(select.value);
    status.textContent = 'Checking…';
    const answer = await checkedDocument();
    if (answer.error) {
      status.textContent = `No check: ${answer.error.message}.`;
      return;
    }
    const node = answer.document.nodes[id];
    if (!node || !node.check) {
      status.textContent = 'This node has no gradient to check.';
      return;
    }
    status.textContent = `Checked ${node.label}.`;
    show(node, node.check);
  });

  // A node clicked in the graph, while the tab is open, is the one to check.
  root.querySelector('svg.graph').addEventListener('click', (event) => {
    const g = event.target.closest && event.target.closest('g.node');
    if (!g || panel.hidden) return;
    if ([...select.options].some((o) => o.value === g.dataset.nodeId)) select.value = g.dataset.nodeId;
  });
  // The current step's node is the one offered when the tab opens.
  tabs.onSelect((id) => {
    if (id !== 'tab-check') return;
    const current = root.querySelector('svg.graph g.node.current');
    if (current && [...select.options].some((o) => o.value === current.dataset.nodeId)) select.value = current.dataset.nodeId;
  });
}
