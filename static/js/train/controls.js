/* The training toolbar: its buttons call the page's actions, its fields
   (lr, order, seed, points, N, the landscape's parameters) go to the store
   once they are valid. A field that is not valid says why, next to the
   fields, and keeps the run as it was. The limits are the page's table's
   (the server's, app/url_state.py). */

import { keyOf } from '../state.js';

function integer(text, low, high) {
  const x = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(x) && x >= low && x <= high ? x : null;
}

/** What each field holds, or why it cannot be used, within the table's limits. */
const readersOf = (table) => ({
  lr(text) {
    const x = Number(text.trim().replace('−', '-'));
    return text.trim() !== '' && Number.isFinite(x) && x > 0 ? { value: x }
      : { error: 'The learning rate must be a positive number, such as 1e-3.' };
  },
  order: (text) => ({ value: text }),
  seed(text) {
    const { min, max } = keyOf(table, 'seed');
    const x = integer(text, min, max);
    return x === null ? { error: `The seed is a whole number from ${min} to ${max.toLocaleString('en-US')}.` } : { value: x };
  },
  points(text) {
    const { min, max } = keyOf(table, 'points');
    const x = integer(text, min, max);
    return x === null ? { error: `The points are a whole number from ${min} to ${max.toLocaleString('en-US')}.` } : { value: x };
  },
  n(text) {
    const { min, max } = keyOf(table, 'n');
    const x = integer(text, min, max);
    return x === null ? { error: `Run ${min} to ${max.toLocaleString('en-US')} steps.` } : { value: x };
  },
});

export function setupTrainControls(container, store, setup, actions) {
  const find = (id) => container.querySelector(`[data-testid="${id}"]`);
  const form = find('train-settings');
  const error = find('train-field-error');
  const fields = {};
  for (const input of container.querySelectorAll('[data-field]')) fields[input.dataset.field] = input;
  const label = (name) => setup.labels[name] || name;
  const READ = readersOf(store.table);

  // The landscape's two parameters.
  const names = setup.params;
  for (const key of ['landscape-x', 'landscape-y']) {
    if (!fields[key]) continue;
    for (const name of names) {
      const option = document.createElement('option');
      option.value = name;
      option.textContent = label(name);
      fields[key].appendChild(option);
    }
  }

  function check(keys) {
    const values = {};
    for (const key of keys) {
      const input = fields[key];
      if (!input) continue;
      const read = READ[key](input.value);
      input.setAttribute('aria-invalid', String(Boolean(read.error)));
      if (read.error) {
        error.textContent = read.error;
        error.hidden = false;
        return { error: read.error, input };
      }
      values[key] = read.value;
    }
    error.hidden = true;
    error.textContent = '';
    return { values };
  }

  function apply() {
    const { values, input } = check(['lr', 'order', 'seed', 'points', 'n']);
    if (!values) {
      input.focus();
      return false;
    }
    actions.settings(values);
    return true;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  for (const key of ['lr', 'order', 'seed', 'points', 'n']) {
    if (fields[key]) fields[key].addEventListener('change', apply);
  }
  fields.n.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (apply()) actions['train-run']();
    }
  });

  function landscapeChanged(event) {
    const [x, y] = store.get().landscape || [];
    let next = [fields['landscape-x'].value, fields['landscape-y'].value];
    // Choosing the other axis's parameter swaps the two.
    if (next[0] === next[1]) next = event.target === fields['landscape-x'] ? [next[0], x] : [y, next[1]];
    store.update({ landscape: next });
  }
  for (const key of ['landscape-x', 'landscape-y']) fields[key].addEventListener('change', landscapeChanged);

  container.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button || !button.dataset.action.startsWith('train-')) return;
    if (button.dataset.action === 'train-run' && !apply()) return;
    actions[button.dataset.action]();
  });

  return {
    /** Fields from the state (not the one being typed in), buttons from what runs. */
    paint(state, { running, playing }) {
      const shown = { lr: String(state.lr), order: state.order, seed: String(state.seed), points: String(state.points), n: String(state.n) };
      for (const [key, value] of Object.entries(shown)) {
        const input = fields[key];
        if (input && input !== document.activeElement && input.getAttribute('aria-invalid') !== 'true' && input.value !== value) input.value = value;
      }
      if (state.landscape) {
        fields['landscape-x'].value = state.landscape[0];
        fields['landscape-y'].value = state.landscape[1];
      }
      find('train-pause').disabled = !(running || playing);
      find('train-step').dataset.state = playing ? 'playing' : 'idle';
      find('train-run').dataset.state = running ? 'running' : 'idle';
    },
    /** Put the cursor in the rate, to fix a run that diverged. */
    focusRate() {
      fields.lr.focus();
      fields.lr.select();
    },
  };
}
