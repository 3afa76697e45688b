/* The JSON API, as the page uses it: POST /api/graph answers a document or
   an error {message, line, column} (line and column from 1; 0 when the
   mistake is not at a place in the source). */

export function sleep(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/** Retry-After in whole seconds (at least 1), or `fallback`. */
export function retryAfter(response, fallback = 1) {
  const wait = Number(response.headers.get('retry-after'));
  return Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : fallback;
}

/* A busy server (503) is asked again with exponential backoff: the wait
   doubles from 1 s at each attempt (up to 16 s), is never shorter than the
   server's Retry-After, and is spread by up to a quarter at random so that
   a class refused together does not come back together. Meanwhile the
   page's status line ([data-testid="server-status"], a live region in
   templates/base.html) says that it is waiting and for how long. */
export const BUSY_RETRIES = 5;
const MAX_BACKOFF_S = 16;

/** Seconds to wait before attempt `attempt` + 1 (attempt counts from 0). */
export function backoffSeconds(attempt, retryAfterSeconds, random = Math.random) {
  const doubled = Math.min(2 ** attempt, MAX_BACKOFF_S);
  const base = Math.max(doubled, Math.min(retryAfterSeconds, MAX_BACKOFF_S));
  return base * (1 + random() / 4);
}

/** The status line's text while waiting ('' clears it). */
export function showServerStatus(text) {
  const line = typeof document === 'undefined' ? null : document.querySelector('[data-testid="server-status"]');
  if (!line) return;
  line.textContent = text;
  line.hidden = !text;
}

function waitingText(seconds, attempt, retries) {
  return `The server is busy: trying again in ${Math.ceil(seconds)} s (attempt ${attempt + 2} of ${retries + 1})…`;
}

/** POST a JSON body: {body} on success, {error: {message, line, column,
    status}} otherwise; never throws. A busy server (503) is asked again
    with backoff, up to `retries` times, and the status line says so. Too
    many requests from this address (429) come back as an error with
    `retryAfter` (seconds) and a message that says how long to wait. */
export async function postJSON(path, request, { retries = BUSY_RETRIES } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    let response;
    try {
      response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
    } catch (exc) {
      if (attempt > 0) showServerStatus('');
      return { error: { message: `the server cannot be reached (${exc.message})`, line: 0, column: 0, status: 0 } };
    }
    if (response.status === 503 && attempt < retries) {
      const seconds = backoffSeconds(attempt, retryAfter(response));
      showServerStatus(waitingText(seconds, attempt, retries));
      await sleep(seconds * 1000);
      continue;
    }
    if (attempt > 0) showServerStatus('');
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (response.ok && body) return { body };
    const detail = body && typeof body.detail === 'object' && body.detail ? body.detail : {};
    const error = {
      message: typeof detail.message === 'string' ? detail.message : `the server answered ${response.status}`,
      line: Number(detail.line) || 0,
      column: Number(detail.column) || 0,
      status: response.status,
    };
    if (response.status === 429) {
      // A proxy's own 429 may carry no message: the wait is said all the same.
      error.retryAfter = retryAfter(response);
      if (!error.message.includes('try again')) {
        error.message = `too many requests from this address just now: try again in ${error.retryAfter} s`;
      }
    }
    return { error };
  }
}

/** {document} or {error}; never throws. */
export async function postGraph(request) {
  const answer = await postJSON('/api/graph', request);
  return answer.error ? answer : { document: answer.body };
}

/* The inputs of a source as it is typed: POST /api/inputs lists them (with
   the value the source gives, if any), so the form can fill in a default for
   the others, drop the values and data marks of names the source no longer
   uses, then ask for the document once. */
export const DEFAULT_VALUE = 1;

/** {document, values, data, defaulted} or {error, values, data, defaulted}. */
export async function findInputs({ source, values, data, labels }) {
  const defaulted = new Set();
  const asked = await postJSON('/api/inputs', { source });
  if (asked.error) return { error: asked.error, values, data, defaulted };
  const kept = {};
  for (const input of asked.body.inputs) {
    if (Object.prototype.hasOwnProperty.call(values, input.name)) {
      kept[input.name] = values[input.name];
    } else if (input.value === null) {
      kept[input.name] = DEFAULT_VALUE;
      defaulted.add(input.name);
    }
  }
  const names = new Set(asked.body.inputs.map((input) => input.name));
  const marked = data.filter((name) => names.has(name));
  const answer = await postGraph({ source, values: kept, data: marked, labels });
  if (answer.document) return { document: answer.document, values: kept, data: marked, defaulted };
  return { error: answer.error, values: kept, data: marked, defaulted };
}
