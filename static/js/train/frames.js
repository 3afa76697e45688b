/* The frame on show: sync() asks /api/train for the frame the state names
   (api.js) and draws it: the sample's graph in the player, the update
   beside it, the charts and the landscape's path up to the step on show,
   and the objective and fit there (asked for on the side when the frame's
   own answer does not have them). What it keeps between calls (the frame
   drawn, the requests on their way) is the store's session (state.js). */

import { num } from '../format.js';
import { frameRequest, startRequest } from './api.js';
import { pointsUpTo, trajectoryOf } from './charts.js';
import { count } from './format.js';
import { standing } from './state.js';

/** The parameters at the step on show: before this frame's update, or after it. */
export function valuesOf(answer, landed) {
  const values = {};
  for (const [name, u] of Object.entries(answer.update || {})) values[name] = num(landed ? u.after : u.before);
  return values;
}

/** `page`: the page's parts (main.js): setup, store, view, api, banner,
    charts, fit, landscape, updates, readout, guard, and, once made, run,
    controls and paintControls. */
export function createFrames(page) {
  const { setup, store, view, api, banner, charts, fit, landscape, updates, readout, guard } = page;
  const session = store.session;
  const frameKey = (state) => `${state.step}|${JSON.stringify(frameRequest(state, setup))}`;

  /** The frame's own place, when the state does not say: the update landed (t ≥ 1), or the start. */
  function settlePlace() {
    const { frame } = session;
    const counts = store.counts();
    if (store.get().pass === null && frame && counts) {
      store.update(frame.t >= 1 ? { pass: 'backward', passStep: counts.backward } : { pass: 'forward', passStep: 0 });
    }
  }

  async function sync() {
    const state = store.get();
    const key = frameKey(state);
    if (session.frame && session.frame.key === key) {
      settlePlace();
      paint();
      return;
    }
    if (session.wanted === key) return;
    session.wanted = key;
    page.paintControls();
    const t = state.step;
    const result = await api.train(frameRequest(state, setup), t > 1 ? `Replaying ${count(t)} training steps…` : 'Training…');
    if (session.wanted !== key) return;
    session.wanted = null;
    if (result.error) {
      session.playOnLoad = false;
      banner.error(result.error.message);
      page.paintControls();
      return;
    }
    if (t > 1 && result.answer.steps_done < t) {
      // The run stopped early (a value became inf or nan): the last step it made is the frame.
      session.playOnLoad = false;
      store.update({ step: result.answer.steps_done, pass: null, passStep: null });
      return;
    }
    guard('Drawing this step', () => load(key, t, result.answer));
    if (session.playOnLoad) {
      session.playOnLoad = false;
      view.player.play();
    }
  }

  function load(key, t, answer) {
    const before = session.frame;
    const fresh = !before || before.answer.diverged !== answer.diverged || before.answer.lr !== answer.lr;
    session.frame = { key, t, answer, trajectory: trajectoryOf(answer, t) };
    updates.reset();
    view.load(answer.document);
    settlePlace();
    if (answer.diverged) {
      banner.diverged(answer.warnings);
      if (fresh) page.controls.focusRate();
    } else {
      banner.hide();
    }
    paint();
    if (!document.body.dataset.trainReady) {
      document.body.dataset.trainReady = '1';
      performance.mark('chainrule-train-ready');
    }
  }

  function paint() {
    page.paintControls();
    if (!session.frame || page.run.active) return;
    guard('Drawing this step', () => {
      const { t, answer, trajectory } = session.frame;
      const { landed, shown } = standing(store.get(), store.counts(), t);
      const values = valuesOf(answer, landed);
      updates.paint({ doc: view.doc, answer, t, landed });   // as drawn: decoded and laid out (view.js)
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
    session.auxStep = null;
    const { frame } = session;
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
    if (session.auxStep === shown) return;
    session.auxStep = shown;
    const state = store.get();
    const body = shown === 0 ? startRequest(state, setup) : frameRequest(state, setup, shown);
    const result = await api.train(body, 'Evaluating the model…');
    if (session.auxStep !== shown || !session.frame || page.run.active) return;
    if (result.error) return;
    guard('Drawing the fit', () => showAux(shown, result.answer));
  }

  /** The trajectory on the landscape up to step `shown`, ending at `values`. */
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

  /** Step `at` of a run being drawn (run.js), with the latest fit that has come. */
  function showRun(trajectory, at, values, latest) {
    guard('Drawing the run', () => {
      charts.show(trajectory, at, values);
      paintPath(trajectory, at, values);
      readout.paint(at, values, undefined);
      if (latest) fit.setFit(latest.fit, latest.step);
    });
  }

  return { sync, paint, showRun };
}
