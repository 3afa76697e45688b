/* The Train view's entry. The state (state.js) says which frame is on show;
   sync() asks /api/train for that frame (api.js) and draws it: the sample's
   graph in the player (../view.js, as on the example page), the update
   beside it, the charts and the landscape up to the step on show. Two moves
   animate:
     step one update   the next frame's passes play in the player, then its
                       update lands on the parameters and on the charts;
     run N steps       one request for the frame N steps on, whose trajectory
                       the charts then draw progressively; pause stops on the
                       step reached.
   Everything in the URL, so a reload lands where the page was. When the page
   has drawn its first frame it sets body[data-train-ready]. */

import { num } from '../format.js';
import { createView } from '../view.js';
import { createTrainApi, frameRequest, landscapeRequest, referenceRequest, startRequest } from './api.js';
import { createBanner } from './banner.js';
import { setupDataPanel } from './data.js';
import { createCharts, pointsUpTo, trajectoryOf } from './charts.js';
import { createRun } from './run.js';
import { setupTrainControls } from './controls.js';
import { createFitChart } from './fit.js';
import { count } from './format.js';
import { createLandscape } from './landscape.js';
import { createProgress } from './progress.js';
import { hasCourseRange, landscapeRanges } from './ranges.js';
import { createReadout } from './readout.js';
import { createTrainStore, playerStoreOf, readTrainUrl, standing } from './state.js';
import { createUpdates } from './updates.js';


function readJson(id) {
  const block = document.getElementById(id);
  return block ? JSON.parse(block.textContent) : null;
}

