/* Pan and zoom (d3.zoom). A graph is fitted to the stage, whole, at the
   largest scale that fits; only when its fitted text would be too small to
   read (under MIN_TEXT_PX) is it shown at a readable size with the view
   following the current node. A course-sized graph is always fitted: in a
   small slide frame its whole picture says more than a keyhole on it. The
   URL's `fit` forces either (1: fit, 0: follow). Once the user pans or
   zooms, the view is theirs until they press "fit".
   Large text (body.big) is for the back row: no text of the graph under
   LARGE_TEXT_PX on screen, so a graph whose fitted text would be smaller
   is followed at the scale that makes its smallest text that size. */

import { LABEL_SIZE } from './labels.js';
import { reducedMotion } from './motion.js';

const MAX_SCALE = 2;        // small graphs do not grow past this
const MIN_TEXT_PX = 9;      // fitted labels smaller than this are not read
export const ALWAYS_FITTED = 30;   // nodes: graphs this small are fitted at any size (and need no search)
const FOLLOW_SCALE = 1.1;
const LARGE_TEXT_PX = 16;   // large text: the smallest text of the graph on screen, CSS px
const PADDING = 12;
export const BIG_GRAPH = 200;   // nodes: bigger graphs are culled to the view and jump instead of gliding
const MIN_LABEL_PX = 8;     // arrows' labels smaller than this on screen are hidden (svg[data-edge-labels])
const FOCUS_SCALE = 1.4;    // a node found by search is shown at this scale at least

/** Are the arrows' labels readable at scale `k`? (CSS hides them when not.) */
export function labelsReadable(k) {
  return k * LABEL_SIZE >= MIN_LABEL_PX;
}

