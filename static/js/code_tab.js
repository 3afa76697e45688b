/* The board's tabs (Chain rule, Code, Check gradients) and the Code tab:
   the graph as a numpy, PyTorch, JAX or chainrule script (POST /api/code),
   each with a copy button, and the line of the current step highlighted
   (the answer's `lines`: forward, the line that computes the node;
   backward, the line where its gradient is complete). A course example asks
   by its slug, so that its training loop comes too. A copy with no server
   (offline, a notebook's frame) says so instead of failing. */

import { requestOf } from './doc_request.js';

/** The course example a page shows (/examples/simple, /embed/examples/simple), or null. */
export function exampleSlug(pathname) {
  const match = /^(?:\/embed)?\/examples\/([\w-]+)\/?$/.exec(pathname);
  return match ? match[1] : null;
}

/** The line (from 1) to highlight at a frame, or null. */
export function lineOf(lines, scene) {
  if (!lines || scene.current === null || !lines[scene.pass]) return null;
  return lines[scene.pass][String(scene.current)] ?? null;
}

/** Copy text: the Clipboard API where the page may use it, else a selected textarea and execCommand. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // permission refused: the fallback below
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

/** The tabs: one panel on show at a time. */
export function setupBoardTabs(root) {
  const tabs = [...root.querySelectorAll('[role="tab"]')];
  const listeners = [];
  function select(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      document.getElementById(t.getAttribute('aria-controls')).hidden = !on;
    }
    for (const listener of listeners) listener(tab.id);
  }
  for (const tab of tabs) tab.addEventListener('click', () => select(tab));
  return { onSelect: (listener) => listeners.push(listener), select };
}

export function setupCodeTab(root, { view, tabs, post }) {
  const panel = root.querySelector('[data-testid="code-panel"]');
  if (!panel) return;
  const status = panel.querySelector('[data-testid="code-status"]');
  const buttons = [...panel.querySelectorAll('button[data-language]')];
  const answers = new Map();   // language → {code, lines} for the document on show
  let language = buttons.length ? buttons[0].dataset.language : null;
  let shownFor = null;
  let lastScene = null;

  const blockOf = (lang) => panel.querySelector(`.code-block[data-language="${lang}"]`);

  function requestFor(lang) {
    const slug = exampleSlug(location.pathname);
    if (slug) return { example: slug, language: lang };
    const request = requestOf(view.source);
    if (!request) return null;
    const { source, values, data, labels } = request;
    return { source, values, data, labels, language: lang };
  }

  async function fetchCode(lang) {
    if (!post) {
      status.textContent = 'The code comes from the chainrule server, and this copy has none: '
        + 'open the graph on a running chainrule (chainrule serve) to see it.';
      return;
    }
    if (!lang) return;
    const doc = view.doc;
    if (answers.has(lang) && shownFor === doc) return;
    if (shownFor !== doc) { answers.clear(); shownFor = doc; }
    const request = requestFor(lang);
    if (!request) {
      status.textContent = 'This graph has no source to write as code.';
      return;
    }
    status.textContent = `Writing the ${lang} script…`;
    const answer = await post('/api/code', request, { retries: 2 });
    if (view.doc !== doc) return;
    if (answer.error) {
      status.textContent = `No ${lang} script: ${answer.error.message}.`;
      return;
    }
    answers.set(lang, answer.body);
    status.textContent = '';
    fill(lang, answer.body.code);
    if (lastScene) highlight(lastScene);
  }

  function fill(lang, code) {
    const target = blockOf(lang).querySelector('code');
    target.textContent = '';
    code.split('\n').forEach((text, i) => {
      const line = document.createElement('span');
      line.className = 'code-line';
      line.dataset.line = String(i + 1);
      line.textContent = `${text}\n`;
      target.appendChild(line);
    });
    target.dataset.loaded = '1';
  }

  function highlight(scene) {
    const answer = answers.get(language);
    if (!answer) return;
    const block = blockOf(language);
    const want = lineOf(answer.lines, scene);
    for (const line of block.querySelectorAll('.code-line.current')) line.classList.remove('current');
    block.dataset.currentLine = want === null ? '' : String(want);
    if (want === null) return;
    const line = block.querySelector(`.code-line[data-line="${want}"]`);
    if (!line) return;
    line.classList.add('current');
    // Scroll the script, not the page: the line to the middle of its box.
    const pre = block.querySelector('pre');
    if (!pre.hidden && pre.clientHeight) pre.scrollTop = line.offsetTop - pre.offsetTop - pre.clientHeight / 2;
  }

  function choose(lang) {
    language = lang;
    for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.language === lang));
    for (const block of panel.querySelectorAll('.code-block')) block.hidden = block.dataset.language !== lang;
    fetchCode(lang);
  }

  for (const b of buttons) b.addEventListener('click', () => choose(b.dataset.language));
  for (const copy of panel.querySelectorAll('button[data-copy]')) {
    copy.addEventListener('click', async () => {
      const answer = answers.get(copy.dataset.copy);
      if (!answer) return;
      const ok = await copyText(answer.code);
      status.textContent = ok ? `Copied the ${copy.dataset.copy} script.` : 'Could not copy: select the script and copy it by hand.';
      copy.dataset.copied = ok ? '1' : '0';
    });
  }
  tabs.onSelect((id) => { if (id === 'tab-code') fetchCode(language); });
  view.onPaint((scene) => {
    lastScene = scene;
    if (!panel.hidden) highlight(scene);
  });
  view.onLoad(() => { answers.clear(); shownFor = null; if (!panel.hidden && language) fetchCode(language); });
}