function start() {
  const setup = readJson('train-setup');
  const container = document.querySelector('[data-testid="train"]');
  const root = document.getElementById('player');
  if (!setup || !container || !root) return;
  const find = (id) => container.querySelector(`[data-testid="${id}"]`);
  const gd = setup.optimizer === 'gd';
  const store = createTrainStore(readTrainUrl(location.href, setup), setup);
  if (store.get().kept.controls === '0') container.classList.add('no-controls');
  const view = createView(root, playerStoreOf(store));
  const progress = createProgress(find('train-progress'), container);
  const api = createTrainApi(progress);
  const banner = createBanner(find('train-banner'));
  const charts = createCharts({ lossFigure: find('chart-loss'), paramsBox: find('param-charts'), lossHint: find('loss-hint') }, setup, { gd });
  const fit = createFitChart(find('chart-fit'), find('fit-note'), setup.labels);
  const landscape = createLandscape(find('chart-landscape'), find('landscape-note'), setup.labels);
  const updates = createUpdates(container.querySelector('.train-side'), root, setup);
  const readout = createReadout(find('train-readout'), setup, gd);
  if (setup.source) setupDataPanel(find('train-data'), setup, api);

  let frame = null;      // the frame drawn: {key, t, answer, trajectory}
  let wanted = null;     // the key of the frame being asked for
  let afterLoad = null;  // what to do once that frame is drawn
  let aux = null;        // the step whose objective and fit are being asked for
  let landscapeKey = null;
  let reference = null;

  const run = createRun({
    api,
    setup,
    show(trajectory, at, values, latest) {
      guard('Drawing the run', () => {
        charts.show(trajectory, at, values);
        paintPath(trajectory, at, values);
        readout.paint(at, values, undefined);
        if (latest) fit.setFit(latest.fit, latest.step);
      });
    },
    changed: () => paintControls(),
    failed: (message) => banner.error(message),
    ended(step) {
      store.update({ step, pass: null, node: null });
      sync();
    },
  });

  const frameKey = (state) => `${state.step}|${JSON.stringify(frameRequest(state, setup))}`;

  function guard(what, action) {
    try {
      return action();
    } catch (exc) {
      console.error(exc);
      banner.error(`${what} failed (${exc.message}).`);
      return undefined;
    }
  }

  // --- the frame -----------------------------------------------------------------

  /** The frame's own place, when the state does not say: the update landed (t ≥ 1), or the start. */
  function settlePlace() {
    const state = store.get();
    const counts = store.counts();
    if (state.pass === null && frame && counts) {
      store.update(frame.t >= 1 ? { pass: 'backward', node: counts.backward } : { pass: 'forward', node: 0 });
    }
  }

  async function sync() {
    const state = store.get();
    const key = frameKey(state);
    if (frame && frame.key === key) {
      settlePlace();
      paint();
      return;
    }
    if (wanted === key) return;
    wanted = key;
    paintControls();
    const t = state.step;
    const result = await api.train(frameRequest(state, setup), t > 1 ? `Replaying ${count(t)} training steps…` : 'Training…');
    if (wanted !== key) return;
    wanted = null;
    if (result.error) {
      afterLoad = null;
      banner.error(result.error.message);
      paintControls();
      return;
    }
    if (t > 1 && result.answer.steps_done < t) {
      // The run stopped early (a value became inf or nan): the last step it made is the frame.
      afterLoad = null;
      store.update({ step: result.answer.steps_done, pass: null, node: null });
      return;
    }
    guard('Drawing this step', () => load(key, t, result.answer));
    const then = afterLoad;
    afterLoad = null;
    if (then) then();
  }

  function load(key, t, answer) {
    const fresh = !frame || frame.answer.diverged !== answer.diverged || frame.answer.lr !== answer.lr;
    frame = { key, t, answer, trajectory: trajectoryOf(answer, t) };
    updates.reset();
    view.load(answer.document);
    settlePlace();
    if (answer.diverged) {
      banner.diverged(answer.warnings);
      if (fresh) controls.focusRate();
    } else {
      banner.hide();
    }
    paint();
    if (!document.body.dataset.trainReady) {
      document.body.dataset.trainReady = '1';
      performance.mark('chainrule-train-ready');
    }
  }

  /** The parameters at the step on show: before this frame's update, or after it. */
  function valuesOf(answer, landed) {
    const values = {};
    for (const [name, u] of Object.entries(answer.update || {})) values[name] = num(landed ? u.after : u.before);
    return values;
  }

  function paint() {
    paintControls();
    if (!frame || run.active) return;
    guard('Drawing this step', () => {
      const state = store.get();
      const { t, answer, trajectory } = frame;
      const { landed, shown } = standing(state, store.counts(), t);
      const values = valuesOf(answer, landed);
      updates.paint({ doc: answer.document, answer, t, landed });
      charts.show(trajectory, shown, values);
      paintPath(trajectory, shown, values);
      const here = landed && shown === t ? answer : null;
      readout.paint(shown, values, here ? num(here.final_loss) : undefined, answer.rows);
      if (here) showAux(shown, here);
      else askAux(shown);
    });
  }

  /** The objective and the fit at step `shown`, from the answer that has them there. */
  function showAux(shown, answer) {
    aux = null;
    const { landed, shown: now } = frame ? standing(store.get(), store.counts(), frame.t) : {};
    if (now !== shown) return;
    readout.paint(shown, valuesOf(frame.answer, landed), num(answer.final_loss), answer.rows);
    if (answer.fit) {
      fit.setFit(answer.fit, shown);
    } else {
      const features = Object.keys(answer.data).length - 1;
      fit.none(features > 1
        ? `The data has ${features} features: there is no single curve to draw against one of them. The loss and the landscape show the fit.`
        : 'The fit cannot be drawn for this example.');
    }
  }

  async function askAux(shown) {
    if (aux === shown) return;
    aux = shown;
    const state = store.get();
    const body = shown === 0 ? startRequest(state, setup) : frameRequest(state, setup, shown);
    const result = await api.train(body, 'Evaluating the model…');
    if (aux !== shown || !frame || run.active) return;
    if (result.error) return;
    guard('Drawing the fit', () => showAux(shown, result.answer));
  }

  function paintPath(trajectory, shown, values) {
    const pair = store.get().landscape;
    if (!pair) return;
    const [x, y] = pair;
    const k = pointsUpTo(trajectory.steps, shown);
    const xs = trajectory.params[x].slice(0, k);
    const ys = trajectory.params[y].slice(0, k);
    if (k === 0 || trajectory.steps[k - 1] !== shown) {
      xs.push(values[x]);
      ys.push(values[y]);
    }
    landscape.setPath(xs, ys, [values[x], values[y]], shown);
  }

  // --- the landscape ---------------------------------------------------------------

  async function syncLandscape() {
    const state = store.get();
    if (!state.landscape) {
      landscape.clear('The landscape needs two parameters; this model has one.');
      find('landscape-axes').hidden = true;
      return;
    }
    if (!state.landscape.every((name) => hasCourseRange(setup, name)) && !reference) {
      reference = api.train(referenceRequest(setup), 'Running the course’s training to place the landscape…');
    }
    const ref = reference ? await reference : null;
    const ranges = landscapeRanges(setup, ref && ref.answer, state.landscape);
    const body = landscapeRequest(state, setup, ...state.landscape, ranges.x, ranges.y);
    const key = JSON.stringify(body);
    if (key === landscapeKey) return;
    landscapeKey = key;
    const cells = (r) => Math.max(1, Math.ceil((r[1] - r[0]) / r[2]));
    const result = await api.train(body, `Computing the loss landscape (${cells(ranges.x)} × ${cells(ranges.y)} grid)…`);
    if (landscapeKey !== key) return;
    if (result.error) {
      landscape.clear(`The landscape cannot be drawn: ${result.error.message}`);
      return;
    }
    guard('Drawing the landscape', () => {
      landscape.setGrid(result.answer.landscape);
      paint();
    });
  }

  // --- the moves ---------------------------------------------------------------------

  function pause() {
    if (run.active) {
      store.update({ step: run.stop(), pass: null, node: null });
      sync();
      return;
    }
    view.player.pause();
    paintControls();
  }

  function stepOnce() {
    if (run.active) {
      pause();
      return;
    }
    if (!frame || wanted) return;
    const state = store.get();
    const counts = store.counts();
    if (view.player.playing) {   // pressed again: straight to the update
      view.player.pause();
      store.update({ pass: 'backward', node: counts.backward });
      return;
    }
    const { landed } = standing(state, counts, frame.t);
    if (frame.t >= 1 && !landed) {   // this frame's update first
      view.player.play();
      return;
    }
    if (frame.t === 0 && state.pass === 'backward' && state.node === counts.backward) {
      // The first sample's passes are through already (frame 1 shows the same sample): land its update.
      store.update({ step: 1 });
      return;
    }
    afterLoad = () => view.player.play();
    store.update({ step: state.step + 1, pass: 'forward', node: 0 });
  }

  const controls = setupTrainControls(container, store, setup, {
    'train-step': stepOnce,
    'train-run': () => {
      view.player.pause();
      run.start(store.get());
    },
    'train-pause': pause,
    'train-reset': () => {
      run.stop();
      view.player.pause();
      store.update({ step: 0, pass: null, node: null });
    },
    settings(values) {
      const changed = ['lr', 'order', 'seed', 'points'].some((key) => key in values && values[key] !== store.get()[key]);
      if (changed) {
        run.stop();
        view.player.pause();
      }
      store.update(values);
    },
  });

  function paintControls() {
    const playing = view.player.playing;
    controls.paint(store.get(), { running: run.active || wanted !== null, playing });
    container.dataset.running = run.active || playing ? '1' : '0';
    container.classList.toggle('running', run.playing);
  }

  view.player.onChange(paintControls);
  store.subscribe((state, previous) => {
    sync();
    if (state.points !== previous.points || JSON.stringify(state.landscape) !== JSON.stringify(previous.landscape)) {
      syncLandscape();
    }
  });
  sync();
  syncLandscape();
  // The page's own entry (main.js) is not loaded here: say the page has
  // started as it would (body[data-ready]); the first frame sets data-train-ready.
  document.body.dataset.ready = '1';
}

start();
