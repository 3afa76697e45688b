/* The Train view's whole state, declared once and mirrored in the URL, so a
   reload or a shared link lands on the same training frame.

   Keys: step (t, the updates done), lr, order, seed, points (they make the
   run), steps (the N of "Run N steps"), landscape (x,y: its two
   parameters); the player's place in the sample's passes: pass and node
   (numbered as in ../state.js: pass=forward node=0 is the inputs alone);
   speed and big as on the player. Kept as they came: controls, and on an
   expression's page its graph and data (source, values, data, labels,
   title, csv, spec_<name>).

   Frame t ≥ 1 is the update that brought the run to t: the graph shows its
   sample at the parameters before it, the player steps through its forward
   and backward passes, and at the end of the backward pass the update lands
   (w ← w − α·∂ℓ/∂w). Until it lands the charts stand at t − 1, then at t.
   Frame 0 shows the first sample, before any update. pass and node null
   mean "the frame's own place": the end of the backward pass for t ≥ 1 (the
   update landed), the start of the forward pass for t = 0.

   Every change goes through store.update(patch), which clamps, rewrites the
   URL (history.replaceState) and tells the listeners. */

import { createUrlStore, PASSES, SPEEDS } from '../state.js';

export const MAX_STEPS = 2_000_000;    // as POST /api/train allows
export const MAX_ROWS = 100_000;
export const DEFAULT_SPEED = 2;        // one update's passes in ~6 s
const KEPT = ['controls'];
const GRAPH_KEYS = ['source', 'values', 'data', 'labels', 'title', 'csv'];

export function paramNames(setup) {
  return setup.params;
}

/** The two parameters the landscape is drawn over by default, or null. */
export function defaultLandscape(setup) {
  const names = paramNames(setup);
  if (setup.landscape && setup.landscape.length === 2) return [...setup.landscape];
  return names.length >= 2 ? names.slice(0, 2) : null;
}

function integer(text, low, high) {
  const x = Number(text);
  return text !== null && text !== '' && Number.isInteger(x) && x >= low && x <= high ? x : null;
}

function positive(text) {
  const x = Number(text);
  return text !== null && text !== '' && Number.isFinite(x) && x > 0 ? x : null;
}

/** The state a URL describes, the example's settings filling the gaps. */
export function readTrainUrl(href, setup) {
  const query = new URL(href).searchParams;
  const landscape = (query.get('landscape') || '').split(',').map((s) => s.trim());
  const speed = Number(query.get('speed'));
  const node = integer(query.get('node'), 0, 10_000);
  const state = {
    step: integer(query.get('step'), 0, MAX_STEPS) ?? 0,
    lr: positive(query.get('lr')) ?? setup.lr,
    order: ['random', 'cyclic'].includes(query.get('order')) ? query.get('order') : setup.order,
    seed: integer(query.get('seed'), -(2 ** 31), 2 ** 31 - 1) ?? setup.seed,
    points: setup.points ? (integer(query.get('points'), 1, MAX_ROWS) ?? setup.points) : null,
    n: integer(query.get('steps'), 1, MAX_STEPS) ?? setup.steps,
    landscape: landscape.length === 2 ? landscape : defaultLandscape(setup),
    pass: PASSES.includes(query.get('pass')) && node !== null ? query.get('pass') : null,
    node: PASSES.includes(query.get('pass')) ? node : null,
    speed: SPEEDS.includes(speed) ? speed : DEFAULT_SPEED,
    big: query.get('big') === '1',
    kept: {},
  };
  for (const key of KEPT) if (query.has(key)) state.kept[key] = query.get(key);
  if (setup.source) {   // an expression's page (/graph/train): its graph and data are the URL's too
    for (const [key, value] of query) if (GRAPH_KEYS.includes(key) || key.startsWith('spec_')) state.kept[key] = value;
  }
  return state;
}

