/* The player view: one document drawn, and every part (graph, board,
   controls, zoom, embed code) repainted from the store's state. */

import { setupControls } from './controls.js';
import { setupEmbedCode } from './embed_code.js';
import { decodeDocument } from './document_codec.js';
import { tangentCount, tangentScene } from './forward_mode.js';
import { createGradientsBox } from './gradients_box.js';
import { LABEL_FONTS } from './label_sizes.js';
import { createPanel } from './panel.js';
import { setupNavigation } from './navigation.js';
import { createPlayer } from './player.js';
import { cullable, cullGraph, drawGraph, makeEveryArrow, paintGraph } from './render.js';
import { viewDocument } from './group_document.js';
import { placeDrawn } from './group_layout.js';
import { animateChange, decorateGroups, onGroupToggle, paintGroups, positionsOf } from './group_render.js';
import { DRAWN_LIMIT, drawnGraph, expandedFrom, groupKey, groupTree, openList, toggled } from './group_view.js';
import { WHOLE_DRAWING } from './whole_drawing.js';
import { reachOf } from './geometry.js';
import { passesOf, sceneOf } from './scene.js';
import { SCRUB_MS, scrubbing } from './motion.js';
import { changedFields } from './state.js';
import { setupTooltip } from './tooltip.js';
import { BIG_GRAPH, createZoom } from './zoom.js';

