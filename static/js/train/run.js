/* "Run N steps": one request for the frame N steps on, whose trajectory is
   then drawn progressively (1.2 to 4 s at 2×), with a few fits along the way
   asked for on the side, so that the curve moves as the charts fill. Pause
   stops on the recorded step reached; the page then shows that step. */

import { reducedMotion } from '../motion.js';
import { fitRequest, frameRequest } from './api.js';
import { pointsUpTo, trajectoryOf } from './charts.js';
import { count } from './format.js';
import { limitOf } from './state.js';

const RUN_MS = [1200, 4000];   // how long a run takes to draw at 2×, shortest and longest
const RUN_FITS = 6;            // fits asked for along a run

/** `show(trajectory, at, values, fit)` draws step `at` of a run (fit: the
    latest fit that has come, {fit, step}, or null); `changed()` when a run
    starts or stops; `failed(message)`; `ended(step)` when it has played. */
export function createRun({ api, setup, table, show, changed, failed, ended }) {
  const maxStep = limitOf(table, 'step');
  let run = null;

  function stop() {
    if (!run) return null;
    cancelAnimationFrame(run.frame);
    const { at } = run;
    run = null;
    changed();
    return at;
  }

  /** Step s of the run (a recorded step at or before it), with its latest fit. */
  function reveal(token, s) {
    const { trajectory } = token;
    const k = Math.max(1, pointsUpTo(trajectory.steps, s));
    const at = trajectory.steps[k - 1];
    const values = {};
    for (const name of Object.keys(trajectory.params)) values[name] = trajectory.params[name][k - 1];
    const fitted = [...token.fits.keys()].filter((step) => step <= at);
    const step = fitted.length ? Math.max(...fitted) : null;
    show(trajectory, at, values, step === null ? null : { fit: token.fits.get(step), step });
    return at;
  }

  function askFits(token, state) {
    const { from, trajectory } = token;
    const span = trajectory.end - from;
    const steps = new Set();
    for (let k = 1; k < RUN_FITS; k += 1) steps.add(from + Math.round((span * k) / RUN_FITS));
    for (const step of steps) {
      if (step < 1 || step >= trajectory.end) continue;
      api.train(fitRequest(state, setup, step), '', { quiet: true }).then((result) => {
        if (run === token && result.answer && result.answer.fit) token.fits.set(step, result.answer.fit);
      });
    }
  }

  async function start(state) {
    stop();
    const from = state.step;
    const to = Math.min(from + state.n, maxStep);
    if (to === from) return;
    const token = { from, at: from, frame: 0, trajectory: null, fits: new Map() };
    run = token;
    changed();
    const result = await api.train(frameRequest(state, setup, to), `Training ${count(to - from)} steps…`);
    if (run !== token) return;
    if (result.error) {
      stop();
      failed(result.error.message);
      return;
    }
    const trajectory = trajectoryOf(result.answer, to);
    token.trajectory = trajectory;
    changed();
    askFits(token, state);
    const end = trajectory.end;
    const points = trajectory.steps.length - pointsUpTo(trajectory.steps, from);
    // Reduced motion: the run's readout jumps to its end.
    const duration = reducedMotion() ? 0 : Math.min(Math.max(300 + 12 * points, RUN_MS[0]), RUN_MS[1]) * (2 / state.speed);
    const began = performance.now();
    const tick = (now) => {
      if (run !== token) return;
      const p = duration > 0 ? Math.min(1, (now - began) / duration) : 1;
      token.at = reveal(token, Math.round(from + (end - from) * p));
      if (p < 1) {
        token.frame = requestAnimationFrame(tick);
        return;
      }
      stop();
      ended(end);
    };
    token.frame = requestAnimationFrame(tick);
  }

  return {
    start,
    /** Stop where the run is: the step reached, or null when none runs. */
    stop,
    get active() {
      return run !== null;
    },
    /** Drawing its trajectory (its answer has come). */
    get playing() {
      return run !== null && run.trajectory !== null;
    },
  };
}
