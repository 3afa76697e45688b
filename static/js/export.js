/* Exports of the frame on screen, made in the browser: "SVG" writes the live
   graph with the styles it needs on each element (computed by the page's
   CSS, so no stylesheet is needed to read it) and the KaTeX fonts its labels
   use as data: URLs, so that it looks the same in a file, a slide or an
   <img>; "PNG" draws that SVG on a canvas at twice its size. The whole graph
   is exported, whatever the zoom. "HTML" downloads the offline copy of the
   view from the server (app/routers/exports.py) at the current frame.

   Loaded on its own by templates/_controls.html (and bundled into the
   offline copy), it reads the frame from the panel's caption and touches
   the player only through the DOM. */

import { WHOLE_DRAWING } from './whole_drawing.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PNG_SCALE = 2;
const MAX_CANVAS_SIDE = 16384;     // Chromium's limit per side
const MAX_CANVAS_AREA = 2 ** 26;   // 64 Mpx (256 MB of pixels): a huge graph is scaled down
const MARGIN = 16;

/* SVG inherits these: each is written where it differs from the parent's. */
const INHERITED = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity',
  'stroke-dasharray', 'stroke-dashoffset', 'stroke-linejoin', 'stroke-linecap',
  'paint-order', 'font-family', 'font-size', 'font-style', 'font-weight', 'letter-spacing',
  'text-anchor', 'dominant-baseline', 'visibility'];
/* These are not inherited: written where they are not the initial value. */
const OWN = { 'baseline-shift': ['0px', 'baseline'], opacity: ['1'] };

/** The frame the panel shows: {pass, step}. */
function currentFrame(root) {
  const caption = root.querySelector('[data-testid="step-caption"]');
  return { pass: caption?.dataset.pass || 'forward', step: Number(caption?.dataset.step) || 0 };
}

function finishTransitions(svg) {
  // A fade-in or colour transition caught halfway would be exported halfway.
  for (const animation of svg.getAnimations ? svg.getAnimations({ subtree: true }) : []) {
    try {
      if (Number.isFinite(animation.effect?.getComputedTiming().endTime)) animation.finish();
    } catch {
      /* an animation that cannot finish keeps its current look */
    }
  }
}

/** A copy of `source` with its computed style written on it; null if not shown. */
function styledCopy(source, parentStyle, fonts) {
  const style = getComputedStyle(source);
  const keep = source.localName === 'title';
  if (!keep && style.display === 'none') return null;
  const copy = source.cloneNode(false);
  copy.removeAttribute('style');
  if (!keep) {
    const written = [];
    for (const key of INHERITED) {
      const value = style.getPropertyValue(key);
      if (!parentStyle || parentStyle.getPropertyValue(key) !== value) written.push([key, value]);
    }
    for (const [key, initial] of Object.entries(OWN)) {
      const value = style.getPropertyValue(key);
      if (value && !initial.includes(value)) written.push([key, value]);
    }
    for (const [key, value] of written) copy.style.setProperty(key, value);
    if (source.localName === 'text' || source.localName === 'tspan') {
      fonts.add(`${style.fontFamily.split(',')[0].trim().replace(/^["']|["']$/g, '')}|${style.fontStyle}|${Number(style.fontWeight) >= 600 ? 700 : 400}`);
    }
  }
  for (const child of source.childNodes) {
    if (child.nodeType === Node.ELEMENT_NODE) {
      const inner = styledCopy(child, keep ? null : style, fonts);
      if (inner) copy.appendChild(inner);
    } else if (child.nodeType === Node.TEXT_NODE) {
      copy.appendChild(child.cloneNode(false));
    }
  }
  return copy;
}

