/* A version 3 document in full, as the page reads it: what the document
   leaves out, derived by the one rule for each (engine/document_codec.py is
   the same code in Python; a test runs both on the same documents). Numbers
   come from the document; only each flow's grad_after is summed here, the
   same float additions in the same order as the engine's backward pass.
   Groups get their members and steps from group_steps.js (as Python's
   expand does from engine/group_steps.py).
   Documents of versions 1 and 2 carry it all and are read as sent. */

import { num } from './format.js';
import { encode, formula, LONG_SUM, numberOf, primeOf, sum, wrapped } from './formula.js';
import { groupsWithSteps } from './group_steps.js';

/** engine.notation.chip: *x, *(−sin s); parentheses for a sum or a leading minus. */
function chipOf(text) {
  let depth = 0;
  let loose = text.startsWith('−');
  for (const c of text) {
    if ('([{'.includes(c)) depth += 1;
    else if (')]}'.includes(c)) depth -= 1;
    else if (depth === 0 && c === ' ') loose = true;
  }
  return loose ? `*(${text})` : `*${text}`;
}

/** engine.notation.fill_operands: $a, $b the operands, $A, $B in parentheses where needed. */
function fill(template, operands) {
  if (template.text === '$a' || template.text === '$b') return operands[template.text === '$a' ? 0 : 1];
  const substitute = (s, key) => s.replace(/\$([_a-zA-Z][_a-zA-Z0-9]*)/g, (_, name) => {
    const operand = operands['ab'.indexOf(name.toLowerCase())] ?? formula('?', '?');
    return (name === name.toUpperCase() ? wrapped(operand) : operand)[key];
  });
  return formula(substitute(template.text, 'text'), substitute(template.tex, 'tex'), template.atomic ?? false);
}

const joined = (parts) => ({ text: parts.map((p) => p.text).join(' = '), tex: parts.map((p) => p.tex).join(' = ') });

/** A step whose `text` and `tex` are written when first read: the page
    reads them for the step on show, and a big graph has thousands. */
class Step {
  #compose;
  #made = null;

  constructor(fields, compose) {
    Object.assign(this, fields);
    this.#compose = compose;
  }

