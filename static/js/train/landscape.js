/* The loss landscape over two parameters, as the course's heatmap2d draws it:
   the mean loss over the data on a grid (the other parameters at their
   start values, as /api/train computes it), coloured on a log scale with a
   legend, contour lines at the legend's levels (so the shape reads without
   colour), and the run's trajectory in red on top, from its start (a
   hollow ring) to the step on show (a filled dot in a ring).

   The grid is painted once into a canvas; axes, contours, legend and the
   trajectory are SVG over it (d3 scales and axes, d3.contours). */

import { exact, fmt, num } from '../format.js';
import { setMathName, tickText } from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { left: 58, right: 86, top: 12, bottom: 44 };
const LEVELS = 9;
const NON_FINITE = [150, 150, 150];

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

/** The log10 of every grid value (null where not positive and finite), and
    the range the colours span: up to the highest value, down to the lowest
    but for the lowest 1 % and at most 6 decades below the highest (noise-free
    data reach a loss of 1e−30 at the minimum, which would leave every other
    value one colour). Lower values take the lowest colour. */
function logGrid(loss) {
  const all = [];
  const rows = loss.map((row) => row.map((v) => {
    const x = num(v);
    if (!(x > 0) || !Number.isFinite(x)) return null;
    const l = Math.log10(x);
    all.push(l);
    return l;
  }));
  if (!all.length) return { rows, low: 0, high: 1 };
  all.sort((a, b) => a - b);
  const high = all[all.length - 1];
  let low = Math.max(all[Math.floor(0.01 * (all.length - 1))], high - 6);
  if (high - low < 1e-9) low = high - 1;
  return { rows, low, high };
}

