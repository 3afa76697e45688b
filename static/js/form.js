/* The expression form: as the source is typed, ask the API for its inputs
   (a row per input: value, and whether it is data, which needs no gradient)
   and show any error inline, with a caret under the line and column the API
   gives. Its state goes into the URL through the store. Submitting draws the
   graph in place (on /graph) or opens /graph (on the home page): no reload
   of the form either way. */

import { findInputs } from './api.js';
import { queryOf } from './state.js';

const CHECK_DELAY_MS = 350;

function parseNumber(text) {
  const cleaned = String(text).trim().replace(/^[−–]/, '-');
  const x = cleaned === '' ? NaN : Number(cleaned);
  return Number.isFinite(x) ? x : null;
}

export function setupForm(form, store, { onDocument }) {
  const find = (id) => form.querySelector(`[data-testid="${id}"]`);
  const source = find('source');
  const rows = find('input-rows');
  const hint = find('inputs-hint');
  const errorBox = find('form-error');
  const status = find('form-status');
  let asked = 0;
  let timer = 0;

  /** The rows as typed: [{name, text, data}]. */
  function readRows() {
    return [...rows.querySelectorAll('tr[data-input]')].map((tr) => ({
      name: tr.dataset.input,
      text: tr.querySelector('[data-testid="value-input"]').value,
      data: tr.querySelector('[data-testid="data-checkbox"]').checked,
    }));
  }

  function request() {
    const values = {};
    for (const row of readRows()) {
      const x = parseNumber(row.text);
      if (x !== null) values[row.name] = x;
    }
    const data = readRows().filter((row) => row.data).map((row) => row.name);
    return { source: source.value, values, data, labels: store.get().labels };
  }

  function row({ name, text, data, defaulted }) {
    const tr = document.createElement('tr');
    tr.dataset.input = name;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = name;
    const value = document.createElement('input');
    Object.assign(value, { type: 'text', inputMode: 'decimal', value: text });
    value.dataset.testid = 'value-input';
    value.dataset.name = name;
    value.setAttribute('aria-label', `Value of ${name}`);
    if (defaulted) {
      value.classList.add('defaulted');
      value.title = 'No value was given: 1 for now';
    }
    const box = document.createElement('input');
    Object.assign(box, { type: 'checkbox', checked: data });
    box.dataset.testid = 'data-checkbox';
    box.dataset.name = name;
    box.setAttribute('aria-label', `${name} is data`);
    for (const child of [value, box]) {
      const td = document.createElement('td');
      td.appendChild(child);
      tr.append(td);
    }
    tr.prepend(th);
    return tr;
  }

  /** One row per input of the document, keeping what was typed. */
  function showInputs(doc, defaulted) {
    const typed = new Map(readRows().map((r) => [r.name, r]));
    const inputs = doc.nodes.filter((n) => n.kind === 'parameter' || n.kind === 'data');
    rows.replaceChildren(...inputs.map((node) => {
      const before = typed.get(node.name);
      const keep = before && parseNumber(before.text) !== null;
      return row({ name: node.name, text: keep ? before.text : String(node.value), data: node.kind === 'data', defaulted: defaulted.has(node.name) });
    }));
    hint.hidden = inputs.length > 0;
  }

  function showError({ message, line, column }) {
    errorBox.hidden = false;
    errorBox.dataset.line = String(line);
    errorBox.dataset.column = String(column);
    find('error-message').textContent = line > 0 ? `${message} (line ${line}, column ${column})` : message;
    const where = find('error-where');
    const lines = source.value.split('\n');
    if (line >= 1 && line <= lines.length) {
      const text = [...lines[line - 1]];
      const before = Math.max(column - 1, 0);
      const prefix = text.slice(0, before).map((c) => (c === '\t' ? '\t' : ' ')).join('').padEnd(before, ' ');
      find('error-line').textContent = text.join('');
      find('error-caret').textContent = `${prefix}^`;
      where.hidden = false;
    } else {
      where.hidden = true;
    }
    source.setAttribute('aria-invalid', 'true');
  }

  function clearError() {
    errorBox.hidden = true;
    errorBox.dataset.line = '0';
    errorBox.dataset.column = '0';
    source.removeAttribute('aria-invalid');
  }

  function remember() {
    const values = {};
    for (const r of readRows()) if (r.text.trim() !== '') values[r.name] = r.text.trim();
    store.update({ source: source.value, values, data: readRows().filter((r) => r.data).map((r) => r.name) });
  }

  /** Ask the API; the answer of an older question is dropped. */
  async function check() {
    clearTimeout(timer);
    const mine = ++asked;
    status.textContent = 'Checking…';
    const answer = await findInputs(request());
    if (mine !== asked) return null;
    status.textContent = '';
    if (answer.error) {
      showError(answer.error);
    } else {
      clearError();
      showInputs(answer.document, answer.defaulted);
    }
    remember();
    return answer;
  }

  function later() {
    clearTimeout(timer);
    remember();
    timer = setTimeout(check, CHECK_DELAY_MS);
  }

  source.addEventListener('input', later);
  rows.addEventListener('input', later);
  rows.addEventListener('change', later);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const answer = await check();
    if (!answer) return;
    if (answer.error) {
      source.focus();
      return;
    }
    if (onDocument) {
      onDocument(answer.document);
    } else {
      const query = queryOf(store.get(), store.table, 'form');
      location.assign(`/graph?${query}`);
    }
  });

  // A source from the URL with no rows yet (the home page): list its inputs.
  if (source.value.trim() && !rows.children.length) check();
}
