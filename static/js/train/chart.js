/* One line chart (uPlot): a series against the step, the current step marked
   by an amber dashed line and a ringed dot, values on hover. A log chart
   draws log10 of its values on a linear scale and labels the ticks 10^k, so
   gaps (a loss of 0, ∞, NaN) are just gaps. Non-finite values are not drawn;
   the caption says from which step they appear. */

import { exact, fmt } from '../format.js';
import { count, setMathName, tickText } from './format.js';

const INK = '#141b27';
const GRID = '#e3e6eb';
const CURRENT = '#eea10f';
const FONT = '13px system-ui, "Segoe UI", "Liberation Sans", sans-serif';
// Steps are whole numbers: the x axis ticks only at these increments.
export const STEP_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6];

function logSplits(u, axis, min, max) {
  const low = Math.ceil(min);
  const high = Math.floor(max);
  if (high - low >= 1) {
    const every = Math.max(1, Math.ceil((high - low + 1) / 5));
    const splits = [];
    for (let k = low; k <= high; k += every) splits.push(k);
    return splits;
  }
  // Less than a decade: a few ticks in between, at round values.
  const ticks = [];
  for (const v of [1, 1.5, 2, 3, 5, 7]) for (let k = Math.floor(min); k <= Math.ceil(max); k += 1) {
    const y = Math.log10(v) + k;
    if (y >= min && y <= max) ticks.push(y);
  }
  // A narrow range with none of those in it: its two ends and its middle.
  if (ticks.length < 2) return [min, (min + max) / 2, max].map((v) => Math.log10(Number((10 ** v).toPrecision(3))));
  return ticks.sort((a, b) => a - b);
}

function caption(figure, title) {
  const cap = document.createElement('figcaption');
  const name = document.createElement('span');
  name.className = 'chart-name';
  setMathName(name, title);
  const value = document.createElement('span');
  value.className = 'chart-value';
  value.dataset.testid = 'chart-value';
  const hover = document.createElement('span');
  hover.className = 'chart-hover';
  const flag = document.createElement('span');
  flag.className = 'chart-flag';
  flag.dataset.testid = 'chart-flag';
  cap.append(name, value, hover, flag);
  figure.appendChild(cap);
  return { name, value, hover, flag };
}

/** A chart in `figure`: `title` names it ("w"), `log` for the loss. */
export function createLineChart(figure, { title, log = false, colour = INK, height = 120 }) {
  const uPlot = window.uPlot;
  const parts = caption(figure, title);
  const holder = document.createElement('div');
  holder.className = 'chart-plot';
  figure.appendChild(holder);
  let xMax = 1;
  let current = null;   // {x, y}: y as given (not log)
  let series = [[], []];
  const toY = (v) => (log ? (v > 0 && Number.isFinite(v) ? Math.log10(v) : null) : (Number.isFinite(v) ? v : null));

  function marker(u) {
    if (!current) return;
    const { ctx } = u;
    const px = u.valToPos(current.x, 'x', true);
    const { top, height: h } = u.bbox;
    const ratio = window.devicePixelRatio || 1;
    ctx.save();
    ctx.strokeStyle = CURRENT;
    ctx.lineWidth = 2 * ratio;
    ctx.setLineDash([5 * ratio, 4 * ratio]);
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, top + h);
    ctx.stroke();
    const y = toY(current.y);
    if (y !== null && y !== undefined) {
      const py = u.valToPos(y, 'y', true);
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.arc(px, py, 5.5 * ratio, 0, 2 * Math.PI);
      ctx.fillStyle = colour;
      ctx.fill();
      ctx.lineWidth = 2.5 * ratio;
      ctx.strokeStyle = CURRENT;
      ctx.stroke();
    }
    ctx.restore();
  }

  const axis = {
    stroke: INK, font: FONT, labelFont: FONT, size: 44, gap: 4,
    grid: { stroke: GRID, width: 1 }, ticks: { stroke: GRID, width: 1, size: 4 },
  };
  const plot = new uPlot({
    width: Math.max(figure.clientWidth, 160),
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 7 } },
    scales: {
      x: { time: false, auto: false, range: () => [0, xMax] },
      y: { auto: true, range: (u, min, max) => padRange(min, max, log) },
    },
    axes: [
      { ...axis, size: 34, incrs: STEP_INCREMENTS, values: (u, splits) => splits.map((v) => count(v)) },
      { ...axis, size: 58, values: (u, splits) => splits.map((v) => tickText(log ? 10 ** v : v)), ...(log ? { splits: logSplits } : {}) },
    ],
    series: [{}, { label: title, stroke: colour, width: 2.2, spanGaps: false }],
    hooks: {
      draw: [marker],
      setCursor: [(u) => {
        const i = u.cursor.idx;
        parts.hover.textContent = i === null || i === undefined || series[0][i] === undefined ? ''
          : `step ${count(series[0][i])}: ${fmt(log ? 10 ** series[1][i] : series[1][i])}`;
      }],
    },
  }, series, holder);

  new ResizeObserver(([entry]) => {
    const width = Math.floor(entry.contentRect.width);
    if (width > 0 && width !== plot.width) plot.setSize({ width, height: plot.height });
  }).observe(figure);

  return {
    /** The points up to the step on show, the x axis up to `end`. */
    setData(xs, values, end) {
      xMax = Math.max(end, 1);
      series = [xs, values.map(toY)];
      plot.setData(series);
      figure.dataset.points = String(xs.length);
      const bad = values.findIndex((v) => v !== null && v !== undefined && !Number.isFinite(v));
      parts.flag.textContent = bad >= 0 ? `${fmt(values[bad])} from step ${count(xs[bad])} (not drawn)` : '';
      figure.dataset.nonFinite = bad >= 0 ? '1' : '0';
    },
    /** The current step and its value (undefined: not known). */
    setCurrent(x, y) {
      current = { x, y };
      figure.dataset.currentStep = String(x);
      if (y === undefined || y === null) {
        delete figure.dataset.currentValue;
        parts.value.textContent = '';
      } else {
        figure.dataset.currentValue = exact(y);
        parts.value.textContent = `= ${fmt(y)}`;
      }
      plot.redraw(false, false);
      figure.dataset.drawn = '1';
    },
    resize(height) {
      if (height !== plot.height) plot.setSize({ width: plot.width, height });
    },
  };
}

/** A y range around [min, max] with some room, never empty. */
function padRange(min, max, log) {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return log ? [-1, 1] : [0, 1];
  if (min === max) {
    const d = log ? 0.5 : Math.max(Math.abs(min) * 0.05, 1e-9);
    return [min - d, max + d];
  }
  const d = (max - min) * 0.06;
  return [min - d, max + d];
}
