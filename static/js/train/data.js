/* The data panel of an expression's Train view (/graph/train): a column
   spec per data input (`arange:start,stop,step` or a formula) or a CSV file.
   The data is in the URL (spec_<name>, csv; see app/routers/pages.py): a new
   one is first tried with a run of no steps, its error shown inline, and
   only when the API takes it is the page reloaded on it, at step 0. */

import { graphOf } from './api.js';

const MAX_CSV = 200_000;   // characters: the CSV travels in the URL

export function setupDataPanel(form, setup, api) {
  if (!form) return;
  const find = (id) => form.querySelector(`[data-testid="${id}"]`);
  const errorBox = find('data-error');

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }

  async function apply(spec, csv) {
    const tried = { ...setup, spec, csv };
    const result = await api.train({ ...graphOf(tried), steps: 0, max_points: 1 }, 'Reading the data…', { quiet: true });
    if (result.error) {
      showError(result.error.message);
      return;
    }
    showError('');
    const url = new URL(location.href);
    for (const name of setup.data) url.searchParams.set(`spec_${name}`, spec[name]);
    if (csv) url.searchParams.set('csv', csv);
    else url.searchParams.delete('csv');
    for (const key of ['step', 'pass', 'pass_step', 'node']) url.searchParams.delete(key);
    location.assign(url.toString());
  }

  function specOfFields() {
    const spec = { ...setup.spec };
    for (const input of form.querySelectorAll('[data-testid="data-spec"]')) spec[input.dataset.column] = input.value.trim();
    return spec;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply(specOfFields(), null);
  });
  const clear = find('data-csv-clear');
  if (clear) clear.addEventListener('click', () => apply(specOfFields(), null));
  find('data-csv').addEventListener('change', async (event) => {
    const file = event.target.files && event.target.files[0];
    if (!file) return;
    let text = '';
    try {
      text = await file.text();
    } catch (exc) {
      showError(`the file cannot be read (${exc.message})`);
      return;
    }
    if (text.length > MAX_CSV) {
      showError(`the CSV is too long for this page (at most ${MAX_CSV} characters)`);
      return;
    }
    apply(specOfFields(), text);
  });
}
