/* The JSON API, as the page uses it: POST /api/graph answers a document or
   an error {message, line, column} (line and column from 1; 0 when the
   mistake is not at a place in the source). */

/** {document} or {error}; never throws. */
export async function postGraph(request) {
  let response;
  try {
    response = await fetch('/api/graph', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
  } catch (exc) {
    return { error: { message: `the server cannot be reached (${exc.message})`, line: 0, column: 0 } };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (response.ok && body) return { document: body };
  const detail = body && typeof body.detail === 'object' && body.detail ? body.detail : {};
  return {
    error: {
      message: typeof detail.message === 'string' ? detail.message : `the server answered ${response.status}`,
      line: Number(detail.line) || 0,
      column: Number(detail.column) || 0,
    },
  };
}

/* The API names one input without a value at a time. To list the inputs of
   a source as it is typed, ask again with a default value for each input it
   names, and drop the values and data marks it says the source does not use. */
const MISSING = /^'([^']+)' has no value/;
const UNUSED = /^a value is given for '([^']+)', which the source does not use/;
const COMPUTED = /^'([^']+)' is computed on line/;
const NOT_INPUT = /^'([^']+)' is marked as data but is not an input/;
export const DEFAULT_VALUE = 1;
const MAX_ASKS = 40;

/** {document, values, data, defaulted} or {error, values, data, defaulted}. */
export async function findInputs({ source, values, data, labels }) {
  values = { ...values };
  data = [...data];
  const defaulted = new Set();
  for (let ask = 0; ask < MAX_ASKS; ask += 1) {
    const answer = await postGraph({ source, values, data, labels });
    if (answer.document) return { document: answer.document, values, data, defaulted };
    const { message } = answer.error;
    let match;
    if ((match = MISSING.exec(message))) {
      values[match[1]] = DEFAULT_VALUE;
      defaulted.add(match[1]);
    } else if ((match = UNUSED.exec(message) || COMPUTED.exec(message))) {
      delete values[match[1]];
    } else if ((match = NOT_INPUT.exec(message))) {
      data = data.filter((name) => name !== match[1]);
    } else {
      return { error: answer.error, values, data, defaulted };
    }
  }
  return { error: { message: `more than ${MAX_ASKS} inputs have no value`, line: 0, column: 0 }, values, data, defaulted };
}
