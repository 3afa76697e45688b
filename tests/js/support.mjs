/* What the JS unit tests share: the app's own fixtures (tests/js/fixtures.py,
   run with the project's Python: $CHAINRULE_PYTHON, else .venv/bin/python,
   else python3) and a small seeded random generator. */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeDocument } from '../../static/js/document_codec.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = 'tests/js/fixtures.py';

function python() {
  if (process.env.CHAINRULE_PYTHON) return process.env.CHAINRULE_PYTHON;
  const venv = `${ROOT}.venv/bin/python`;
  return existsSync(venv) ? venv : 'python3';
}

function runPython(args, input) {
  const out = execFileSync(python(), [SCRIPT, ...args], {
    cwd: ROOT, input, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'inherit'],
  });
  return JSON.parse(out.toString('utf8'));
}

let made = null;

/** {tables: {page: table}, documents: {name: document}}, made once per test
    file; the documents as the page reads them (view.js decodes each one). */
export function fixtures() {
  if (!made) {
    made = runPython([]);
    for (const name of Object.keys(made.documents)) made.documents[name] = decodeDocument(made.documents[name]);
    made.forwardMode = decodeDocument(made.forwardMode);
  }
  return made;
}

/** The states app/url_state.py decodes from [{keys, query}]. */
export function pythonDecode(cases) {
  return runPython(['decode'], JSON.stringify(cases));
}

/** mulberry32: a seeded generator of floats in [0, 1), with helpers. */
export function seeded(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low, high) => low + Math.floor(next() * (high - low + 1));
  const pick = (items) => items[int(0, items.length - 1)];
  return { next, int, pick, chance: (p) => next() < p };
}
