/* The page's whole state, declared once and mirrored in the URL, so that a
   reload or a shared link lands on the same frame.

   Form keys (on / and /graph): source, values (w:0.5,b:2), data (x,ystar),
   labels (ystar:y*), title. Player keys: pass, step, speed, big, runs.
   Kept as they came: autoplay, controls, fit (embed options).

   Step numbering. Each pass counts its own steps, and `step` is how many of
   that pass's steps are done:
     pass=forward  step=0   the inputs alone, with their values; no op computed
     pass=forward  step=k   forward_steps[k-1] just computed (1 ≤ k ≤ N)
     pass=backward step=0   every value known, no gradient yet; the arrows
                            show their local derivatives
     pass=backward step=k   backward_steps[k-1] just done: its node's gradient,
                            and the flows to its inputs (1 ≤ k ≤ M)
   The frames in order: forward 0…N, then backward 0…M.

   `runs` (the accumulation demo) is how many times backward() has run: the
   parameters' .grad then holds runs × the gradient. Every change goes
   through store.update, which also rewrites the URL (history.replaceState).
*/

export const PASSES = ['forward', 'backward'];
export const SPEEDS = [0.5, 1, 2, 4];
export const MAX_RUNS = 99;
const KEPT = ['autoplay', 'controls', 'fit'];

/** `w:0.5,b:2` → {w: "0.5", b: "2"} */
export function parsePairs(text) {
  const pairs = {};
  for (const item of (text || '').split(',')) {
    const at = item.indexOf(':');
    if (at > 0) pairs[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return pairs;
}

export function writePairs(pairs) {
  return Object.entries(pairs).map(([name, value]) => `${name}:${value}`).join(',');
}

/** The state a URL describes. */
export function readUrl(href) {
  const query = new URL(href).searchParams;
  const number = (key, fallback) => {
    const x = Number(query.get(key));
    return query.has(key) && Number.isFinite(x) ? x : fallback;
  };
  const state = {
    source: query.get('source') || '',
    values: parsePairs(query.get('values')),
    data: (query.get('data') || '').split(',').map((s) => s.trim()).filter(Boolean),
    labels: parsePairs(query.get('labels')),
    title: query.get('title') || '',
    pass: query.get('pass') || 'forward',
    step: Math.trunc(number('step', 0)),
    speed: number('speed', 1),
    big: query.get('big') === '1',
    runs: Math.trunc(number('runs', 1)),
    kept: {},
  };
  for (const key of KEPT) if (query.has(key)) state.kept[key] = query.get(key);
  return state;
}

/** Readable query strings: `,` `:` `*` stay as they are. */
function encode(text) {
  return encodeURIComponent(text).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2A/g, '*');
}

/** The query string of a state; `form` and `player` say which keys the page has. */
export function queryOf(state, { form, player }) {
  const params = [];
  const add = (key, value) => params.push(`${key}=${encode(String(value))}`);
  if (form) {
    if (state.source.trim()) add('source', state.source.trim());
    if (Object.keys(state.values).length) add('values', writePairs(state.values));
    if (state.data.length) add('data', state.data.join(','));
    if (Object.keys(state.labels).length) add('labels', writePairs(state.labels));
    if (state.title) add('title', state.title);
  }
  if (player) {
    add('pass', state.pass);
    add('step', state.step);
    if (state.speed !== 1) add('speed', state.speed);
    if (state.big) add('big', 1);
    if (state.runs !== 1) add('runs', state.runs);
  }
  for (const [key, value] of Object.entries(state.kept)) add(key, value);
  return params.join('&');
}

/** Keep a state within what the document allows. */
export function clamp(state, counts) {
  const pass = PASSES.includes(state.pass) ? state.pass : 'forward';
  const last = counts ? counts[pass] : Infinity;
  const step = Math.min(Math.max(0, Math.trunc(state.step) || 0), last);
  const speed = SPEEDS.includes(state.speed) ? state.speed : 1;
  const runs = Math.min(Math.max(1, Math.trunc(state.runs) || 1), MAX_RUNS);
  return { ...state, pass, step, speed, runs, big: Boolean(state.big) };
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A state kept in the URL: update(patch) is the one place it changes: it
    clamps (`clampState(state, counts)`), rewrites the URL (`queryOf(state)`)
    and tells the listeners. `counts` are the pass lengths of the document on
    show ({forward: N, backward: M}), which the clamp needs. */
export function createUrlStore(initial, clampState, queryOfState) {
  let counts = null;
  let state = clampState(initial, counts);
  const listeners = [];

  function urlOf(s) {
    const query = queryOfState(s);
    return `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  }

  function update(patch) {
    const previous = state;
    const next = clampState({ ...state, ...patch }, counts);
    if (same(next, previous)) return;
    state = next;
    const url = urlOf(state);
    if (url !== `${location.pathname}${location.search}${location.hash}`) {
      history.replaceState(history.state, '', url);
    }
    for (const listener of listeners) listener(state, previous);
  }

  return {
    get: () => state,
    update,
    urlOf,
    counts: () => counts,
    setCounts(next) {
      counts = next;
      update({});
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}

/** The player pages' store; `keys` say which parts of the state the page has. */
export function createStore(initial, keys) {
  return { ...createUrlStore(initial, clamp, (s) => queryOf(s, keys)), keys };
}
