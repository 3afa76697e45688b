/* A collapsed group as one step of each pass: engine/group_steps.py's rules,
   the same code for the page (a test runs both on the same documents).
   Version 3 documents leave the steps out; document_codec.js calls this on
   the decoded nodes and edges (every field of version 2).

   Forward: its inputs' values in, its outputs' values out. Backward: what
   leaves on each input is the sum, over that input's edges into the group,
   of the member's gradient times the edge's local derivative; where short,
   written as the chain rule through the group, one product of local
   derivatives per path (factors of 1 left out). Each flow's child and
   contribution are made at once; the texts when first read (a 1,000-node
   MLP has 37 groups, and the page reads the steps of the group on show). */

import { num } from './format.js';
import { encode, formula, numberOf, wrapped } from './formula.js';

// engine/group_steps.py's constants
const MAX_PATHS = 4;          // more paths than this: the sum over the edges into the group
const MAX_EXPRESSION = 60;    // a longer output expression is left out of the forward text
const MAX_GIVEN = 6;          // values written going in; more are counted
const MAX_LEAF_FLOWS = 32;    // a group with more leaves inside writes no flow for them

const gradOr0 = (node) => (node.grad === null ? 0 : num(node.grad));   // Python's `grad or 0.0`
const primeOf = (node) => formula(node.prime ?? `${node.label}′`, node.prime_tex ?? `${node.tex}'`);
const joined = (parts, by, texBy = by) => formula(parts.map((p) => p.text).join(by), parts.map((p) => p.tex).join(texBy));

/** One flow out of a collapsed group: its child and contribution at once,
    its texts when first read (a class, so the getters cost nothing per flow;
    toJSON writes them out). */
class GroupFlow {
  #compose;
  #made = null;

  constructor(child, contribution, compose) {
    this.child = child;
    this.contribution = contribution;
    this.#compose = compose;
  }