  #texts() {
    this.#made ??= joined(this.#compose());
    return this.#made;
  }

  get text() { return this.#texts().text; }

  get tex() { return this.#texts().tex; }

  toJSON() { return { ...this, text: this.text, tex: this.tex }; }
}

/** engine.document_codec.backward_order: [node, its flowing edges], from the output down. */
function backwardOrder(requires, edges, output) {
  if (!requires[output]) return [];
  const inEdges = requires.map(() => []);
  edges.forEach(([, target], e) => inEdges[target].push(e));
  const reached = requires.map(() => false);
  reached[output] = true;
  const order = [];
  for (let i = output; i >= 0; i -= 1) {
    if (!reached[i]) continue;
    const flows = inEdges[i].filter((e) => requires[edges[e][0]]);
    for (const e of flows) reached[edges[e][0]] = true;
    order.push([i, flows]);
  }
  return order;
}

function expandNode(raw, i, output) {
  const label = raw.label;
  const tex = raw.tex ?? label;
  const grad = raw.grad ?? null;
  const gradient = primeOf(formula(label, tex, raw.atomic ?? true));
  const node = {
    id: i, name: raw.name ?? null, label, tex, kind: raw.kind, op: raw.op ?? null, symbol: raw.symbol ?? null,
    arg: raw.arg ?? null, expression: raw.expression ?? label, value: raw.value, grad,
    requires_grad: grad !== null, is_output: i === output, warnings: raw.warnings ?? [],
    prime: gradient.text, prime_tex: gradient.tex,
  };
  for (const key of ['x', 'y', 'group', 'check']) if (key in raw) node[key] = raw[key];
  return node;
}

function expandEdges(rawEdges, nodes) {
  const position = new Map();
  return rawEdges.map((raw, j) => {
    const { source, target } = raw;
    const local = formula(raw.local_grad_expr, raw.local_grad_tex ?? raw.local_grad_expr, raw.atomic ?? true);
    const index = (position.get(target) ?? -1) + 1;
    position.set(target, index);
    const edge = {
      id: j, source, target, index, label: nodes[source].label, local_grad: raw.local_grad,
      local_grad_expr: local.text, local_grad_tex: local.tex, chip: chipOf(local.text),
      local_grad_wrapped_tex: wrapped(local).tex,
      requires_grad: nodes[source].requires_grad && nodes[target].requires_grad, bends: raw.bends ?? [],
    };
    return edge;
  });
}

function forwardSteps(nodes, edges, shown, written) {
  const inputs = nodes.map(() => []);
  for (const edge of edges) inputs[edge.target].push(edge.source);
  const steps = [];
  for (const node of nodes) {
    if (node.kind !== 'op') continue;
    const i = node.id;
    const template = written[node.arg === null ? node.op : `${node.op} ${node.symbol}`] ?? formula('?', '?');
    const values = inputs[i].map((j) => nodes[j].value);
    const fields = {
      pass: 'forward', index: steps.length, node: i, inputs: inputs[i], input_values: values, value: node.value,
    };
    steps.push(new Step(fields, () => {
      const expression = fill(template, inputs[i].map((j) => shown[j]));
      const withNumbers = fill(template, values.map(numberOf));
      const head = shown[i].text !== expression.text ? [shown[i]] : [];
      return [...head, expression, withNumbers, numberOf(node.value)];
    }));
  }
  return steps;
}

function backwardSteps(doc, nodes, edges, contributions, shown) {
  const order = backwardOrder(nodes.map((n) => n.requires_grad), edges.map((e) => [e.source, e.target]), doc.output);
  const running = new Map();
  const received = new Map();
  return order.map(([i, flowing], k) => {
    const me = primeOf(shown[i]);
    if (!received.has(i)) received.set(i, []);
    const got = received.get(i);
    const flows = flowing.map((e) => {
      const { source: child, local_grad: localGrad } = edges[e];
      const contribution = contributions[e];
      running.set(child, (running.get(child) ?? 0) + num(contribution));
      if (!received.has(child)) received.set(child, []);
      received.get(child).push({ edge: e, parent: i, contribution });
      return { edge: e, child, local_grad: localGrad, contribution, grad_after: encode(running.get(child)) };
    });
    const grad = nodes[i].grad;
    return new Step({ pass: 'backward', index: k, node: i, grad, received: got, flows }, () => {
      if (!got.length) return [me, formula('1', '1')];
      const terms = got.map((r) => termOf(edges[r.edge], shown));
      const contributions = summands(got);
      // A node used many times (a neuron's output feeds a whole layer): the
      // sum is written short, its parts on the arrows it came along.
      if (got.length > LONG_SUM) return [me, sum(terms), contributions, numberOf(grad)];
      const numbers = got.map((r, k) => {
        const edge = edges[r.edge];
        const upstream = k ? wrapped(numberOf(nodes[edge.target].grad)) : numberOf(nodes[edge.target].grad);   // a + (−1) × 3
        const factor = wrapped(numberOf(edge.local_grad));
        return formula(`${upstream.text} × ${factor.text}`, `${upstream.tex} \\times ${factor.tex}`);
      });
      return [me, sum(terms), sum(numbers), ...(got.length > 1 ? [contributions] : []), numberOf(grad)];
    });
  });
}

/** What a node received, summed: 0.5 + (−0.25) (after the first, a
    negative number in parentheses). */
function summands(got) {
  return sum(got.map((r, k) => (k ? wrapped(numberOf(r.contribution)) : numberOf(r.contribution))));
}

/** What one arrow out of a node brings back to it: parent′·local. */
function termOf(edge, shown) {
  const atomic = edge.local_grad_wrapped_tex === edge.local_grad_tex;
  const local = wrapped(formula(edge.local_grad_expr, edge.local_grad_tex, atomic));
  const parent = primeOf(shown[edge.target]);
  return formula(`${parent.text}·${local.text}`, `${parent.tex} \\cdot ${local.tex}`);
}

/** `doc` as the page reads it: as version 2 wrote it (every field, the steps in full). */
export function decodeDocument(doc) {
  if ((doc.version ?? 3) < 3) return doc;
  const nodes = doc.nodes.map((raw, i) => expandNode(raw, i, doc.output));
  const edges = expandEdges(doc.edges, nodes);
  const shown = nodes.map((n, i) => formula(n.label, n.tex, doc.nodes[i].atomic ?? true));
  const steps = [...forwardSteps(nodes, edges, shown, doc.written ?? {}),
    ...backwardSteps(doc, nodes, edges, doc.edges.map((e) => e.contribution), shown), ...(doc.steps ?? [])];
  const groups = groupsWithSteps(doc.groups ?? [], nodes, edges);
  const full = { ...doc, version: 2, nodes, edges, steps, warnings: doc.warnings ?? [], groups };
  delete full.written;
  return full;
}
