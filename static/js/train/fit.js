/* The data and the model's fit, as the course plots them (plt.plot(xx, yy)
   and the fitted curve): the targets as dots, the model at the step on show
   as a line, so the two differ in shape as well as colour. From /api/train's
   `fit` (one feature and a target; the model is evaluated by the server). */

import { fmt, num } from '../format.js';
import { count, tickText } from './format.js';

const DATA = '#5b6573';
const MODEL = '#c0161d';
const GRID = '#e3e6eb';
const FONT = '13px system-ui, "Segoe UI", "Liberation Sans", sans-serif';

function swatch(parent, cls, text) {
  const item = document.createElement('span');
  item.className = `fit-key ${cls}`;
  const mark = document.createElement('span');
  mark.className = 'mark';
  mark.setAttribute('aria-hidden', 'true');
  const words = document.createElement('span');
  words.textContent = text;
  item.append(mark, words);
  parent.appendChild(item);
  return words;
}

export function createFitChart(figure, note, labels) {
  const uPlot = window.uPlot;
  const cap = document.createElement('figcaption');
  figure.appendChild(cap);
  const dataKey = swatch(cap, 'fit-data', 'data');
  const modelKey = swatch(cap, 'fit-model', 'fit');
  const holder = document.createElement('div');
  holder.className = 'chart-plot';
  figure.appendChild(holder);
  const label = (name) => labels[name] || name;
  const axis = {
    stroke: '#141b27', font: FONT, size: 44, gap: 4,
    grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1, size: 4 },
    values: (u, splits) => splits.map(tickText),
  };
  const plot = new uPlot({
    width: Math.max(figure.clientWidth, 160),
    height: 220,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false } },
    scales: { x: { time: false } },
    axes: [{ ...axis, size: 34 }, { ...axis, size: 52 }],
    // Dots larger than the line is wide: a perfect fit still shows its data around the curve.
    series: [
      {},
      { label: 'data', stroke: DATA, fill: DATA, width: 0, paths: () => null, points: { show: true, size: 7, width: 1, fill: DATA } },
      { label: 'fit', stroke: MODEL, width: 2.4, points: { show: false }, spanGaps: false },
    ],
  }, [[], [], []], holder);

  new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: plot.height });
  }).observe(figure);

  let lastFit = null;
  return {
    /** No curve to draw (the data has more than one feature): say so instead. */
    none(message) {
      lastFit = null;
      figure.hidden = true;
      note.hidden = false;
      note.textContent = message;
      delete figure.dataset.drawn;
    },
    /** `fit` from /api/train, the model at step `step`. */
    setFit(fit, step) {
      figure.dataset.step = String(step);
      figure.hidden = false;
      note.hidden = true;
      modelKey.textContent = `the model at step ${count(step)}`;
      if (fit === lastFit) return;
      lastFit = fit;
      const finite = (v) => (Number.isFinite(v) ? v : null);
      const xs = fit.xs.map(num);
      plot.setData([xs, fit.targets.map((v) => finite(num(v))), fit.predictions.map((v) => finite(num(v)))]);
      dataKey.textContent = `data: ${label(fit.target)} against ${label(fit.feature)}`;
      figure.dataset.points = String(xs.length);
      figure.dataset.drawn = '1';
      figure.dataset.nonFinite = fit.predictions.some((v) => !Number.isFinite(num(v))) ? '1' : '0';
    },
    resize(height) {
      if (height !== plot.height) plot.setSize({ width: plot.width, height });
    },
  };
}
