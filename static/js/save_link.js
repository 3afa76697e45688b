/* "Save and get a link" on the expression page: the expression as it stands
   in the URL is turned into its document and saved (POST /api/graphs); the
   answer's stable link is shown, ready to copy. The same graph saved twice
   gets the same link. */

import { postJSON } from './api.js';
import { readTable, readUrl } from './state.js';

function setup() {
  const box = document.querySelector('[data-testid="save-link-box"]');
  if (!box) return;
  const button = box.querySelector('[data-testid="save-link"]');
  const field = box.querySelector('[data-testid="saved-url"]');
  const open = box.querySelector('[data-testid="saved-open"]');
  const status = box.querySelector('[data-testid="save-status"]');

  button.addEventListener('click', async () => {
    const { source, values, data, labels, title } = readUrl(location.href, readTable());
    if (!source.trim()) {
      status.textContent = 'Type an expression first.';
      return;
    }
    button.disabled = true;
    status.textContent = 'Saving…';
    const made = await postJSON('/api/graph', { source, values, data, labels, title: title || null });
    const saved = made.error ? made : await postJSON('/api/graphs', made.body);
    button.disabled = false;
    if (saved.error) {
      status.textContent = `Not saved: ${saved.error.message}`;
      return;
    }
    field.value = saved.body.url;
    open.href = saved.body.url;
    open.hidden = false;
    field.hidden = false;
    status.textContent = 'Saved: this link always shows this graph.';
    field.focus();
    field.select();
  });
}

setup();
