/* POST /api/train as the Train view asks it. Answers are kept (a run is
   deterministic: the same request always gets the same answer), a busy
   server (503) is asked again after its Retry-After, and every failure comes
   back as {error: {message}}: this never throws. Numbers in the answers may
   be "Infinity", "-Infinity" or "NaN": read them with format.num.

   The requests:
     frame t   {steps: max(t, 1), document_step: steps − 1}: the sample of
               update t at the parameters before it, the update, the run's
               trajectory up to t, and (t ≥ 1) the fit and objective after it;
     start     the fit and objective at the start values;
     reference the example's own run, which sets where the landscape is drawn;
     landscape the loss over a grid of two parameters.
   Each names its graph with graphOf(setup): a course example by its slug,
   or an expression (/graph/train) with its data spec or CSV. */

import { postJSON, sleep } from '../api.js';
import { runOf } from './state.js';

export const MAX_POINTS = 1000;      // recorded points of a trajectory
const KEEP = 60;                     // answers kept
const RETRIES = 6;

/** A data column as the page writes it: `arange:start,stop,step` (or
    `arange(start, stop, step)`), else a formula of the other columns. */
export function columnOf(text) {
  const match = /^\s*arange\s*[:(]?\s*([^)]*?)\s*\)?\s*$/.exec(String(text));
  if (match) {
    const numbers = match[1].split(/[,\s]+/).filter(Boolean).map(Number);
    if (numbers.length === 3) return { arange: numbers };
  }
  return String(text).trim();
}

/** The graph part of every request: {example} or {source, values, data|csv, params, prediction}. */
export function graphOf(setup) {
  if (setup.slug) return { example: setup.slug };
  const body = { source: setup.source, values: setup.values || {}, params: setup.start };
  if (setup.csv) body.csv = setup.csv;
  else body.data = Object.fromEntries(setup.data.map((name) => [name, columnOf(setup.spec[name])]));
  if (setup.prediction) body.prediction = setup.prediction;
  return body;
}

/** Frame t's request (see above); the run's settings from the state. */
export function frameRequest(state, setup, t = state.step) {
  const steps = Math.max(t, 1);
  return { ...graphOf(setup), ...runOf(state, setup), steps, document_step: steps - 1, max_points: MAX_POINTS };
}

/** The fit after t updates, alone (no document, one recorded point). */
export function fitRequest(state, setup, t) {
  return { ...graphOf(setup), ...runOf(state, setup), steps: t, max_points: 1 };
}

/** The objective and the fit at the start values: a run of no steps. */
export function startRequest(state, setup) {
  const body = { ...graphOf(setup), steps: 0, max_points: 1 };
  if (setup.points) body.points = state.points;
  return body;
}

/** The example's own run, ten times as long (capped): where its training
    goes, which the landscape should show. */
export function referenceRequest(setup) {
  return { ...graphOf(setup), steps: Math.min(setup.steps * 10, 200_000), max_points: 400 };
}

export function landscapeRequest(state, setup, x, y, xRange, yRange) {
  const body = { ...graphOf(setup), steps: 1, max_points: 1, landscape: { x, y, x_range: xRange, y_range: yRange } };
  if (setup.points) body.points = state.points;
  return body;
}

/** {answer} or {error: {message, status}}; a busy server is asked again.
    Too many runs from this address (429): `waiting(text)` shows the wait
    (a token for `done`), and the run is asked again when it is over. */
async function post(body, { waiting = () => null, done = () => {} } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const answer = await postJSON('/api/train', body, { retries: RETRIES });
    if (answer.error && answer.error.status === 429 && attempt < RETRIES) {
      const seconds = Math.min(answer.error.retryAfter, 60);
      const token = waiting(`Too many training runs from this address just now: waiting ${seconds} s…`);
      await sleep(seconds * 1000);
      done(token);
      continue;
    }
    return answer.error ? answer : { answer: answer.body };
  }
}

/** `train(body, what)`: the answer, from memory if it was asked before;
    `what` is the progress text shown while it takes long (progress.js),
    unless `quiet` (work the page does on the side). */
export function createTrainApi(progress) {
  const kept = new Map();
  return {
    async train(body, what, { quiet = false } = {}) {
      const key = JSON.stringify(body);
      if (!kept.has(key)) {
        const token = quiet ? null : progress.begin(what);
        const pending = post(body, quiet ? {} : { waiting: (text) => progress.begin(text), done: (t) => progress.end(t) })
          .finally(() => { if (token !== null) progress.end(token); });
        kept.set(key, pending);
        const result = await pending;
        if (result.error) kept.delete(key);   // a failure is asked again next time
        while (kept.size > KEEP) kept.delete(kept.keys().next().value);
        return result;
      }
      const pending = kept.get(key);
      kept.delete(key);   // most recently used last
      kept.set(key, pending);
      return pending;
    },
  };
}
