/* The entry of the offline copy of a view (app/offline.py bundles it, with
   the modules it imports and export.js, into the file's one script): the
   player of main.js without the form, which needs the server. The file
   opens on the frame it was exported at, unless its address names another
   (?pass=backward&step=3, as on the pages; the player keeps it there). */

import { setupEmbedHint } from './embed_hint.js';
import { setupEmbedProtocol } from './embed_protocol.js';
import { createStore, readTable, readUrl } from './state.js';
import { jumpAfterEachStep } from './motion.js';
import { setupThemeToggle } from './theme.js';
import { setupTeaching } from './teach.js';
import { setupFullscreen } from './fullscreen.js';
import { createView } from './view.js';

function readJson(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

function start() {
  const root = document.getElementById('player');
  // Framed (a deck's iframe): laid out as an embed, the player alone filling the frame.
  if (window.parent !== window) document.body.classList.add('embed');
  const doc = readJson('graph-document');
  const frame = readJson('offline-frame') || {};
  const table = readTable();
  const initial = readUrl(location.href, table);
  const query = new URL(location.href).searchParams;
  if (!query.has('pass') && !query.has('step')) {
    initial.pass = frame.pass || 'forward';
    initial.step = Number(frame.step) || 0;
  }
  const store = createStore(table, initial);
  if (initial.controls === false) root.classList.add('no-controls');
  let protocol = { atEdge: () => false };   // a framed copy speaks to its deck
  const view = createView(root, store, { atEdge: (direction) => protocol.atEdge(direction) });
  setupTeaching(root, { store, view });
  view.load(doc);
  jumpAfterEachStep(store);
  setupFullscreen(root);
  setupEmbedHint(root);
  setupThemeToggle(root.querySelector('[data-testid="theme-toggle"]'), store);
  protocol = setupEmbedProtocol({ store, player: view.player });
  document.body.dataset.ready = '1';
  performance.mark('chainrule-ready');
  if (initial.autoplay) view.player.play();
}

start();
