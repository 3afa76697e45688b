/* The request a document answers: its source, input values, data inputs and
   names on screen, read back off the document, so that the page can ask the
   server for more of the same graph (forward mode, the gradient check, the
   Code tab) with nothing but the document it shows. */

import { num } from './format.js';

/** {source, values, data, labels, title} for POST /api/graph, or null when
    the document has no source (a graph sent from a notebook's Value code). */
export function requestOf(doc) {
  if (!doc || typeof doc.source !== 'string' || !doc.source.trim()) return null;
  const values = {};
  const data = [];
  const labels = {};
  for (const node of doc.nodes) {
    if (node.name === null || node.name === undefined) continue;
    if (node.kind === 'parameter' || node.kind === 'data') values[node.name] = num(node.value);
    if (node.kind === 'data') data.push(node.name);
    if (node.label !== node.name) labels[node.name] = node.label;
  }
  const request = { source: doc.source, values, data, labels };
  if (doc.title) request.title = doc.title;
  return request;
}

/** The inputs that require a gradient, in the document's order: [{name, label}]. */
export function parametersOf(doc) {
  return doc.nodes
    .filter((node) => node.kind === 'parameter' && node.name && node.name in doc.gradients)
    .map((node) => ({ name: node.name, label: node.label }));
}

/** A page served without the app (an offline copy, a notebook's frame) has no API to ask. */
export function hasServer() {
  return document.body.dataset.page !== 'offline' && location.protocol.startsWith('http');
}
