/* The loss and each parameter against the step, from a run's trajectory,
   shown up to the step on show: progressively while a run plays, with the
   current step marked. The trajectory is /api/train's `steps`, `loss` and
   `params` (the parameters before each recorded step) and, after the last
   step, `final`. */

import { num } from '../format.js';
import { createLineChart } from './chart.js';

const PARAM = '#1c4b8c';

/** A run's trajectory up to t updates: the recorded points, then the
    parameters after the last update (t ≥ 1). */
export function trajectoryOf(answer, t) {
  const steps = answer.steps.slice();
  const loss = answer.loss.map(num);
  const params = {};
  for (const [name, values] of Object.entries(answer.params)) params[name] = values.map(num);
  let end = 0;
  if (t >= 1) {
    end = answer.steps_done;
    if (steps[steps.length - 1] !== end) {
      steps.push(end);
      loss.push(null);
      for (const name of Object.keys(params)) params[name].push(num(answer.final[name]));
    }
  }
  return { steps, loss, params, end };
}

/** How many points of `steps` (ascending) are at or before `s`. */
export function pointsUpTo(steps, s) {
  let low = 0;
  let high = steps.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (steps[mid] <= s) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function createCharts({ lossFigure, paramsBox, lossHint }, setup, { gd }) {
  const label = (name) => setup.labels[name] || name;
  const lossName = gd ? 'L' : label('l') || 'ℓ';
  lossHint.textContent = gd ? 'L = Σℓ over the data, each epoch (log scale)' : 'of each step’s sample (log scale)';
  const loss = createLineChart(lossFigure, { title: lossName, log: true, height: 150 });
  const params = {};
  for (const name of setup.params) {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.dataset.chart = 'param';
    figure.dataset.param = name;
    figure.dataset.testid = `chart-param-${name}`;
    figure.setAttribute('aria-label', `${label(name)} against the step`);
    paramsBox.appendChild(figure);
    params[name] = createLineChart(figure, { title: label(name), colour: PARAM, height: 110 });
  }
  let last = { trajectory: null, k: -1 };

  return {
    /** Show `trajectory` up to step `s`; `values` are the parameters at s. */
    show(trajectory, s, values) {
      const k = pointsUpTo(trajectory.steps, s);
      if (last.trajectory !== trajectory || last.k !== k) {
        last = { trajectory, k };
        const xs = trajectory.steps.slice(0, k);
        loss.setData(xs, trajectory.loss.slice(0, k), trajectory.end);
        for (const [name, chart] of Object.entries(params)) {
          chart.setData(xs, trajectory.params[name].slice(0, k), trajectory.end);
        }
      }
      const at = k > 0 && trajectory.steps[k - 1] === s ? trajectory.loss[k - 1] : undefined;
      loss.setCurrent(s, at);
      for (const [name, chart] of Object.entries(params)) chart.setCurrent(s, values[name]);
    },
  };
}