  get text() { this.#made ??= this.#compose(); return this.#made.text; }

  get tex() { this.#made ??= this.#compose(); return this.#made.tex; }

  toJSON() { return { child: this.child, contribution: this.contribution, text: this.text, tex: this.tex }; }
}

/** A group's steps: its flows at once, its forward text when first read. */
class GroupSteps {
  #compose;
  #made = null;

  constructor(flows, compose) {
    this.flows = flows;
    this.#compose = compose;
  }

  get forward_text() { this.#made ??= this.#compose(); return this.#made.text; }

  get forward_tex() { this.#made ??= this.#compose(); return this.#made.tex; }

  toJSON() { return { forward_text: this.forward_text, forward_tex: this.forward_tex, flows: this.flows }; }
}

/** Every node in each group, its subgroups' members included. */
function within(groups) {
  const inside = new Map(groups.map((g) => [g.id, new Set(g.members)]));
  for (const g of [...groups].reverse()) {   // parents come before children: children first here
    if (g.parent !== null && g.parent !== undefined) for (const i of inside.get(g.id)) inside.get(g.parent).add(i);
  }
  return inside;
}

/** Where values enter: its inputs, then the leaves inside it (unless more than `limit`). */
function entering(nodes, group, inside, limit = null) {
  let leaves = [...inside].filter((i) => nodes[i].kind !== 'op').sort((a, b) => a - b);
  if (limit !== null && leaves.length > limit) leaves = [];
  return [...group.inputs, ...leaves];
}

function forward(nodes, group, inside) {
  const into = entering(nodes, group, inside);
  const given = into.slice(0, MAX_GIVEN).map((i) => {
    const value = numberOf(nodes[i].value);
    return formula(`${nodes[i].label} = ${value.text}`, `${nodes[i].tex} = ${value.tex}`);
  });
  if (into.length > MAX_GIVEN) given.push(formula(`… (${into.length} values)`, `\\ldots\\ (${into.length}\\ \\text{values})`));
  const made = group.outputs.map((o) => {
    const node = nodes[o];
    const parts = [formula(node.label, node.tex)];
    // Expressions are written in text only (version 3): the TeX skips it.
    if (node.expression !== node.label && [...node.expression].length <= MAX_EXPRESSION) parts.push(formula(node.expression, null));
    parts.push(numberOf(node.value));
    return formula(parts.map((p) => p.text).join(' = '), parts.filter((p) => p.tex !== null).map((p) => p.tex).join(' = '));
  });
  const out = joined(made, ', ', ',\\ ');
  if (!given.length) return out;
  const ins = joined(given, ', ', ',\\ ');
  return formula(`${ins.text} ↦ ${out.text}`, `${ins.tex} \\;\\mapsto\\; ${out.tex}`);
}

/** Paths from each node inside to an output, counted up to MAX_PATHS + 1 (ids are topological). */
function pathCounts(inside, outputs, outOf) {
  const count = new Map();
  for (const node of [...inside].sort((a, b) => b - a)) {
    let n = outputs.has(node) ? 1 : 0;
    for (const edge of outOf.get(node) ?? []) {
      if (inside.has(edge.target) && edge.requires_grad && !outputs.has(node)) n += count.get(edge.target) ?? 0;
    }
    count.set(node, Math.min(n, MAX_PATHS + 1));
  }
  return count;
}

const byEdgeIds = (p, q) => {
  for (let k = 0; k < Math.min(p.length, q.length); k += 1) if (p[k].id !== q[k].id) return p[k].id - q[k].id;
  return p.length - q.length;
};

/** The edge paths from `start` to an output, or null when more than MAX_PATHS (no recursion). */
function paths(start, inside, outputs, outOf, count) {
  const through = (e) => inside.has(e.target) && e.requires_grad;
  const firsts = (outOf.get(start) ?? []).filter(through);
  if (firsts.reduce((s, e) => s + (count.get(e.target) ?? 0), 0) > MAX_PATHS) return null;
  const found = [];
  const stack = firsts.filter((e) => count.get(e.target)).map((e) => [e]);
  while (stack.length) {
    const path = stack.pop();
    const node = path[path.length - 1].target;
    if (outputs.has(node)) {
      found.push(path);
      continue;
    }
    for (const e of outOf.get(node) ?? []) if (through(e) && count.get(e.target)) stack.push([...path, e]);
  }
  return found.sort(byEdgeIds);
}

function wrappedText(edge) {
  const tex = edge.local_grad_wrapped_tex;
  if (tex && tex.startsWith('\\left(') && !edge.local_grad_expr.startsWith('(')) return `(${edge.local_grad_expr})`;
  return edge.local_grad_expr;
}

/** A path's product of local derivatives, without the factors that are 1. */
function factors(path) {
  const shown = [...path].reverse().filter((e) => e.local_grad_expr !== '1');
  return formula(shown.map(wrappedText).join('·'), shown.map((e) => e.local_grad_wrapped_tex || e.local_grad_tex).join(' \\cdot '));
}

/** The chain rule of one flow: i′ (+)= the terms = the numbers = the contribution. */
function flowTexts(nodes, i, into, contribution, rest, found) {
  const me = primeOf(nodes[i]);
  const terms = [];
  let numbers = [];
  if (found && found.length) {
    for (const path of found) {
      const f = factors(path);
      const head = primeOf(nodes[path[path.length - 1].target]);
      terms.push(formula(f.text ? `${head.text}·${f.text}` : head.text, f.tex ? `${head.tex} \\cdot ${f.tex}` : head.tex));
    }
    if (found.length === 1) {
      const path = found[0];
      const locals = [...path].reverse().filter((e) => e.local_grad_expr !== '1').map((e) => wrapped(numberOf(e.local_grad)));
      numbers = [numberOf(gradOr0(nodes[path[path.length - 1].target])), ...locals];
    }
  } else {
    for (const e of into) {
      const head = primeOf(nodes[e.target]);
      terms.push(formula(`${head.text}·${wrappedText(e)}`, `${head.tex} \\cdot ${e.local_grad_wrapped_tex || e.local_grad_tex}`));
    }
  }
  const parts = [joined(terms, ' + ')];
  if (numbers.length > 1) parts.push(joined(numbers, ' × ', ' \\times '));
  parts.push(numberOf(contribution));
  const sign = rest ? formula(' += ', ' \\mathrel{+}= ') : formula(' = ', ' = ');
  const all = joined(parts, ' = ');
  return { text: me.text + sign.text + all.text, tex: me.tex + sign.tex + all.tex };
}

function flows(nodes, group, inside, outOf) {
  const outputs = new Set(group.outputs);
  // The path form needs each output's gradient to come from outside only.
  const outputsLeave = group.outputs.every((o) => (outOf.get(o) ?? []).every((e) => !inside.has(e.target)));
  let count = null;   // counted when a text is first read
  const found = [];
  for (const i of entering(nodes, group, inside, MAX_LEAF_FLOWS)) {
    const out = outOf.get(i) ?? [];
    const into = out.filter((e) => inside.has(e.target) && e.requires_grad);
    if (!into.length || nodes[i].grad === null) continue;
    let contribution = 0;
    for (const e of into) contribution += gradOr0(nodes[e.target]) * num(e.local_grad);
    const rest = out.some((e) => !inside.has(e.target) && e.requires_grad);
    found.push(new GroupFlow(i, encode(contribution), () => {
      if (outputsLeave) count ??= pathCounts(inside, outputs, outOf);
      const through = outputsLeave ? paths(i, inside, outputs, outOf, count) : null;
      return flowTexts(nodes, i, into, contribution, rest, through);
    }));
  }
  return found;
}

/** Each group's members: the nodes whose innermost group it is, in order. */
export function membersOf(groups, nodes) {
  const members = groups.map(() => []);
  nodes.forEach((node, i) => {
    if (node.group !== null && node.group !== undefined) members[node.group]?.push(i);
  });
  return members;
}

/** `groups` as sent (version 3), each with its members and its `steps`:
    {forward_text, forward_tex, flows: [{child, contribution, text, tex}]},
    as engine/group_steps.py writes them. `nodes`, `edges`: decoded. */
export function groupsWithSteps(groups, nodes, edges) {
  if (!groups.length) return [];
  const members = membersOf(groups, nodes);
  const full = groups.map((g, k) => ({ ...g, members: members[k] }));
  const inside = within(full);
  const outOf = new Map();
  for (const edge of edges) {
    if (!outOf.has(edge.source)) outOf.set(edge.source, []);
    outOf.get(edge.source).push(edge);
  }
  for (const group of full) {
    const mine = inside.get(group.id);
    group.steps = new GroupSteps(flows(nodes, group, mine, outOf), () => forward(nodes, group, mine));
  }
  return full;
}
