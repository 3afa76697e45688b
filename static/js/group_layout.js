/* Where the drawn graph goes: layout.js's layoutGraph (the port of
   engine/layout.py, with group boxes) on the drawn items. With every group
   expanded, the document itself is placed as main places it (placeDocument:
   the server's picture, without frames); with any group collapsed, the
   drawn graph is laid out afresh, each expanded group a box. */

import { layoutGraph, placeDocument } from './layout.js';

/** layoutGraph's input for a drawn graph (group_view.js drawnGraph). */
export function layoutInput(doc, drawn) {
  return {
    nodes: drawn.items.map((item) => ({ id: item.key, kind: item.kind === 'node' ? item.node.kind : 'group' })),
    edges: drawn.edges.map((e) => ({ source: e.source, target: e.target })),
    output: drawn.output,
    boxes: drawn.boxes.map((b) => ({ id: b.id, parent: b.parent, members: b.members })),
  };
}

const placedDocuments = new WeakSet();

/** The places of a drawn graph; `own`: the document's own (placed once). */
export function placeDrawn(doc, drawn) {
  if (drawn.items.every((item) => item.kind === 'node')) {
    if (!placedDocuments.has(doc)) {
      placeDocument(doc);
      placedDocuments.add(doc);
    }
    return { own: true, boxes: {} };
  }
  return layoutGraph(layoutInput(doc, drawn));
}
