/* The Train view's entry. The state (state.js) says which frame is on show;
   frames.js asks /api/train for that frame (api.js) and draws it: the
   sample's graph in the player (../view.js, as on the example page), the
   update beside it, the charts and the landscape (landscape_sync.js) up to
   the step on show. The toolbar's moves are moves.js; "run N steps" is
   run.js. Everything in the URL, so a reload lands where the page was. When
   the page has drawn its first frame it sets body[data-train-ready]. */

import { readTable } from '../state.js';
import { createView } from '../view.js';
import { createTrainApi } from './api.js';
import { createBanner } from './banner.js';
import { createCharts } from './charts.js';
import { setupTrainControls } from './controls.js';
import { setupDataPanel } from './data.js';
import { createFitChart } from './fit.js';
import { createFrames } from './frames.js';
import { createLandscape } from './landscape.js';
import { createLandscapeSync } from './landscape_sync.js';
import { createMoves } from './moves.js';
import { createProgress } from './progress.js';
import { createReadout } from './readout.js';
import { createRun } from './run.js';
import { createTrainStore, playerStoreOf, readTrainUrl } from './state.js';
import { createUpdates } from './updates.js';

function readJson(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

/** Run `action`; a failure shows in the banner instead of stopping the page. */
function guarded(banner) {
  return (what, action) => {
    try {
      return action();
    } catch (exc) {
      console.error(exc);
      banner.error(`${what} failed (${exc.message}).`);
      return undefined;
    }
  };
}

/** The parts of the page, each of which draws one thing. */
function createParts(container, root, setup, store) {
  const find = (id) => container.querySelector(`[data-testid="${id}"]`);
  const gd = setup.optimizer === 'gd';
  const banner = createBanner(find('train-banner'));
  return {
    container,
    find,
    setup,
    store,
    banner,
    guard: guarded(banner),
    view: createView(root, playerStoreOf(store)),
    api: createTrainApi(createProgress(find('train-progress'), container)),
    charts: createCharts({ lossFigure: find('chart-loss'), paramsBox: find('param-charts'), lossHint: find('loss-hint') }, setup, { gd }),
    fit: createFitChart(find('chart-fit'), find('fit-note'), setup.labels),
    landscape: createLandscape(find('chart-landscape'), find('landscape-note'), setup.labels),
    updates: createUpdates(container.querySelector('.train-side'), root, setup),
    readout: createReadout(find('train-readout'), setup, gd),
  };
}

/** The toolbar's buttons from what runs: a request, a run, the player. */
function controlsPainter(page) {
  const { container, store, view } = page;
  return () => {
    const playing = view.player.playing;
    const running = page.run.active;
    page.controls.paint(store.get(), { running: running || store.session.wanted !== null, playing });
    container.dataset.running = running || playing ? '1' : '0';
    container.classList.toggle('running', page.run.playing);
  };
}

function start() {
  const setup = readJson('train-setup');
  const container = document.querySelector('[data-testid="train"]');
  const root = document.getElementById('player');
  if (!setup || !container || !root) return;
  const table = readTable();
  const store = createTrainStore(readTrainUrl(location.href, table), table);
  if (store.get().controls === false) container.classList.add('no-controls');
  const page = createParts(container, root, setup, store);
  if (setup.source) setupDataPanel(page.find('train-data'), setup, page.api);

  const frames = createFrames(page);
  page.run = createRun({
    api: page.api,
    setup,
    table,
    show: frames.showRun,
    changed: () => page.paintControls(),
    failed: (message) => page.banner.error(message),
    ended(step) {
      store.update({ step, pass: null, passStep: null });
      frames.sync();
    },
  });
  page.controls = setupTrainControls(container, store, setup, createMoves(page, frames));
  page.paintControls = controlsPainter(page);
  const syncLandscape = createLandscapeSync(page, frames.paint);

  page.view.player.onChange(page.paintControls);
  store.subscribe((state, previous) => {
    frames.sync();
    if (state.points !== previous.points || JSON.stringify(state.landscape) !== JSON.stringify(previous.landscape)) {
      syncLandscape();
    }
  });
  frames.sync();
  syncLandscape();
  // The page's own entry (main.js) is not loaded here: say the page has
  // started as it would (body[data-ready]); the first frame sets data-train-ready.
  document.body.dataset.ready = '1';
}

start();
