/* The page's entry: read the state from the URL and the document from its
   JSON data block, start the player and the form, then say the page is
   ready (body[data-ready] and the performance mark "chainrule-ready", which
   the browser tests and bench/bench_page.py wait for). */

import { setupForm } from './form.js';
import { createStore, readTable, readUrl } from './state.js';
import { createView } from './view.js';

function readJson(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

function start() {
  const root = document.getElementById('player');
  const form = document.getElementById('expression-form');
  // The page's table says which keys it has: the form's (on / and /graph), the player's.
  const table = readTable();
  const initial = readUrl(location.href, table);
  const store = createStore(table, initial);
  let view = null;
  if (root) {
    if (initial.controls === false) root.classList.add('no-controls');
    view = createView(root, store);
    const doc = readJson('graph-document');
    if (doc) view.load(doc);
  }
  if (form) {
    setupForm(form, store, {
      onDocument: view ? (doc) => {
        view.load(doc, { reset: true });
        const empty = document.querySelector('[data-testid="no-graph"]');
        if (empty) empty.hidden = true;
        const summary = document.querySelector('[data-testid="summary-source"]');
        if (summary) summary.textContent = store.get().source.trim().split('\n').join('; ');
      } : null,
    });
  }
  document.body.dataset.ready = '1';
  performance.mark('chainrule-ready');
  if (view && initial.autoplay) view.player.play();
}

start();
