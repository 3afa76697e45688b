/* The Train view's whole state, mirrored in the URL, so a reload or a
   shared link lands on the same training frame.

   Its keys are declared with the player's in app/url_state.py, which writes
   the page's table (id="url-state") with the example's settings as the
   defaults and the server's limits: step (t, the updates done), lr, order,
   seed, points (they make the run), steps (the state's `n`: the N of "Run N
   steps"), landscape (x,y: its two parameters); the player's place in the
   sample's passes: pass and pass_step (the state's `passStep`, numbered as
   in ../state.js: pass=forward pass_step=0 is the inputs alone; old links
   say `node`); speed and big as on the player; controls. On an expression's
   page (/graph/train) its graph and data too: source, values, data, labels,
   title, csv, spec_<name>.

   Frame t ≥ 1 is the update that brought the run to t: the graph shows its
   sample at the parameters before it, the player steps through its forward
   and backward passes, and at the end of the backward pass the update lands
   (w ← w − α·∂ℓ/∂w). Until it lands the charts stand at t − 1, then at t.
   Frame 0 shows the first sample, before any update. pass and passStep
   null mean "the frame's own place": the end of the backward pass for t ≥ 1
   (the update landed), the start of the forward pass for t = 0.

   Every change goes through store.update(patch), which clamps, rewrites the
   URL (history.replaceState) and tells the listeners. What the page keeps
   besides (the frame drawn, the requests on their way) is in store.session:
   not in the URL, and no listener is told of it. */

import { clampTo, createUrlStore, keyOf, queryOf, readUrl, usesOldNames } from '../state.js';

/** pass and passStep go together: both, or neither (the frame's own place). */
function place(state, counts) {
  if (state.pass === null || state.passStep === null) return { ...state, pass: null, passStep: null };
  return { ...state, passStep: counts ? Math.min(state.passStep, counts[state.pass]) : state.passStep };
}

/** The state a URL describes, by the page's table. */
export function readTrainUrl(href, table) {
  return place(readUrl(href, table), null);
}

/** The query string of a state. */
export function trainQuery(state, table) {
  return queryOf(state, table);
}

/** Keep a state within the table and the document on show. */
export function clampTrain(state, counts, table) {
  return place(clampTo(state, table), counts);
}

/** The largest value a field takes (the server's limit, in the table). */
export function limitOf(table, field) {
  return keyOf(table, field).max;
}

/** What the page keeps besides its URL state: the frame drawn ({key, t,
    answer, trajectory}), the key of the frame being asked for, whether to
    play the player once it has come, the step whose objective and fit are
    being asked for, the landscape's last request and the example's own
    (reference) run. */
function createSession() {
  return { frame: null, wanted: null, playOnLoad: false, auxStep: null, landscapeKey: null, reference: null };
}

/** The one place the state changes (../state.js's URL store). */
export function createTrainStore(initial, table) {
  const store = createUrlStore(initial, (state, counts) => clampTrain(state, counts, table),
    (state) => trainQuery(state, table), { rename: usesOldNames(location.href, table) });
  return { ...store, table, session: createSession() };
}

/** The player's view of the store (../view.js, ../player.js, ../controls.js
    read and write pass, step, speed, big, runs): its `step` is our
    `passStep`. The accumulation demo (runs) is not part of this page. */
export function playerStoreOf(store) {
  const slice = (s) => ({ pass: s.pass || 'forward', step: s.passStep ?? 0, speed: s.speed, big: s.big, runs: 1 });
  return {
    get: () => slice(store.get()),
    update(patch) {
      const next = {};
      if ('pass' in patch) next.pass = patch.pass;
      if ('step' in patch) {
        next.passStep = patch.step;
        if (!('pass' in patch)) next.pass = store.get().pass || 'forward';
      }
      if ('speed' in patch) next.speed = patch.speed;
      if ('big' in patch) next.big = patch.big;
      store.update(next);
    },
    setCounts: (counts) => store.setCounts(counts),
    subscribe: (listener) => store.subscribe((s, p) => listener(slice(s), slice(p))),
    urlOf: () => store.urlOf(store.get()),
    table: store.table,
  };
}

/** Where the frame stands: has its update landed, and which step do the
    charts show (see the numbering above). */
export function standing(state, counts, t) {
  const atEnd = Boolean(counts) && state.pass === 'backward' && state.passStep === counts.backward;
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