export function createLandscape(figure, note, labels) {
  const d3 = window.d3;
  const canvas = figure.querySelector('canvas');
  const svg = figure.querySelector('svg');
  const label = (name) => labels[name] || name;
  const gradientId = 'landscape-colours';
  let grid = null;
  let image = null;
  let path = null;
  let size = [figure.clientWidth || 400, figure.clientHeight || 320];

  function paintImage() {
    const { rows, low, high } = grid.log;
    const nx = grid.xs.length;
    const ny = grid.ys.length;
    image = document.createElement('canvas');
    image.width = nx;
    image.height = ny;
    const ctx = image.getContext('2d');
    const pixels = ctx.createImageData(nx, ny);
    const colour = d3.scaleSequential(d3.interpolateViridis).domain([low, high]);
    for (let i = 0; i < ny; i += 1) {
      const row = rows[i];
      const y = ny - 1 - i;   // ys go up, canvas rows go down
      for (let j = 0; j < nx; j += 1) {
        const at = 4 * (y * nx + j);
        const rgb = row[j] === null ? NON_FINITE : (() => { const c = d3.rgb(colour(row[j])); return [c.r, c.g, c.b]; })();
        pixels.data[at] = rgb[0];
        pixels.data[at + 1] = rgb[1];
        pixels.data[at + 2] = rgb[2];
        pixels.data[at + 3] = 255;
      }
    }
    ctx.putImageData(pixels, 0, 0);
  }

  function scales() {
    const [w, h] = size;
    const { xs, ys } = grid;
    const dx = xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) : 1;
    const dy = ys.length > 1 ? (ys[ys.length - 1] - ys[0]) / (ys.length - 1) : 1;
    const x = d3.scaleLinear().domain([xs[0] - dx / 2, xs[xs.length - 1] + dx / 2]).range([MARGIN.left, w - MARGIN.right]);
    const y = d3.scaleLinear().domain([ys[0] - dy / 2, ys[ys.length - 1] + dy / 2]).range([h - MARGIN.bottom, MARGIN.top]);
    return { x, y, dx, dy };
  }

  function drawHeat(sx, sy) {
    const ratio = window.devicePixelRatio || 1;
    const [x0, x1] = sx.range();
    const [y1, y0] = sy.range();
    canvas.style.left = `${x0}px`;
    canvas.style.top = `${y0}px`;
    canvas.style.width = `${x1 - x0}px`;
    canvas.style.height = `${y1 - y0}px`;
    canvas.width = Math.max(1, Math.round((x1 - x0) * ratio));
    canvas.height = Math.max(1, Math.round((y1 - y0) * ratio));
    const ctx = canvas.getContext('2d');
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  }

  function drawContours(layer, sx, sy) {
    const { rows, low, high } = grid.log;
    const nx = grid.xs.length;
    const ny = grid.ys.length;
    if (nx < 2 || ny < 2) return;
    const values = new Float64Array(nx * ny);
    for (let i = 0; i < ny; i += 1) for (let j = 0; j < nx; j += 1) values[i * nx + j] = rows[i][j] ?? high;
    const levels = d3.range(1, LEVELS).map((k) => low + (k * (high - low)) / LEVELS);
    const [gx0] = sx.domain();
    const [gy0] = sy.domain();
    const projection = d3.geoTransform({
      point(cx, cy) { this.stream.point(sx(gx0 + cx * grid.dx), sy(gy0 + cy * grid.dy)); },
    });
    const line = d3.geoPath(projection);
    for (const contour of d3.contours().size([nx, ny]).thresholds(levels)(values)) {
      el('path', { class: 'contour', d: line(contour) }, layer);
    }
  }

  function drawAxes(sx, sy) {
    const [w, h] = size;
    const g = d3.select(svg);
    g.append('g').attr('class', 'axis').attr('transform', `translate(0,${h - MARGIN.bottom})`)
      .call(d3.axisBottom(sx).ticks(Math.max(2, Math.floor((w - MARGIN.left - MARGIN.right) / 70))).tickFormat(tickText));
    g.append('g').attr('class', 'axis').attr('transform', `translate(${MARGIN.left},0)`)
      .call(d3.axisLeft(sy).ticks(Math.max(2, Math.floor((h - MARGIN.top - MARGIN.bottom) / 50))).tickFormat(tickText));
    const xLabel = el('text', { class: 'axis-name', x: (MARGIN.left + w - MARGIN.right) / 2, y: h - 6, 'text-anchor': 'middle' }, svg);
    setMathName(xLabel, label(grid.xName));
    const yLabel = el('text', { class: 'axis-name', x: 14, y: (MARGIN.top + h - MARGIN.bottom) / 2, 'text-anchor': 'middle', transform: `rotate(-90 14 ${(MARGIN.top + h - MARGIN.bottom) / 2})` }, svg);
    setMathName(yLabel, label(grid.yName));
  }

  function drawLegend() {
    const [w, h] = size;
    const { low, high } = grid.log;
    const colour = d3.scaleSequential(d3.interpolateViridis).domain([low, high]);
    const x = w - MARGIN.right + 14;
    const top = MARGIN.top + 14;
    const bottom = h - MARGIN.bottom;
    const defs = el('defs', {}, svg);
    const gradient = el('linearGradient', { id: gradientId, x1: 0, y1: 1, x2: 0, y2: 0 }, defs);
    for (let k = 0; k <= 10; k += 1) {
      el('stop', { offset: `${k * 10}%`, 'stop-color': colour(low + (k / 10) * (high - low)) }, gradient);
    }
    el('rect', { x, y: top, width: 14, height: bottom - top, fill: `url(#${gradientId})`, stroke: '#141b27', 'stroke-width': 0.8 }, svg);
    const scale = d3.scaleLinear().domain([low, high]).range([bottom, top]);
    // Whole decades when there are a few; else round values between them.
    let ticks = d3.range(Math.ceil(low), Math.floor(high) + 1);
    if (ticks.length > 6) ticks = ticks.filter((k, i) => i % Math.ceil(ticks.length / 6) === 0);
    if (ticks.length < 3) {
      const values = d3.scaleLog().domain([10 ** low, 10 ** high]).ticks(4);
      const step = Math.ceil(values.length / 6);
      ticks = values.filter((v, i) => i % step === 0).map(Math.log10);
    }
    d3.select(svg).append('g').attr('class', 'axis legend-axis').attr('transform', `translate(${x + 14},0)`)
      .call(d3.axisRight(scale).tickValues(ticks).tickFormat((v) => tickText(Number((10 ** v).toPrecision(6)))));
    el('text', { class: 'legend-title', x: x + 7, y: MARGIN.top + 6, 'text-anchor': 'middle' }, svg).textContent = 'mean ℓ';
    for (const level of d3.range(1, LEVELS).map((k) => low + (k * (high - low)) / LEVELS)) {
      el('line', { class: 'legend-level', x1: x, x2: x + 14, y1: scale(level), y2: scale(level) }, svg);
    }
  }

  /** The trajectory, cut where it first goes far out of the drawn range (a
      run that diverges jumps between ever larger values: drawn on, its
      segments would cross the map back and forth). */
  function drawPath(layer, sx, sy) {
    if (!path) return false;
    const points = path.xs.map((x, i) => [x, path.ys[i]]);
    const defined = ([x, y]) => Number.isFinite(x) && Number.isFinite(y);
    const [dx0, dx1] = sx.domain();
    const [dy0, dy1] = sy.domain();
    const inside = ([x, y]) => x >= dx0 && x <= dx1 && y >= dy0 && y <= dy1;
    const far = ([x, y]) => x < 2 * dx0 - dx1 || x > 2 * dx1 - dx0 || y < 2 * dy0 - dy1 || y > 2 * dy1 - dy0;
    const cut = points.findIndex((p) => !defined(p) || far(p));
    const drawn = cut < 0 ? points : points.slice(0, defined(points[cut]) ? cut + 1 : cut);
    const line = d3.line().x(([x]) => sx(x)).y(([, y]) => sy(y));
    const d = line(drawn) || '';
    el('path', { class: 'trajectory-casing', d }, layer);
    el('path', { class: 'trajectory', d, 'data-testid': 'landscape-trajectory' }, layer);
    if (drawn.length) el('circle', { class: 'start-mark', cx: sx(drawn[0][0]), cy: sy(drawn[0][1]), r: 6 }, layer);
    const current = path.current;
    if (defined(current) && inside(current)) {
      el('circle', { class: 'current-ring', cx: sx(current[0]), cy: sy(current[1]), r: 9 }, layer);
      el('circle', { class: 'current-mark', cx: sx(current[0]), cy: sy(current[1]), r: 5.5 }, layer);
    }
    const outside = !points.every((p) => defined(p) && inside(p));
    figure.dataset.trajectoryPoints = String(points.length);
    figure.dataset.currentX = exact(current[0]);
    figure.dataset.currentY = exact(current[1]);
    figure.dataset.clipped = outside ? '1' : '0';
    return outside;
  }

  let pathLayer = null;

  function notes(outside) {
    const words = [];
    if (grid.anyBad) words.push('grey: the loss is not finite there');
    if (outside) words.push('the trajectory leaves the drawn range (the red line stops at its edge)');
    note.hidden = words.length === 0;
    note.textContent = words.length ? `${words.join('; ')}.` : '';
  }

  /** The heat, contours, axes and legend: again only when the grid or the size changes. */
  function draw() {
    svg.textContent = '';
    pathLayer = null;
    if (!grid) return;
    const [w, h] = size;
    svg.setAttribute('width', w);
    svg.setAttribute('height', h);
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    const { x: sx, y: sy } = scales();
    drawHeat(sx, sy);
    const clip = el('clipPath', { id: 'landscape-clip' }, el('defs', {}, svg));
    el('rect', { x: sx.range()[0], y: sy.range()[1], width: sx.range()[1] - sx.range()[0], height: sy.range()[0] - sy.range()[1] }, clip);
    const inside = el('g', { 'clip-path': 'url(#landscape-clip)' }, svg);
    drawContours(el('g', { class: 'contours' }, inside), sx, sy);
    drawAxes(sx, sy);
    drawLegend();
    pathLayer = el('g', { class: 'path' }, inside);
    drawTrajectory();
    figure.dataset.drawn = '1';
  }

  /** The trajectory alone: on every step of a run. */
  function drawTrajectory() {
    if (!grid || !pathLayer) return;
    pathLayer.textContent = '';
    const { x: sx, y: sy } = scales();
    notes(drawPath(pathLayer, sx, sy));
  }

  let pending = null;   // null, 'path' or 'all': what the next animation frame draws
  function redraw(all = true) {
    const scheduled = pending !== null;
    if (all) pending = 'all';
    else if (!scheduled) pending = 'path';
    if (scheduled) return;
    requestAnimationFrame(() => {
      const what = pending;
      pending = null;
      if (what === 'all') draw();
      else drawTrajectory();
    });
  }

  new ResizeObserver(([entry]) => {
    const { width, height } = entry.contentRect;
    if (width > 0 && height > 0 && (width !== size[0] || height !== size[1])) {
      size = [width, height];
      if (grid) redraw();
    }
  }).observe(figure);

  /** Tell the value under the pointer. */
  figure.addEventListener('pointermove', (event) => {
    if (!grid) return;
    const box = figure.getBoundingClientRect();
    const { x: sx, y: sy } = scales();
    const px = sx.invert(event.clientX - box.left);
    const py = sy.invert(event.clientY - box.top);
    const j = Math.round((px - grid.xs[0]) / grid.dx);
    const i = Math.round((py - grid.ys[0]) / grid.dy);
    const row = grid.loss[i];
    figure.title = row && j >= 0 && j < row.length
      ? `${label(grid.xName)} = ${fmt(grid.xs[j])}, ${label(grid.yName)} = ${fmt(grid.ys[i])}: mean ℓ = ${fmt(num(row[j]))}` : '';
  });

  return {
    /** /api/train's `landscape`: {x_param, y_param, xs, ys, loss[i][j]}. */
    setGrid(landscape) {
      const xs = landscape.xs.map(num);
      const ys = landscape.ys.map(num);
      const log = logGrid(landscape.loss);
      grid = {
        xs, ys, loss: landscape.loss, log, xName: landscape.x_param, yName: landscape.y_param,
        dx: xs.length > 1 ? (xs[xs.length - 1] - xs[0]) / (xs.length - 1) : 1,
        dy: ys.length > 1 ? (ys[ys.length - 1] - ys[0]) / (ys.length - 1) : 1,
        anyBad: log.rows.some((row) => row.some((v) => v === null)),
      };
      figure.hidden = false;
      figure.dataset.grid = `${xs.length}x${ys.length}`;
      figure.dataset.xParam = landscape.x_param;
      figure.dataset.yParam = landscape.y_param;
      figure.setAttribute('aria-label', `Loss landscape over ${label(landscape.x_param)} and ${label(landscape.y_param)}, `
        + `${xs.length} × ${ys.length} grid, with the trajectory`);
      paintImage();
      redraw();
    },
    /** The trajectory up to the step on show: xs, ys (parameter values) and the current point. */
    setPath(xs, ys, current, step) {
      path = { xs, ys, current };
      figure.dataset.step = String(step);
      if (grid) redraw(pathLayer === null);
    },
    /** No landscape (one parameter, or it failed): the figure goes, `message` says why. */
    clear(message) {
      grid = null;
      pathLayer = null;
      figure.hidden = Boolean(message);
      svg.textContent = '';
      canvas.width = 0;
      delete figure.dataset.drawn;
      note.hidden = !message;
      note.textContent = message || '';
    },
    get drawn() {
      return Boolean(grid);
    },
  };
}
