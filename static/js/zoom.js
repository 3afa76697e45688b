/* Pan and zoom (d3.zoom). A graph is fitted to the stage, whole, at the
   largest scale that fits; only when its fitted text would be too small to
   read (under MIN_TEXT_PX) is it shown at a readable size with the view
   following the current node. A course-sized graph is always fitted: in a
   small slide frame its whole picture says more than a keyhole on it. The
   URL's `fit` forces either (1: fit, 0: follow). Once the user pans or
   zooms, the view is theirs until they press "fit". */

import { LABEL_SIZE } from './labels.js';

const MAX_SCALE = 2;        // small graphs do not grow past this
const MIN_TEXT_PX = 9;      // fitted labels smaller than this are not read
const ALWAYS_FITTED = 30;   // nodes: graphs this small are fitted at any size
const FOLLOW_SCALE = 1.1;
const PADDING = 12;
export const BIG_GRAPH = 200;   // nodes: bigger graphs are culled to the view and jump instead of gliding

export function createZoom(svg, firstViewport, { onView, fitMode = () => null } = {}) {
  let viewport = firstViewport;
  const d3 = window.d3;
  let bounds = null;
  let userMoved = false;
  let follow = false;
  let focus = null;
  let lead = 0.5;
  let glide = 450;
  let nodeCount = 0;
  let covered = [PADDING, PADDING];
  let stage = [svg.clientWidth || 800, svg.clientHeight || 400];
  // The stage's size comes from the ResizeObserver: reading it from the DOM
  // after each step would force a layout of the whole graph.
  let viewPending = false;
  /** Tell onView the box of the graph in view, once per frame at most. */
  function viewChanged() {
    if (!onView || viewPending) return;
    viewPending = true;
    requestAnimationFrame(() => {
      viewPending = false;
      const t = d3.zoomTransform(svg);
      const [w, h] = stage;
      onView([-t.x / t.k, -t.y / t.k, (w - t.x) / t.k, (h - t.y) / t.k]);
    });
  }
  const zoom = d3.zoom().scaleExtent([0.05, 8]).extent(() => [[0, 0], stage]).on('zoom', (event) => {
    viewport.setAttribute('transform', event.transform.toString());
    if (event.sourceEvent) userMoved = true;
    viewChanged();
  });
  const selection = d3.select(svg).call(zoom).on('dblclick.zoom', null);

  function size() {
    return stage;
  }

  /** The bands of the stage that the zoom tools (top) and the legend
      (bottom) cover, in px: a fitted graph stays clear of them. */
  function insets() {
    const stageBox = svg.getBoundingClientRect();
    const below = (selector) => {
      const el = svg.parentElement.querySelector(selector);
      if (!el || !el.offsetHeight) return 0;
      const box = el.getBoundingClientRect();
      return selector === '.legend' ? stageBox.bottom - box.top : box.bottom - stageBox.top;
    };
    return [Math.max(PADDING, below('.zoom-tools') + 4), Math.max(PADDING, below('.legend') + 2)];
  }

  function fitTransform() {
    const [w, h] = size();
    const [top, bottom] = covered;
    const bw = bounds.x1 - bounds.x0;
    const bh = bounds.y1 - bounds.y0;
    const room = h - top - bottom;
    const scale = Math.min((w - 2 * PADDING) / bw, room / bh, MAX_SCALE);
    return { scale, transform: d3.zoomIdentity
      .translate(w / 2, top + room / 2).scale(scale).translate(-(bounds.x0 + bw / 2), -(bounds.y0 + bh / 2)) };
  }

  /** Put (x, y) at `lead` of the stage's width (forward: on the left, with
      room for the steps to come on its right; backward: the other way). */
  function centreOn([x, y]) {
    const [w, h] = size();
    x += (0.5 - lead) * w / FOLLOW_SCALE;
    const bw = bounds.x1 - bounds.x0;
    const bh = bounds.y1 - bounds.y0;
    // Keep the graph's edge at the stage's edge rather than show empty space.
    const cx = Math.min(Math.max(x, bounds.x0 + w / 2 / FOLLOW_SCALE), bounds.x1 - w / 2 / FOLLOW_SCALE);
    const cy = bh * FOLLOW_SCALE < h ? bounds.y0 + bh / 2
      : Math.min(Math.max(y, bounds.y0 + h / 2 / FOLLOW_SCALE), bounds.y1 - h / 2 / FOLLOW_SCALE);
    return d3.zoomIdentity.translate(w / 2, h / 2).scale(FOLLOW_SCALE).translate(-cx, -cy);
  }

  /* Every frame of a glide repaints the whole view: a big graph (glide 0)
     jumps instead, which it does seldom (see focusOn). */
  function apply(transform, animate) {
    const duration = animate ? glide : 0;
    if (duration) selection.transition().duration(duration).call(zoom.transform, transform);
    else selection.interrupt().call(zoom.transform, transform);
  }

  function frame(animate) {
    if (!bounds || userMoved) return;
    const { scale, transform } = fitTransform();
    const mode = fitMode();
    follow = mode === 0 || (mode !== 1 && scale * LABEL_SIZE < MIN_TEXT_PX && nodeCount > ALWAYS_FITTED);
    apply(follow ? centreOn(focus || [bounds.x0, (bounds.y0 + bounds.y1) / 2]) : transform, animate);
  }

  new ResizeObserver(([entry]) => {
    const { width, height } = entry.contentRect;
    if (width > 0 && height > 0) stage = [width, height];
    covered = insets();
    frame(false);
  }).observe(svg);

  return {
    /** A new drawing: move the transform to its viewport. */
    retarget(next) {
      viewport = next;
      viewport.setAttribute('transform', d3.zoomTransform(svg).toString());
    },
    /** A new graph's box; `size` (its number of nodes) sets how it glides. */
    setBounds(next, nodes) {
      bounds = next;
      nodeCount = nodes;
      glide = nodes > BIG_GRAPH ? 0 : 450;
      userMoved = false;
      frame(false);
    },
    /** Follow `point` (the current node) when the graph is too big to fit. */
    focusOn(point, pass) {
      focus = point;
      lead = pass === 'backward' ? 0.7 : 0.3;
      if (!follow || userMoved || !bounds) return;
      // Pan only when the node leaves the middle of the stage: fewer, longer moves.
      const t = d3.zoomTransform(svg);
      const [x, y] = t.apply(point);
      const [w, h] = size();
      if (x < w * 0.12 || x > w * 0.88 || y < h * 0.12 || y > h * 0.88) frame(true);
    },
    fit() {
      userMoved = true;   // the whole graph, even if small: the user asked
      follow = false;
      apply(fitTransform().transform, true);
    },
    zoomBy(factor) {
      userMoved = true;
      selection.transition().duration(250).call(zoom.scaleBy, factor);
    },
  };
}
