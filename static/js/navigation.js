/* Finding one's way in a big graph: the gradient heat-map (heatmap.js), the
   search box (search.js) and the minimap (minimap.js), set up once per
   player and told of each drawing, frame and view (view.js). The edge
   labels' hiding at low zoom is zoom.js's (svg[data-edge-labels]).

   Hooks for the group view (collapsed groups), all optional:
     hooks.reveal({node}) or hooks.reveal({group}): open the groups that hide
       it before search focuses it, true when it opened any (may return a promise);
     hooks.elementOf({node} | {group}): the drawn element to focus, when it
       is not the node's own g.node;
     hooks.placeOf({node} | {group}): where it is drawn, [x, y], when the
       drawn document is not the searched one (collapsed groups renumber);
     heat.mark(element, grad): colour a group's node as the heat-map does. */

import { setupHeatmap } from './heatmap.js';
import { setupMinimap } from './minimap.js';
import { groupBox, setupSearch } from './search.js';
import { ALWAYS_FITTED } from './zoom.js';

const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

export function setupNavigation(root, store) {
  const stage = root.querySelector('.stage');
  const svg = root.querySelector('svg.graph');
  const hooks = { reveal: null, elementOf: null, placeOf: null };
  let searched = null;   // the document whose names the search box offers
  let doc = null;
  let graph = null;
  let zoom = null;
  let found = null;
  // The search box, then the heat-map's legend, in the stage's top-left corner.
  const tools = document.createElement('div');
  tools.className = 'stage-tools';
  stage.appendChild(tools);
  const heat = setupHeatmap(root, store, tools);
  const minimap = setupMinimap(stage, { moveTo: (point) => zoom && zoom.centreAt(point) });

  /** Move the view to what `entry` names and give its node the focus (its card shows). */
  async function focus(entry) {
    if (!doc || !zoom) return;
    if (hooks.reveal && await hooks.reveal(entry)) {
      // A group opened: the page settles (the board's sizes may change) before the view moves.
      await nextFrame();
      await nextFrame();
    }
    const place = hooks.placeOf ? hooks.placeOf(entry) : null;
    if (place) {
      zoom.focusAt(place);
    } else if (entry.node !== undefined) {
      const node = doc.nodes[entry.node];
      zoom.focusAt([node.x, node.y]);
    } else {
      const box = groupBox(doc, entry.group);
      if (box) zoom.focusAt([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]);
    }
    // The view's change uncovers culled nodes on the next frame (view.js).
    await nextFrame();
    await nextFrame();
    let element = hooks.elementOf ? hooks.elementOf(entry) : null;
    if (!element && entry.node !== undefined) element = svg.querySelector(`g.node[data-node-id="${entry.node}"]`);
    if (!element && entry.group !== undefined && doc.groups[entry.group]) {
      const first = doc.groups[entry.group].outputs[0];
      element = svg.querySelector(`g.node[data-node-id="${first}"]`);
    }
    if (!element) return;
    if (found) found.removeAttribute('data-found');
    found = element;
    element.setAttribute('data-found', '');
    if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
    element.focus({ preventScroll: true });
  }

  const search = setupSearch(tools, { focus, minNodes: ALWAYS_FITTED + 1 });

  return {
    hooks,
    heat,
    /** A new drawing of a document; `searchDoc`: the whole one, whose names are offered and whose gradients set the heat-map's scale (default: the drawn one). */
    attach(nextDoc, nextGraph, searchDoc = nextDoc) {
      if (searchDoc !== searched) {
        // The heat-map's scale and the search's names are the whole document's,
        // so that opening or closing a group changes neither.
        searched = searchDoc;
        heat.load(searchDoc);
        search.load(searchDoc);
      }
      doc = nextDoc;
      graph = nextGraph;
      found = null;
      minimap.load(doc, graph.bounds);
    },
    setZoom(next) {
      zoom = next;
    },
    paint(scene) {
      if (graph) heat.paint(graph, scene);
    },
    viewChanged(box) {
      minimap.viewChanged(box);
    },
    focus,
  };
}
