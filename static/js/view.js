/* The player view: one document drawn, and every part (graph, board,
   controls, zoom, embed code) repainted from the store's state. */

import { setupControls } from './controls.js';
import { setupEmbedCode } from './embed_code.js';
import { createPanel } from './panel.js';
import { setupNavigation } from './navigation.js';
import { createPlayer } from './player.js';
import { cullGraph, drawGraph, paintGraph } from './render.js';
import { passesOf, sceneOf } from './scene.js';
import { setupTooltip } from './tooltip.js';
import { BIG_GRAPH, createZoom } from './zoom.js';

// The fonts the graph's labels are set in (app.css): KaTeX's, vendored.
const LABEL_FONTS = ['15px KaTeX_Main', 'bold 15px KaTeX_Main', 'italic 15px KaTeX_Math', 'italic bold 15px KaTeX_Math'];

/** `atEdge` (optional): see keys.js; an embed hands the keys back to its deck at either end. */
export function createView(root, store, { atEdge = null } = {}) {
  const svg = root.querySelector('svg.graph');
  const player = createPlayer(store);
  const tooltip = setupTooltip(root.querySelector('.stage'), svg);
  const navigation = setupNavigation(root, store);   // heat-map, search, minimap
  let doc = null;
  let passes = null;
  let graph = null;
  let panel = null;
  let zoom = null;
  let controls = null;
  let embed = null;

  function paint() {
    if (!doc) return;
    const state = store.get();
    const scene = sceneOf(doc, passes, state);
    controls.paint();   // sets body.big first: large text is measured anew
    if (graph.largeText !== document.body.classList.contains('big')) redraw();
    paintGraph(graph, doc, scene);
    navigation.paint(scene);
    panel.paint(scene);
    embed.refresh();
    tooltip.refresh();
    const focus = scene.current === null ? doc.nodes.find((n) => n.kind !== 'op') : doc.nodes[scene.current];
    zoom.focusOn([focus.x, focus.y], state.pass);
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
  };

  store.subscribe(paint);

  /** Draw the document, then draw it again once the label fonts have
      loaded if they had not: labels are placed from measured text, and a
      fallback font measures differently. `svg[data-measured]` says that
      the labels on screen were measured with the fonts they are drawn in. */
  function draw() {
    graph = drawGraph(svg, doc);
    graph.big = doc.nodes.length > BIG_GRAPH;
    graph.largeText = document.body.classList.contains('big');
    tooltip.attach(doc, graph);
    navigation.attach(doc, graph);
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
    zoom.retarget(graph.viewport);
    zoom.setBounds(graph.bounds, doc.nodes.length);
  }

  return {
    player,
    navigation,
    /** Draw a document; `reset` starts it from the first frame. */
    load(next, { reset = false } = {}) {
      doc = next;
      passes = passesOf(doc);
      root.hidden = false;
      draw();
      if (!zoom) {
        // Only big graphs are culled: for the others it would cost more than it saves.
        zoom = createZoom(svg, graph.viewport, {
          onView: (box) => {
            if (graph.big) cullGraph(graph, box);
            navigation.viewChanged(box);
          },
          fitMode: () => store.get().fit ?? null,
        });
        navigation.setZoom(zoom);
        controls = setupControls(root, { store, player, zoom, actions, atEdge });
        embed = setupEmbedCode(root, () => doc.title || 'your expression');
      } else {
        zoom.retarget(graph.viewport);
      }
      panel = createPanel(root, doc, passes);
      const counts = { forward: passes.forward_steps.length, backward: passes.backward_steps.length };
      player.setCounts(counts);
      store.setCounts(counts);
      if (reset) store.update({ pass: 'forward', step: 0, runs: 1 });
      zoom.setBounds(graph.bounds, doc.nodes.length);
      paint();
    },
  };
}