/** The @font-face rules of the page for the fonts in `used` ("family|style|weight"). */
function fontFaces(used) {
  const found = [];
  for (const sheet of document.styleSheets) {
    let rules;
    try {
      rules = sheet.cssRules;
    } catch {
      continue;   // a sheet from elsewhere: not ours to read
    }
    for (const rule of rules) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      const family = rule.style.getPropertyValue('font-family').trim().replace(/^["']|["']$/g, '');
      const fontStyle = rule.style.getPropertyValue('font-style').trim() || 'normal';
      const weight = rule.style.getPropertyValue('font-weight').trim();
      const heavy = weight === 'bold' || Number(weight) >= 600 ? 700 : 400;
      if (!used.has(`${family}|${fontStyle}|${heavy}`)) continue;
      const url = /url\(\s*["']?([^"')]+)["']?\s*\)/.exec(rule.style.getPropertyValue('src'));
      if (url) found.push({ family, fontStyle, weight: heavy, url: new URL(url[1], sheet.href || location.href).href });
    }
  }
  return found;
}

function dataUrlOf(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** @font-face rules with the fonts inside; fonts that cannot be read are left to fall back. */
async function embeddedFonts(used) {
  const rules = await Promise.all(fontFaces(used).map(async (face) => {
    try {
      let src = face.url;
      if (!src.startsWith('data:')) {
        const response = await fetch(src);
        if (!response.ok) return '';
        src = await dataUrlOf(await response.blob());
      }
      return `@font-face{font-family:${face.family};font-style:${face.fontStyle};font-weight:${face.weight};src:url(${src}) format("woff2")}`;
    } catch {
      return '';
    }
  }));
  return rules.filter(Boolean).join('\n');
}

/** The graph on show as a standalone SVG document: {text, width, height}. */
export async function frameSvg(svg, { title = '', embedFonts = true } = {}) {
  const viewport = svg.querySelector('g.viewport');
  svg.dispatchEvent(new Event(WHOLE_DRAWING));
  // Big graphs hide what lies outside the view (render.js cullGraph): show it all.
  const culled = [...viewport.querySelectorAll('*')].filter((node) => node.style.display === 'none');
  for (const node of culled) node.style.display = '';
  let copy;
  let box;
  const fonts = new Set();
  // A download is a picture on white paper: drawn in the light theme whatever the screen shows.
  const html = document.documentElement;
  const theme = html.dataset.theme;
  html.dataset.theme = 'light';
  try {
    finishTransitions(svg);
    box = viewport.getBBox();
    copy = styledCopy(viewport, getComputedStyle(svg), fonts);
  } finally {
    for (const node of culled) node.style.display = 'none';
    if (theme === undefined) delete html.dataset.theme;
    else html.dataset.theme = theme;
  }
  copy.removeAttribute('transform');
  const x = Math.floor(box.x - MARGIN);
  const y = Math.floor(box.y - MARGIN);
  const width = Math.ceil(box.width + 2 * MARGIN);
  const height = Math.ceil(box.height + 2 * MARGIN);
  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `${x} ${y} ${width} ${height}`);
  const rootStyle = getComputedStyle(svg);
  for (const key of INHERITED) root.style.setProperty(key, rootStyle.getPropertyValue(key));
  root.appendChild(document.createElementNS(SVG_NS, 'title')).textContent = title;
  if (embedFonts) {
    const css = await embeddedFonts(fonts);
    if (css) root.appendChild(document.createElementNS(SVG_NS, 'style')).textContent = css;
  }
  const paper = root.appendChild(document.createElementNS(SVG_NS, 'rect'));
  for (const [key, value] of Object.entries({ x, y, width, height, fill: '#fff' })) paper.setAttribute(key, String(value));
  root.appendChild(copy);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}\n`;
  return { text, width, height };
}

/** The SVG drawn on a canvas, `scale` times its size (less if the canvas would be too big). */
export async function pngOf({ text, width, height }, scale = PNG_SCALE) {
  const fit = Math.min(scale, MAX_CANVAS_SIDE / width, MAX_CANVAS_SIDE / height,
    Math.sqrt(MAX_CANVAS_AREA / (width * height)));
  const image = new Image();
  // A data: URL, not a blob: one: it never taints the canvas, also in a file:// page.
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * fit));
  canvas.height = Math.max(1, Math.round(height * fit));
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the canvas made no PNG'))), 'image/png');
  });
}

function download(href, filename) {
  const link = document.createElement('a');
  link.href = href;
  if (filename) link.download = filename;
  link.hidden = true;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

function downloadBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  download(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

/** Wire one player's export buttons (once). */
export function setupExport(root) {
  const tools = root.querySelector('[data-testid="export-tools"]');
  if (!tools || tools.dataset.ready) return;
  tools.dataset.ready = '1';
  const svg = root.querySelector('svg.graph');
  const status = tools.querySelector('[data-testid="export-status"]');
  const name = tools.dataset.name || 'chainrule';

  function describe() {
    const { pass, step } = currentFrame(root);
    const heading = document.querySelector('[data-testid="title"]');
    const title = (heading ? heading.textContent : document.title).trim();
    return { pass, step, filename: `${name}-${pass}-${step}`, title: `${title} — ${pass} pass, step ${step}` };
  }

  async function run(button, job) {
    button.disabled = true;
    tools.dataset.busy = '1';
    if (status) status.textContent = '';
    try {
      await job();
    } catch (exc) {
      if (status) status.textContent = `Export failed: ${exc.message}`;
    } finally {
      button.disabled = false;
      delete tools.dataset.busy;
    }
  }

  const actions = {
    'download-svg': async () => {
      const frame = describe();
      const made = await frameSvg(svg, { title: frame.title });
      downloadBlob(new Blob([made.text], { type: 'image/svg+xml' }), `${frame.filename}.svg`);
    },
    'download-png': async () => {
      const frame = describe();
      const made = await frameSvg(svg, { title: frame.title });
      downloadBlob(await pngOf(made), `${frame.filename}.png`);
    },
    'download-html': async () => {
      const { pass, step, filename } = describe();
      const url = new URL(tools.dataset.offlineUrl, location.href);
      url.searchParams.set('pass', pass);
      url.searchParams.set('step', String(step));
      download(url.href, `${filename}.html`);
    },
  };

  tools.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-export]');
    if (button && actions[button.dataset.export]) run(button, actions[button.dataset.export]);
  });
}

for (const root of document.querySelectorAll('[data-testid="player"]')) setupExport(root);

/* The server's SVG of a frame is this page's own export (app/frame_svg.py):
   the offline copy, opened from disk as `…#export-svg` by headless Chromium,
   writes its SVG into a hidden pre (#exported-svg) once its labels are measured
   with their fonts, for --dump-dom to read. One picture, drawn by one code. */
async function exportForServer(root) {
  const svg = root.querySelector('svg.graph');
  for (let waited = 0; svg.dataset.measured !== '1' && waited < 10000; waited += 50) {
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  const { pass, step } = currentFrame(root);
  const heading = document.querySelector('[data-testid="title"]');
  const title = `${(heading ? heading.textContent : document.title).trim()} — ${pass} pass, step ${step}`;
  const made = await frameSvg(svg, { title });
  const out = document.createElement('pre');
  out.id = 'exported-svg';
  out.hidden = true;
  out.textContent = made.text;
  document.body.appendChild(out);
}

if (location.hash === '#export-svg') {
  const root = document.querySelector('[data-testid="player"]');
  if (root) exportForServer(root);
}
