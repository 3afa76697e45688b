/* The minimap: the whole graph, small, in a corner of the stage, with the
   part in view as a rectangle. It appears only when the graph is larger
   than the view; a click or a drag on it moves the view there. CSS hides it
   in small frames (a 640×360 slide), where it would cover the graph.
   The pure part (mapOf, toMap, toLayout, rectOf, needsMap) imports nothing
   from the page; tests/js/minimap.test.mjs runs it. */

export const MAP_SIZE = [168, 100];   // CSS px, at most
const INSET = 4;

/** How the graph's box (layout units) maps into the minimap: one scale, centred. */
export function mapOf(bounds, [w, h] = MAP_SIZE) {
  const bw = Math.max(bounds.x1 - bounds.x0, 1);
  const bh = Math.max(bounds.y1 - bounds.y0, 1);
  const scale = Math.min((w - 2 * INSET) / bw, (h - 2 * INSET) / bh);
  const width = bw * scale + 2 * INSET;
  const height = bh * scale + 2 * INSET;
  return { scale, x0: bounds.x0, y0: bounds.y0, width, height };
}

/** A layout point in minimap px. */
export function toMap(map, [x, y]) {
  return [INSET + (x - map.x0) * map.scale, INSET + (y - map.y0) * map.scale];
}

/** A minimap point (px) in layout units. */
export function toLayout(map, [px, py]) {
  return [map.x0 + (px - INSET) / map.scale, map.y0 + (py - INSET) / map.scale];
}

/** The view's box ([x0, y0, x1, y1], layout units) as a rectangle in the
    minimap, clipped to it: {x, y, width, height} in px. */
export function rectOf(map, box) {
  const [a, b] = toMap(map, [box[0], box[1]]);
  const [c, d] = toMap(map, [box[2], box[3]]);
  const x = Math.max(0, a);
  const y = Math.max(0, b);
  return { x, y, width: Math.max(0, Math.min(map.width, c) - x), height: Math.max(0, Math.min(map.height, d) - y) };
}

/** Is the graph larger than the view? (Some of it is out of the box, by more than `slack` units.) */
export function needsMap(bounds, box, slack = 2) {
  return bounds.x0 < box[0] - slack || bounds.y0 < box[1] - slack
    || bounds.x1 > box[2] + slack || bounds.y1 > box[3] + slack;
}

/** The minimap in `stage`; `moveTo(point)` centres the view on a layout point. */
export function setupMinimap(stage, { moveTo }) {
  const holder = document.createElement('div');
  holder.className = 'minimap';
  holder.dataset.testid = 'minimap';
  // A pointer's shortcut: the keyboard has the search box, the zoom buttons and the steps.
  holder.setAttribute('aria-hidden', 'true');
  holder.hidden = true;
  const canvas = document.createElement('canvas');
  const rect = document.createElement('div');
  rect.className = 'minimap-view';
  rect.dataset.testid = 'minimap-view';
  holder.append(canvas, rect);
  stage.appendChild(holder);
  let map = null;
  let bounds = null;
  let dragging = false;

  function pointAt(event) {
    const box = holder.getBoundingClientRect();
    return toLayout(map, [event.clientX - box.left, event.clientY - box.top]);
  }
  holder.addEventListener('pointerdown', (event) => {
    if (!map) return;
    dragging = true;
    holder.setPointerCapture(event.pointerId);
    moveTo(pointAt(event));
    event.preventDefault();
  });
  holder.addEventListener('pointermove', (event) => { if (dragging) moveTo(pointAt(event)); });
  const stop = () => { dragging = false; };
  holder.addEventListener('pointerup', stop);
  holder.addEventListener('pointercancel', stop);

  let drawn = null;
  let colours = null;   // the theme's line and node colours
  const api = {
    /** A new drawing: the graph's nodes and arrows, once (again when the theme changes). */
    load(doc, graphBounds) {
      drawn = doc;
      bounds = graphBounds;
      map = mapOf(bounds);
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(map.width * ratio);
      canvas.height = Math.round(map.height * ratio);
      canvas.style.width = `${map.width}px`;
      canvas.style.height = `${map.height}px`;
      holder.style.width = `${map.width}px`;
      holder.style.height = `${map.height}px`;
      // Read once per theme: reading a style lays out the whole new drawing's styles.
      if (!colours) {
        const styles = getComputedStyle(holder);
        colours = ['--minimap-line', '--minimap-node'].map((name) => styles.getPropertyValue(name).trim());
      }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, map.width, map.height);
      ctx.strokeStyle = colours[0] || '#888';
      ctx.lineWidth = 0.6;
      ctx.beginPath();
      for (const edge of doc.edges) {
        const [ax, ay] = toMap(map, [doc.nodes[edge.source].x, doc.nodes[edge.source].y]);
        const [bx, by] = toMap(map, [doc.nodes[edge.target].x, doc.nodes[edge.target].y]);
        ctx.moveTo(ax, ay);
        ctx.lineTo(bx, by);
      }
      ctx.stroke();
      ctx.fillStyle = colours[1] || '#333';
      const r = Math.max(1, Math.min(3, 18 * map.scale));
      for (const node of doc.nodes) {
        const [x, y] = toMap(map, [node.x, node.y]);
        ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
      }
    },
    /** The view moved: show the map if the graph is larger, and where the view is. */
    viewChanged(box) {
      if (!map) return;
      const show = needsMap(bounds, box);
      holder.hidden = !show;
      holder.dataset.view = box.map((v) => v.toFixed(1)).join(',');
      if (!show) return;
      const r = rectOf(map, box);
      rect.style.left = `${r.x}px`;
      rect.style.top = `${r.y}px`;
      rect.style.width = `${r.width}px`;
      rect.style.height = `${r.height}px`;
    },
  };
  // The theme (theme.js sets html[data-theme]) gives the map's colours.
  new MutationObserver(() => {
    colours = null;
    if (drawn) api.load(drawn, bounds);
  })
    .observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return api;
}
