/* The page's whole state, mirrored in the URL, so that a reload or a shared
   link lands on the same frame.

   Which keys a page has, their types, defaults, limits and choices are not
   written here: the server declares them once (app/url_state.py) and writes
   each page's table into a JSON data block (id="url-state"). This module
   decodes (readUrl), encodes (queryOf) and clamps (clampTo) a state by any
   such table, the player's and the Train view's (train/state.js) alike.
   Each key: {key (in the URL), field (in the state, when not the key),
   type, default, group, choices, min, max, above, length, distinct, always,
   trim, aliases}; the types are described in app/url_state.py.

   The player pages: form keys (on / and /graph) source, values (w:0.5,b:2),
   data (x,ystar), labels (ystar:y*), title; player keys pass, step, speed,
   big, runs; embed keys autoplay, controls, fit, theme.

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

/** The page's table, from its JSON data block. */
export function readTable(id = 'url-state') {
  const block = document.getElementById(id);
  if (!block) throw new Error(`this page has no #${id} block: its state cannot be read`);
  return JSON.parse(block.textContent);
}

export function fieldOf(key) {
  return key.field || key.key;
}

/** The key of a table that fills `field` (undefined when the page has none). */
export function keyOf(table, field) {
  return table.keys.find((key) => fieldOf(key) === field);
}