/** `atEdge` (optional): see keys.js; an embed hands the keys back to its deck at either end. */
export function createView(root, store, { atEdge = null } = {}) {
  const svg = root.querySelector('svg.graph');
  const player = createPlayer(store);
  const tooltip = setupTooltip(root.querySelector('.stage'), svg);
  const navigation = setupNavigation(root, store);   // heat-map, search, minimap
  let doc = null;       // what is drawn: the document, or its view with groups collapsed (group_document.js)
  let source = null;    // the document as it came
  let tree = null;
  let expanded = new Set();
  let applied = null;   // the URL's `open` the drawing was made for
  let placed = null;
  let changing = false;
  let passes = null;
  let graph = null;
  let panel = null;
  let gradientsBox = null;   // made once per document: a rebuild only re-attaches it
  let zoom = null;
  let controls = null;
  let embed = null;
  const painted = [];   // after each paint: the teaching parts (quiz, code, forward mode)
  const loaded = [];

  // A big drawing's step, or a group opened or closed in it, sets the
  // board's parts a frame apart after the graph's frame: a neuron's step is
  // some 25 ms on a 2-core laptop, a frame at 50 fps 20. A newer step
  // restarts a part's count, up to its most frames; it then shows the newest
  // scene. data-board-waiting: a part waits.
  const BOARD_PARTS_LATER = { panel: [2, 8], gradients: [3, 9] };   // [frames after the key's, most frames]
  // A scrub (a held key: motion.js) leaves the board as it was until the
  // keys rest (SCRUB_MS, in frames at 60 Hz), its caption apart: a chain rule
  // shown for two frames is not read, and setting it was most of a held key's work.
  const RESTED = Math.ceil(SCRUB_MS / (1000 / 60));
  const BOARD_AFTER_SCRUB = { panel: [RESTED, Infinity], gradients: [RESTED + 1, Infinity] };
  const waiting = new Map();   // a board part → { scene, frames (left), most, waited }
  function boardWaiting() {
    root.toggleAttribute('data-board-waiting', waiting.size > 0);
  }
  function paintPart(part, scene, later) {
    if (!later) {
      waiting.delete(part);
      part.paint(scene);
      return boardWaiting();
    }
    const [frames, most] = later;
    const turn = waiting.get(part);
    if (turn) {
      Object.assign(turn, { scene, frames, most });
      return;
    }
    const mine = { scene, frames, most, waited: 0 };
    waiting.set(part, mine);
    boardWaiting();
    const tick = () => requestAnimationFrame(() => {
      if (waiting.get(part) !== mine) return;   // painted at once since, or a new drawing
      mine.frames -= 1;
      mine.waited += 1;
      if (mine.frames > 0 && mine.waited < mine.most) return tick();
      waiting.delete(part);
      boardWaiting();
      part.paint(mine.scene);
    });
    tick();
  }
  const STEP_FIELDS = new Set(['step', 'pass']);
  const onlyStepped = (state, previous) => Boolean(previous)
    && changedFields(state, previous).every((field) => STEP_FIELDS.has(field));
  const stepped = scrubbing(svg);

  /** `regrouped`: the first paint of a drawing a group's opening or closing made. */
  function paint(state = store.get(), previous = null, { regrouped = false } = {}) {
    if (!doc || changing) return;
    if (JSON.stringify(state.open) !== applied) {   // the state names other groups (embed protocol, a test)
      applied = JSON.stringify(state.open);
      expanded = expandedFrom(source, state.open, tree);
      changing = true;
      try {
        store.setCounts(rebuild());
        onStage();
      } finally {
        changing = false;
      }
      paint();
      return;
    }
    const scene = state.pass === 'tangent' ? tangentScene(doc, passes, state) : sceneOf(doc, passes, state);
    controls.paint();   // sets body.big first: large text is measured anew
    if (graph.largeText !== document.body.classList.contains('big')) redraw();
    // Forward mode draws as the forward pass does; forward_mode.js adds the tangents.
    const stepOnly = onlyStepped(state, previous);
    const scrub = stepOnly && stepped();   // a held key: each step jumps, without fades or glide
    paintGraph(graph, doc, scene.drawAs ? { ...scene, pass: scene.drawAs } : scene, { still: scrub });
    paintGroups(graph, scene);
    navigation.paint(scene);
    // A hidden page runs no frames: it sets the board at once, as the store writes its address.
    const later = graph.arrowsCulled && !document.hidden && (stepOnly || regrouped);
    const parts = later && (scrub ? BOARD_AFTER_SCRUB : BOARD_PARTS_LATER);
    if (later && scrub) panel.caption(scene);
    paintPart(panel, scene, parts && parts.panel);
    paintPart(gradientsBox, scene, parts && parts.gradients);
    embed.refresh();
    tooltip.refresh();
    const focus = scene.current === null ? doc.nodes.find((n) => n.kind !== 'op') : doc.nodes[scene.current];
    const ahead = nodeAhead(state, previous);
    zoom.focusOn([focus.x, focus.y], state.pass, { reach: reachOf(focus), ahead: ahead && [ahead.x, ahead.y], animate: !scrub });
    for (const listener of painted) listener(scene, state);
  }

  /** The node of the step the player goes to next: the one after, or the
      one before when it went back. */
  function nodeAhead(state, previous) {
    const steps = { forward: passes.forward_steps, backward: passes.backward_steps }[state.pass];
    if (!steps) return null;
    const back = previous && previous.pass === state.pass && state.step < previous.step;
    const next = steps[back ? state.step - 2 : state.step];
    return next ? doc.nodes[next.node] : null;
  }

  const actions = {
    /** backward() once more: the parameters' .grad adds the same gradients again. */
    'run-backward-again': () => {
      player.pause();
      const state = store.get();
      store.update({ runs: state.runs + 1, pass: 'backward', step: passes.backward_steps.length });
    },
    /** zero_grad(): .grad back to 0, ready for a fresh backward pass. */
    'zero-grads': () => {
      player.pause();
      store.update({ runs: 1, pass: 'backward', step: 0 });
    },
    'expand-all': () => setExpanded(new Set(tree.groups.map((g) => g.id))),
    'collapse-all': () => setExpanded(new Set()),
  };

  /** The drawing for the expanded set: its view document, places, passes and panel. */
  function rebuild() {
    waiting.clear();   // a part's scene of the drawing before is shown no more
    boardWaiting();
    const drawn = drawnGraph(source, expanded, tree);
    placed = placeDrawn(source, drawn);
    doc = viewDocument(source, drawn, placed);
    passes = passesOf(doc);
    draw();
    panel = createPanel(root, doc, passes);
    gradientsBox.attach(doc, passes);
    const counts = { forward: passes.forward_steps.length, backward: passes.backward_steps.length };
    if (tangentCount(doc) !== null) counts.tangent = tangentCount(doc);
    player.setCounts(counts);
    return counts;
  }

  /** Open or close groups, keeping the player's place: the new frame is the
      one at the same step of the document's own passes. */
  function setExpanded(next, focusGroup = null) {
    player.pause();
    const state = store.get();
    const steps = state.pass === 'forward' ? passes.forward_steps : passes.backward_steps;
    const upto = state.step > 0 ? steps[state.step - 1].upto ?? state.step - 1 : -1;
    const before = positionsOf(doc);
    const oldItemOf = doc.drawn ? doc.drawn.itemOf : source.nodes.map((n) => n.id);
    expanded = next;
    const open = openList(next);
    applied = JSON.stringify(open);
    changing = true;
    try {
      const counts = rebuild();
      const now = state.pass === 'forward' ? passes.forward_steps : passes.backward_steps;
      const step = now.filter((s, k) => (s.upto ?? k) <= upto).length;
      store.setCounts(null);
      store.update({ open, step });
      store.setCounts(counts);
      onStage();
    } finally {
      changing = false;
    }
    graph.fadesWhole = true;
    paint(store.get(), null, { regrouped: true });   // the opened group's frame first, its board after
    animateChange(graph, doc, before, oldItemOf, zoom.view().box);
    if (focusGroup !== null) {
      const target = svg.querySelector(`[data-group-id="${focusGroup}"], [data-collapse-group="${focusGroup}"]`);
      if (target) target.focus({ preventScroll: true });
    }
  }

  // A picture of the whole drawing (export.js) needs the arrows the view never reached.
  svg.addEventListener(WHOLE_DRAWING, () => makeEveryArrow(graph));
  onGroupToggle(svg, (id, byKey) => setExpanded(toggled(expanded, id), byKey ? id : null));

  // Search names nodes and groups of the document as it came: open what hides
  // one, then find where it is drawn (collapsed groups renumber the drawing).
  const drawnIndexOf = (key) => (doc.drawnIndex ? doc.drawnIndex.get(key) : key);
  const drawnNodeOf = (id) => drawnIndexOf(doc.drawn ? doc.drawn.itemOf[id] : id);
  const enclosing = (groupId) => {
    const chain = [];
    for (let g = tree.byId.get(groupId)?.parent ?? null; g !== null; g = tree.byId.get(g).parent) chain.push(g);
    return chain;
  };
  navigation.hooks.reveal = (entry) => {
    const chain = entry.node !== undefined ? tree.chainOf[entry.node] : enclosing(entry.group);
    const missing = chain.filter((id) => !expanded.has(id));
    if (missing.length) setExpanded(new Set([...expanded, ...missing]));
    return missing.length > 0;   // whether the drawing changed
  };
  navigation.hooks.placeOf = (entry) => {
    if (entry.node !== undefined) {
      const node = doc.nodes[drawnNodeOf(entry.node)];
      return node ? [node.x, node.y] : null;
    }
    if (!expanded.has(entry.group)) {
      const node = doc.nodes[drawnIndexOf(groupKey(entry.group))];
      return node ? [node.x, node.y] : null;
    }
    const inside = source.nodes.filter((n) => tree.chainOf[n.id].includes(entry.group))
      .map((n) => doc.nodes[drawnNodeOf(n.id)]).filter(Boolean);
    if (!inside.length) return null;
    const xs = inside.map((n) => n.x);
    const ys = inside.map((n) => n.y);
    return [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
  };
  navigation.hooks.elementOf = (entry) => (entry.node !== undefined
    ? svg.querySelector(`g.node[data-node-id="${drawnNodeOf(entry.node)}"]`)
    : svg.querySelector(`[data-group-id="${entry.group}"], [data-collapse-group="${entry.group}"]`));
  const groupControls = root.querySelector('[data-testid="group-controls"]');

  store.subscribe(paint);

  /** Draw the document, then draw it again once the label fonts have
      loaded if they had not: labels are placed from measured text, and a
      fallback font measures differently. `svg[data-measured]` says that
      the labels on screen were measured with the fonts they are drawn in. */
  function draw() {
    graph = drawGraph(svg, doc);
    decorateGroups(graph, doc);
    graph.cullable = cullable(graph, BIG_GRAPH);
    graph.largeText = document.body.classList.contains('big');
    tooltip.attach(doc, graph);
    navigation.attach(doc, graph, source);   // search offers every name, collapsed groups' too
    const ready = LABEL_FONTS.every((font) => document.fonts.check(font));
    svg.dataset.measured = ready ? '1' : '0';
    if (!ready) {
      const drawn = doc;
      Promise.all(LABEL_FONTS.map((font) => document.fonts.load(font))).then(() => {
        if (doc !== drawn) return;
        redraw();
        paint();
      }, () => { svg.dataset.measured = '1'; });
    }
  }

  /** The same document drawn again (new label sizes), in the same view. */
  function redraw() {
    draw();
    onStage();
  }

  /** A new drawing into the zoom's view. A drawing of many parts is culled
      to what is near the view at once, before the browser first styles and
      lays it out: an opened neuron of the MLP has 356 arrows, of which a
      screen shows a few dozen (render.js makes only those). */
  function onStage() {
    zoom.retarget(graph.viewport);
    zoom.setBounds(graph.bounds, doc.nodes.length);
    cullGraph(graph, zoom.view().box);
  }

  return {
    player,
    navigation,
    /** Draw a document; `reset` starts it from the first frame. */
    load(next, { reset = false } = {}) {
      changing = true;
      try {
        loadDocument(next, reset);
      } finally {
        changing = false;
      }
      paint();
    },
    /** The document on show (null before the first): with collapsed groups, their view (group_document.js). */
    get doc() {
      return doc;
    },
    /** The document as it came, every node in it: what a request to the server is rebuilt from. */
    get source() {
      return source;
    },
    /** listener(doc, graph) after each document is drawn, before its first paint. */
    onLoad(listener) {
      loaded.push(listener);
    },
    /** listener(scene, state) after each paint. */
    onPaint(listener) {
      painted.push(listener);
    },
  };

  function loadDocument(next, reset) {
    source = decodeDocument(next);
    tree = groupTree(source);
    gradientsBox = createGradientsBox(root, source);
    if (reset) store.update({ open: null });
    applied = JSON.stringify(store.get().open);
    expanded = expandedFrom(source, store.get().open, tree);
    // Only a graph that opens collapsed needs them: on a small one they would take the graph's room.
    if (groupControls) groupControls.hidden = !tree.groups.length || source.nodes.length <= DRAWN_LIMIT;
    root.hidden = false;
    const counts = rebuild();
    if (!zoom) {
      zoom = createZoom(svg, graph.viewport, {
        onView: (box) => {
          cullGraph(graph, box);
          navigation.viewChanged(box);
        },
        fitMode: () => store.get().fit ?? null,
      });
      navigation.setZoom(zoom);
      controls = setupControls(root, { store, player, zoom, actions, atEdge });
      embed = setupEmbedCode(root, () => doc.title || 'your expression', store.href);
    }
    for (const listener of loaded) listener(doc, graph);
    store.setCounts(counts);
    if (reset) store.update({ pass: 'forward', step: 0, runs: 1 });
    onStage();
  }
}
