/* Where the run stands at the step on show: the step, each parameter, and
   the objective over the whole data (the mean of ℓ for SGD, the sum L for
   gradient descent), from /api/train's answers; written with 4 significant
   digits, the exact numbers in data-* attributes. */

import { exact, fmt } from '../format.js';
import { count, setMathName } from './format.js';

export function createReadout(section, setup, gd) {
  const step = section.querySelector('[data-testid="readout-step"]');
  const list = section.querySelector('[data-testid="readout-values"]');
  const label = (name) => setup.labels[name] || name;
  const rows = {};

  function row(key, name, testid) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.dataset.testid = testid;
    list.append(dt, dd);
    return { dt, dd };
  }

  for (const name of setup.params) {
    rows[name] = row(name, label(name), 'readout-param');
    rows[name].dt.className = 'nm';
    setMathName(rows[name].dt, label(name));
    rows[name].dd.dataset.param = name;
  }
  const loss = row('loss', gd ? 'L = Σℓ' : 'mean ℓ', 'readout-loss');

  function setNumber(dd, value, attr) {
    const text = value === undefined ? '…' : fmt(value);
    if (dd.textContent !== text) dd.textContent = text;
    if (value === undefined) delete dd.dataset[attr];
    else dd.dataset[attr] = exact(value);
  }

  return {
    /** The step on show, the parameters there, the objective (undefined while it is asked for). */
    paint(shown, values, objective, rowsOfData) {
      step.textContent = count(shown);
      step.dataset.step = String(shown);
      for (const [name, { dd }] of Object.entries(rows)) setNumber(dd, values[name], 'paramValue');
      setNumber(loss.dd, objective, 'loss');
      if (rowsOfData) loss.dt.textContent = gd ? `L = Σℓ over ${count(rowsOfData)} points` : `mean ℓ over ${count(rowsOfData)} points`;
    },
  };
}
