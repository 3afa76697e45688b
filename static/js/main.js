/* The page's entry: read the state from the URL and the document from its
   JSON data block, start the player and the form, then say the page is
   ready (body[data-ready] and the performance mark "chainrule-ready", which
   the browser tests and bench/bench_page.py wait for). */

import { postJSON } from './api.js';
import { setupEmbedHint } from './embed_hint.js';
import { setupEmbedProtocol } from './embed_protocol.js';
import { setupForm } from './form.js';
import { createStore, readTable, readUrl } from './state.js';
import { jumpAfterEachStep } from './motion.js';
import { setupThemeToggle } from './theme.js';
import { openingDocument, setupTeaching } from './teach.js';
import { setupFullscreen } from './fullscreen.js';
import { createView } from './view.js';

function readJson(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

/** A /graph link with a source and no values: name the inputs it needs. */
async function nameMissingValues(empty, state) {
  const asked = await postJSON('/api/inputs', { source: state.source });
  if (asked.error) return;
  const missing = asked.body.inputs.filter((input) => input.value === null && !(input.name in state.values));
  if (!missing.length || empty.hidden) return;
  const names = missing.map((input) => input.name).join(', ');
  empty.textContent = `This link gives no value for ${names}. Set ${missing.length > 1 ? 'them' : 'it'} above `
    + '(1 for now), then press “Draw the graph”.';
}

async function start() {
  const root = document.getElementById('player');
  const form = document.getElementById('expression-form');
  // The page's table says which keys it has: the form's (on / and /graph), the player's.
  const table = readTable();
  const initial = readUrl(location.href, table);
  const doc = root ? await openingDocument(readJson('graph-document'), initial, postJSON) : null;
  const store = createStore(table, initial);
  let view = null;
  // A framed view speaks to its deck (embed_protocol.js); elsewhere the keys stay here.
  let protocol = { atEdge: () => false };
  if (root) {
    if (initial.controls === false) root.classList.add('no-controls');
    view = createView(root, store, { atEdge: (direction) => protocol.atEdge(direction) });
    setupTeaching(root, { store, view, post: postJSON });
    if (doc) view.load(doc);
    jumpAfterEachStep(store);
    setupFullscreen(root);
    setupEmbedHint(root);
    setupThemeToggle(root.querySelector('[data-testid="theme-toggle"]'), store);
    protocol = setupEmbedProtocol({ store, player: view.player });
  }
  if (form) {
    setupForm(form, store, {
      onDocument: view ? (doc) => {
        view.load(doc, { reset: true });
        // The new graph has the keys: focus moves from the Draw button to the player.
        if (form.contains(document.activeElement)) root.focus({ preventScroll: true });
        const empty = document.querySelector('[data-testid="no-graph"]');
        if (empty) empty.hidden = true;
        const summary = document.querySelector('[data-testid="summary-source"]');
        if (summary) summary.textContent = store.get().source.trim().split('\n').join('; ');
      } : null,
    });
  }
  const empty = document.querySelector('[data-testid="no-graph"][data-needs-values]');
  if (empty) nameMissingValues(empty, store.get());
  document.body.dataset.ready = '1';
  performance.mark('chainrule-ready');
  if (view && initial.autoplay) view.player.play();
}

start();