/** The query string of a state. */
export function trainQuery(state, setup) {
  const params = [];
  const add = (key, value) => params.push(`${key}=${encodeURIComponent(String(value)).replace(/%2C/g, ',')}`);
  add('step', state.step);
  add('lr', state.lr);
  if (setup.optimizer === 'sgd') {
    add('order', state.order);
    add('seed', state.seed);
  }
  if (setup.points) add('points', state.points);
  add('steps', state.n);
  if (state.landscape) add('landscape', state.landscape.join(','));
  if (state.pass !== null) {
    add('pass', state.pass);
    add('node', state.node);
  }
  if (state.speed !== DEFAULT_SPEED) add('speed', state.speed);
  if (state.big) add('big', 1);
  for (const [key, value] of Object.entries(state.kept)) add(key, value);
  return params.join('&');
}

/** Keep a state within what the example and the document on show allow. */
export function clampTrain(state, counts, setup) {
  const names = paramNames(setup);
  let { landscape } = state;
  if (!landscape || landscape.length !== 2 || landscape[0] === landscape[1]
      || !landscape.every((name) => names.includes(name))) landscape = defaultLandscape(setup);
  let { pass, node } = state;
  if (pass !== null && !PASSES.includes(pass)) pass = null;
  if (pass === null) node = null;
  else node = Math.min(Math.max(0, Math.trunc(node) || 0), counts ? counts[pass] : Infinity);
  const clampInt = (x, low, high, fallback) => (Number.isFinite(x) ? Math.min(Math.max(Math.trunc(x), low), high) : fallback);
  return {
    ...state,
    step: clampInt(state.step, 0, MAX_STEPS, 0),
    n: clampInt(state.n, 1, MAX_STEPS, setup.steps),
    lr: Number.isFinite(state.lr) && state.lr > 0 ? state.lr : setup.lr,
    points: setup.points ? clampInt(state.points, 1, MAX_ROWS, setup.points) : null,
    landscape,
    pass,
    node,
    speed: SPEEDS.includes(state.speed) ? state.speed : DEFAULT_SPEED,
    big: Boolean(state.big),
  };
}

/** The one place the state changes (../state.js's URL store). */
export function createTrainStore(initial, setup) {
  return createUrlStore(initial, (state, counts) => clampTrain(state, counts, setup),
    (state) => trainQuery(state, setup));
}

/** The player's view of the store (../view.js, ../player.js, ../controls.js
    read and write pass, step, speed, big, runs): its `step` is our `node`.
    The accumulation demo (runs) is not part of this page. */
export function playerStoreOf(store) {
  const slice = (s) => ({ pass: s.pass || 'forward', step: s.node ?? 0, speed: s.speed, big: s.big, runs: 1, kept: s.kept });
  return {
    get: () => slice(store.get()),
    update(patch) {
      const next = {};
      if ('pass' in patch) next.pass = patch.pass;
      if ('step' in patch) {
        next.node = patch.step;
        if (!('pass' in patch)) next.pass = store.get().pass || 'forward';
      }
      if ('speed' in patch) next.speed = patch.speed;
      if ('big' in patch) next.big = patch.big;
      store.update(next);
    },
    setCounts: (counts) => store.setCounts(counts),
    subscribe: (listener) => store.subscribe((s, p) => listener(slice(s), slice(p))),
    urlOf: () => store.urlOf(store.get()),
    keys: {},
  };
}

/** Where the frame stands: has its update landed, and which step do the
    charts show (see the numbering above). */
export function standing(state, counts, t) {
  const atEnd = Boolean(counts) && state.pass === 'backward' && state.node === counts.backward;
  const landed = t >= 1 && (atEnd || state.pass === null);
  return { landed, shown: t === 0 ? 0 : (landed ? t : t - 1) };
}

/** The settings that make the run (and so its answers). */
export function runOf(state, setup) {
  const run = { lr: state.lr };
  if (setup.optimizer === 'sgd') Object.assign(run, { order: state.order, seed: state.seed });
  if (setup.points) run.points = state.points;
  return run;
}