export function createZoom(svg, firstViewport, { onView, fitMode = () => null } = {}) {
  let viewport = firstViewport;
  const d3 = window.d3;
  let bounds = null;
  let userMoved = false;
  let follow = false;
  let focus = null;
  let reach = [0, 0];   // how far the focus's node reaches from its centre (layout units)
  let lead = 0.5;
  let glide = 450;
  let nodeCount = 0;
  let smallestText = null;   // layout units, in large-text mode only
  let followScale = FOLLOW_SCALE;
  let covered = [PADDING, PADDING];
  let stage = [svg.clientWidth || 800, svg.clientHeight || 400];
  // The stage's size comes from the ResizeObserver: reading it from the DOM
  // after each step would force a layout of the whole graph.
  let viewPending = false;
  let jumping = false;   // the view moves at once (apply without a glide)
  const tellView = () => {
    const t = d3.zoomTransform(svg);
    const [w, h] = stage;
    onView([-t.x / t.k, -t.y / t.k, (w - t.x) / t.k, (h - t.y) / t.k]);
  };
  /** Tell onView the box of the graph in view, once per frame at most; a
      jump at once, so that the arrows it brings near are made and shown in
      the frame that moves (a frame later, the stage would be painted twice). */
  function viewChanged() {
    if (!onView) return;
    if (jumping) return tellView();
    if (viewPending) return;
    viewPending = true;
    requestAnimationFrame(() => {
      viewPending = false;
      tellView();
    });
  }
  // Glides interpolate linearly (d3's default zooms out and back in along a
  // pan): at one scale a glide only translates, and the browser lays out no
  // text again; every change of scale lays out every SVG text of the graph.
  const zoom = d3.zoom().scaleExtent([0.05, 8]).extent(() => [[0, 0], stage]).interpolate(d3.interpolate).on('zoom', (event) => {
    viewport.setAttribute('transform', event.transform.toString());
    showLabels(event.transform.k);
    if (event.sourceEvent) userMoved = true;
    viewChanged();
  });
  const selection = d3.select(svg).call(zoom).on('dblclick.zoom', null);

  /** Arrows' labels: hidden when too small to read, on graphs big enough to
      pile them up; a course-sized graph keeps them at any size (it is
      always fitted whole, and its exports are vector pictures). */
  function showLabels(k) {
    const labels = nodeCount <= ALWAYS_FITTED || labelsReadable(k) ? 'shown' : 'hidden';
    if (svg.dataset.edgeLabels !== labels) svg.dataset.edgeLabels = labels;
  }

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

  /** The smallest font size of the graph's texts (layout units), in large-text
      mode; null otherwise, and for big graphs (followed anyway). */
  function measureSmallestText() {
    if (!document.body.classList.contains('big') || nodeCount > BIG_GRAPH) return null;
    let smallest = Infinity;
    for (const el of svg.querySelectorAll('text, tspan')) {
      if (!el.textContent.trim()) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (px > 0 && px < smallest) smallest = px;
    }
    return Number.isFinite(smallest) ? smallest : null;
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
    x += (0.5 - lead) * w / followScale;
    const bw = bounds.x1 - bounds.x0;
    const bh = bounds.y1 - bounds.y0;
    // Keep the graph's edge at the stage's edge rather than show empty space.
    const cx = bw * followScale < w ? bounds.x0 + bw / 2
      : Math.min(Math.max(x, bounds.x0 + w / 2 / followScale), bounds.x1 - w / 2 / followScale);
    const cy = bh * followScale < h ? bounds.y0 + bh / 2
      : Math.min(Math.max(y, bounds.y0 + h / 2 / followScale), bounds.y1 - h / 2 / followScale);
    return d3.zoomIdentity.translate(w / 2, h / 2).scale(followScale).translate(-cx, -cy);
  }

  /* Every frame of a glide repaints the whole view: a big graph (glide 0)
     jumps instead, which it does seldom (see focusOn). */
  function apply(transform, animate) {
    const duration = animate && !reducedMotion() ? glide : 0;   // reduced motion: a jump
    if (duration) {
      selection.transition().duration(duration).call(zoom.transform, transform);
      return;
    }
    jumping = true;
    try {
      selection.interrupt().call(zoom.transform, transform);
    } finally {
      jumping = false;
    }
  }

  /** Is the graph followed (too big to read fitted), rather than fitted? Sets the scale it is followed at. */
  function followed() {
    const mode = fitMode();
    const readable = smallestText ? LARGE_TEXT_PX / smallestText : 0;   // the scale large text needs
    followScale = Math.max(FOLLOW_SCALE, readable);
    const { scale } = fitTransform();
    return mode === 0 || (mode !== 1 && ((scale * LABEL_SIZE < MIN_TEXT_PX && nodeCount > ALWAYS_FITTED) || scale < readable));
  }

  /** Fit the graph, or centre the followed view on `centre` (the focus by default). */
  function frame(animate, centre = focus) {
    if (!bounds || userMoved) return;
    follow = followed();
    apply(follow ? centreOn(centre || [bounds.x0, (bounds.y0 + bounds.y1) / 2]) : fitTransform().transform, animate);
  }

  /** Pan to the focus only when it leaves the middle of the stage (fewer,
      longer moves; on a short stage, while all of its node is still on the
      stage), and not along a side where the graph's edge already is at the
      stage's (centreOn): a pan could not bring it nearer. `ahead`: the
      next node the steps go to. */
  function keepFocus(animate, ahead = null) {
    const [w, h] = size();
    const t = d3.zoomTransform(svg);
    const margin = [Math.max(w * 0.12, reach[0] * t.k), Math.max(h * 0.12, reach[1] * t.k)];
    const [x, y] = t.apply(focus);
    const [px, py] = centreOn(focus).apply(focus);
    const away = (at, panned, side, edge) => (at < edge || at > side - edge) && Math.abs(panned - at) >= 1;
    if (!away(x, px, w, margin[0]) && !away(y, py, h, margin[1])) return;
    // Down a column (a layer's neurons), the next node too when both fit:
    // on a short stage a pan then serves two steps, not one.
    const room = h - 2 * Math.max(h * 0.12, reach[1] * followScale);
    const both = ahead && Math.abs(ahead[1] - focus[1]) * followScale <= room;
    frame(animate, both ? [focus[0], (focus[1] + ahead[1]) / 2] : focus);
  }

  new ResizeObserver(([entry]) => {
    const { width, height } = entry.contentRect;
    if (width > 0 && height > 0) stage = [width, height];
    covered = insets();
    // Followed, a stage a line shorter or longer (the board's chain rule
    // wraps anew at each step) keeps its view while the node is well in it.
    if (follow && focus && bounds && !userMoved && followed()) keepFocus(false);
    else frame(false);
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
      smallestText = measureSmallestText();
      glide = nodes > BIG_GRAPH ? 0 : 450;
      userMoved = false;
      frame(false);
      showLabels(d3.zoomTransform(svg).k);
    },
    /** Follow `point` (the current node) when the graph is too big to fit.
        Options: `reach`, how far the node's drawing reaches from its centre
        ([x, y], layout units); `ahead`, the next node the steps go to;
        `animate`: glide there (else jump). */
    focusOn(point, pass, { reach: nodeReach = [0, 0], ahead = null, animate = true } = {}) {
      focus = point;
      reach = nodeReach;
      lead = pass === 'backward' ? 0.7 : 0.3;
      if (follow && !userMoved && bounds) keepFocus(animate, ahead);
    },
    fit() {
      userMoved = true;   // the whole graph, even if small: the user asked
      follow = false;
      apply(fitTransform().transform, true);
    },
    /** The box of the graph in view (layout units) and the scale. */
    view() {
      const t = d3.zoomTransform(svg);
      const [w, h] = stage;
      return { box: [-t.x / t.k, -t.y / t.k, (w - t.x) / t.k, (h - t.y) / t.k], scale: t.k };
    },
    /** Put (x, y) in the middle of the stage; `scale` (optional) at least. */
    centreAt([x, y], { scale = null, animate = false } = {}) {
      userMoved = true;
      const k = scale === null ? d3.zoomTransform(svg).k : scale;
      const [w, h] = stage;
      apply(d3.zoomIdentity.translate(w / 2, h / 2).scale(k).translate(-x, -y), animate);
    },
    /** Show (x, y) at a readable scale: search's focus. */
    focusAt(point) {
      this.centreAt(point, { scale: Math.max(d3.zoomTransform(svg).k, FOCUS_SCALE) });
    },
    zoomBy(factor) {
      userMoved = true;
      if (reducedMotion()) selection.interrupt().call(zoom.scaleBy, factor);
      else selection.transition().duration(250).call(zoom.scaleBy, factor);
    },
  };
}