/** `w:0.5,b:2` → {w: "0.5", b: "2"} */
export function parsePairs(text) {
  const pairs = {};
  for (const item of (text || '').split(',')) {
    const at = item.indexOf(':');
    if (at > 0 && item.slice(0, at).trim()) pairs[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return pairs;
}

export function writePairs(pairs) {
  return Object.entries(pairs).map(([name, value]) => `${name}:${value}`).join(',');
}

const copy = (x) => (x !== null && typeof x === 'object' ? JSON.parse(JSON.stringify(x)) : x);
const numeric = (text) => (text.trim() === '' ? NaN : Number(text));
const isTextMap = (x) => x !== null && typeof x === 'object' && !Array.isArray(x)
  && Object.values(x).every((v) => typeof v === 'string');

/** A URL's text as the key's type reads it, before fitValue checks it. */
const READ = {
  text: (text) => text,
  pairs: parsePairs,
  names: (text) => text.split(',').map((s) => s.trim()).filter(Boolean),
  choice: (text, key) => (typeof key.choices[0] === 'number' ? numeric(text) : text),
  int: numeric,
  number: numeric,
  flag: (text) => ({ 1: true, 0: false }[text]),
};

/** The value if the key allows it (an int clamped into [min, max]), else a copy of the default. */
export function fitValue(key, x) {
  const fallback = copy(key.default);
  switch (key.type) {
    case 'text':
      return typeof x === 'string' ? x : fallback;
    case 'pairs':
    case 'prefixed':
      return isTextMap(x) ? { ...x } : fallback;
    case 'names': {
      const ok = Array.isArray(x) && x.every((name) => typeof name === 'string')
        && (key.length === undefined || x.length === key.length)
        && (!key.distinct || new Set(x).size === x.length)
        && (!key.choices || x.every((name) => key.choices.includes(name)));
      return ok ? [...x] : fallback;
    }
    case 'choice':
      return key.choices.includes(x) ? x : fallback;
    case 'flag':
      return typeof x === 'boolean' ? x : fallback;
    case 'int':
      if (typeof x !== 'number' || !Number.isFinite(x)) return fallback;
      return Math.min(Math.max(Math.trunc(x), key.min ?? -Infinity), key.max ?? Infinity);
    case 'number':
      return typeof x === 'number' && Number.isFinite(x) && (key.above === undefined || x > key.above)
        ? x : fallback;
    default:
      throw new Error(`unknown type '${key.type}' of the URL key '${key.key}'`);
  }
}

/** The state a URL describes, by the page's table. */
export function readUrl(href, table) {
  const query = new URL(href).searchParams;
  const state = {};
  for (const key of table.keys) {
    if (key.type === 'prefixed') {
      const map = {};
      for (const [name, text] of query) if (name.startsWith(key.key) && name.length > key.key.length) map[name.slice(key.key.length)] = text;
      state[fieldOf(key)] = map;
      continue;
    }
    const name = [key.key, ...(key.aliases || [])].find((n) => query.has(n));
    state[fieldOf(key)] = fitValue(key, name === undefined ? undefined : READ[key.type](query.get(name), key));
  }
  return state;
}

/** Does the URL name a key by an old name (a key's `aliases`)? */
export function usesOldNames(href, table) {
  const query = new URL(href).searchParams;
  return table.keys.some((key) => (key.aliases || []).some((name) => query.has(name)));
}

/** Readable query strings: `,` `:` `*` stay as they are. */
export function encodeText(text) {
  return encodeURIComponent(text).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2A/g, '*');
}

function textOf(key, value) {
  if (key.type === 'pairs') return writePairs(value);
  if (key.type === 'names') return value.join(',');
  if (key.type === 'flag') return value ? '1' : '0';
  const text = String(value);
  return key.trim ? text.trim() : text;
}

/** The query string of a state: a key is left out when it holds its default
    (unless `always`), when it is null, and when it is not of `group`. */
export function queryOf(state, table, group = null) {
  const params = [];
  for (const key of table.keys) {
    const value = state[fieldOf(key)];
    if ((group && key.group !== group) || value === null || value === undefined) continue;
    if (!key.always && JSON.stringify(value) === JSON.stringify(key.default)) continue;
    if (key.type === 'prefixed') {
      for (const [name, text] of Object.entries(value)) params.push(`${key.key}${name}=${encodeText(text)}`);
      continue;
    }
    const text = textOf(key, value);
    if (text !== '' || key.always) params.push(`${key.key}=${encodeText(text)}`);
  }
  return params.join('&');
}

/** Every key of the table within what it allows; other fields are kept as they are. */
export function clampTo(state, table) {
  const next = { ...state };
  for (const key of table.keys) next[fieldOf(key)] = fitValue(key, state[fieldOf(key)]);
  return next;
}

/** The player's state within the table and the document (`counts`: the
    passes' lengths, {forward: N, backward: M} and tangent: T with forward
    mode, or null before it loads). */
export function clamp(state, table, counts) {
  const next = clampTo(state, table);
  // A pass the document has not got (pass=tangent before forward mode's document arrives): forward.
  if (counts && 'pass' in next && counts[next.pass] === undefined) next.pass = 'forward';
  if (counts && 'step' in next) next.step = Math.min(next.step, counts[next.pass]);
  return next;
}

/** The fields whose values differ between two states (lists and pairs by value). */
export function changedFields(a, b) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((key) => a[key] !== b[key] && JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

const same = (a, b) => changedFields(a, b).length === 0;

/** A state kept in the URL: update(patch) is the one place it changes: it
    clamps (`clampState(state, counts)`), rewrites the URL (`queryOf(state)`)
    and tells the listeners. `counts` are the pass lengths of the document on
    show ({forward: N, backward: M}), which the clamp needs. `rename`: write
    the URL at once (it names a key by an old name). `later`: the fields
    whose changes are written after the frame that shows them (see update). */
export function createUrlStore(initial, clampState, queryOfState, { rename = false, later = new Set() } = {}) {
  let counts = null;
  let state = clampState(initial, counts);
  const listeners = [];
  let pending = null;   // an address to write after the frame

  function urlOf(s) {
    const query = queryOfState(s);
    return `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  }

  /** Rewrite the address. A page with no address of its own (a notebook's
      srcdoc frame, about:srcdoc) cannot take one: its state stays in memory. */
  const ownAddress = () => location.protocol !== 'about:';
  function writeUrl(url) {
    if (ownAddress()) history.replaceState(history.state, '', url);
  }

  if (rename) writeUrl(urlOf(state));

  function flush() {
    if (pending === null) return;
    const url = pending;
    pending = null;
    writeUrl(url);
  }
  // Whatever the user does next (save a link, leave, switch tabs) finds the address up to date.
  for (const event of ['pointerdown', 'keydown', 'pagehide']) addEventListener(event, flush, true);
  document.addEventListener('visibilitychange', () => { if (document.hidden) flush(); });

  /** A step (a `later` field) writes the address after the frame that shows
      it: a call to the browser's history takes 1–5 ms, a quarter of a
      frame, and a held key or the player at 4× then writes once a frame. */
  function update(patch) {
    const previous = state;
    const next = clampState({ ...state, ...patch }, counts);
    if (same(next, previous)) return;
    state = next;
    const url = urlOf(state);
    if (url !== (pending ?? `${location.pathname}${location.search}${location.hash}`)) {
      const afterFrame = Object.keys(patch).every((field) => later.has(field)) && !document.hidden;
      if (!afterFrame) {
        pending = null;
        writeUrl(url);
      } else {
        if (pending === null) requestAnimationFrame(() => setTimeout(flush, 0));
        pending = url;
      }
    }
    for (const listener of listeners) listener(state, previous);
  }

  return {
    get: () => state,
    update,
    urlOf,
    /** The full address of the state on show (the URL itself may be written after the frame). */
    href: () => (ownAddress() ? new URL(urlOf(state), location.href).href : location.href),
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

/** The player pages' store, by the page's table (readTable()): the player's
    keys are written after the frame that shows them. */
export function createStore(table, initial) {
  const later = new Set(table.keys.filter((key) => key.group === 'player').map((key) => key.field ?? key.key));
  const store = createUrlStore(initial, (s, counts) => clamp(s, table, counts), (s) => queryOf(s, table),
    { rename: usesOldNames(location.href, table), later });
  return { ...store, table };
}
