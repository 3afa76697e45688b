/* How wide each arrow label and chip is, measured in the page, so that
   labels.js places what is drawn: each part of a label (its name's runs,
   its rest) measured on a canvas in the font the page's styles give that
   part, read from probe elements.

   Widths are kept by text: opening a group draws the graph again, and most
   of its texts were measured for the drawing before; only the new ones are
   measured. A width depends on the text, its class and the page's fonts
   and sizes, so the kept widths are dropped when large text toggles or
   one of the labels' fonts finishes loading, and a width read while they
   are not all loaded (a fallback font measures differently) is used once
   and not kept. The probes are made before the graph's own elements, so
   that the style and layout they force cover the probes only. */

import { mathRuns } from './format.js';
import { BASELINE, el, label, setName } from './svg_text.js';
import { estimatedSizes } from './labels.js';

// The fonts the graph's labels are set in (app.css): KaTeX's, vendored.
// KaTeX_Main's italics set what KaTeX_Math has no glyph for (a chip's *).
export const LABEL_FONTS = ['15px KaTeX_Main', 'bold 15px KaTeX_Main', 'italic 15px KaTeX_Math', 'italic bold 15px KaTeX_Math',
  'italic 15px KaTeX_Main', 'italic bold 15px KaTeX_Main'];

// `faces`: the labels' font faces loaded when the kept widths were read.
const kept = { big: null, widths: new Map(), vertical: null, fonts: null, faces: new Set() };
const KEPT_WIDTHS = 20000;   // texts: past this (a long session of many graphs) start afresh
const LABEL_FAMILIES = /KaTeX_(Main|Math)/;   // app.css: the graph's fonts (--font-num, --font-math)

/** Forget every kept width (the fonts or the label size changed). */
export function forgetLabelSizes() {
  kept.widths = new Map();
  kept.vertical = null;
  kept.fonts = null;
  kept.faces = new Set();
}

const labelFaces = () => [...document.fonts].filter((face) => LABEL_FAMILIES.test(face.family));

if (typeof document !== 'undefined' && document.fonts && document.fonts.addEventListener) {
  // Asked for as the scripts start, not when a first drawing finds them
  // missing: the first drawing is then measured in them, once (view.js).
  for (const font of LABEL_FONTS) document.fonts.load(font).catch(() => {});
  document.fonts.addEventListener('loadingdone', (event) => {
    // A face of the labels' fonts that came in since the widths were read may change them.
    const news = (event.fontfaces || []).filter((face) => LABEL_FAMILIES.test(face.family) && !kept.faces.has(face));
    if (news.length) forgetLabelSizes();
  });
}

/** Are the labels' fonts all in? Asked after reading: a face that the
    reading itself started to load measured as its fallback. */
function fontsSettled() {
  return LABEL_FONTS.every((font) => document.fonts.check(font)) && !labelFaces().some((face) => face.status === 'loading');
}

/** The fonts of a label's parts, as the page's styles give them (app.css):
    for each kind of text ('edge-name', 'edge-grad', 'chip') the font of
    its rest and of each kind of run in its name (format.js mathRuns).
    Read from probe elements once per large-text setting: a style
    recalculation, no layout. */
function partFonts(scratch) {
  const fontOf = (node) => {
    const style = getComputedStyle(node);
    return `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  };
  const runsOf = (tspan) => {
    setName(tspan, 'a*′(0)a0');   // one run of each kind
    return Object.fromEntries([...tspan.children].map((run) => [run.getAttribute('class'), fontOf(run)]));
  };
  const fonts = {};
  for (const cls of ['edge-name', 'edge-grad']) {
    const probe = label(scratch, cls, {});
    probe.rest.textContent = ' = 0';
    fonts[cls] = { runs: runsOf(probe.name), rest: fontOf(probe.rest) };
  }
  const chipText = el('text', {}, el('g', { class: 'chip shown' }, scratch));
  const times = el('tspan', { class: 'times' }, chipText);
  fonts.chip = { runs: runsOf(el('tspan', {}, chipText)), rest: fontOf(times) };
  return fonts;
}

// A canvas measures a text in a font without laying anything out: the
// widths of an opened neuron's 100-odd new labels took a forced layout of
// as many scratch labels (10 ms) and their making (10 ms). A context per
// font: a label's parts alternate fonts, and setting one parses it.
const contexts = new Map();
// Canvas advances come out up to 0.9 unit under the SVG text's box (large
// text): labels are placed this much wider, never over their neighbours.
const CANVAS_SLACK = 1;
function measureIn(font, text) {
  let context = contexts.get(font);
  if (!context) {
    context = document.createElement('canvas').getContext('2d');
    context.font = font;
    contexts.set(font, context);
  }
  return context.measureText(text).width;
}

/** A name set in runs (svg_text.js setName) and the rest after it. */
function widthIn(fonts, name, rest) {
  let width = rest ? measureIn(fonts.rest, rest) : 0;
  for (const run of mathRuns(name)) width += measureIn(fonts.runs[run.kind], run.text);
  return width + CANVAS_SLACK;
}

/** Sizes for labels.js: the widest text of each arrow's name and gradient
    label (`texts`, labels.js labelTexts), of the output's stub and of each
    chip (`chips`: their texts, format.js chipText), in layout units, and
    how far each baseline's boxes reach above and below the anchor. Falls
    back on estimates when the graph is not laid out (a hidden page). */
export function measureLabels(doc, labelLayer, texts, chips) {
  const big = document.body.classList.contains('big');
  if (kept.big !== big) {
    forgetLabelSizes();
    kept.big = big;
  }
  // The probes (the baselines' extents, the parts' fonts) once per font setting: kept together.
  let { vertical, fonts } = kept;
  if (!vertical || !fonts) {
    const scratch = el('g', { class: 'measuring', 'aria-hidden': 'true' }, labelLayer);
    const probe = label(scratch, 'edge-name', {});
    setName(probe.name, 'u');
    probe.rest.textContent = ' = 0.25';
    if (probe.text.getBBox().width === 0) {
      scratch.remove();
      return { ...estimatedSizes(doc, texts), largeText: big };
    }
    vertical = {};
    for (const [baseline, value] of Object.entries(BASELINE)) {
      probe.text.setAttribute('dominant-baseline', value);
      const box = probe.text.getBBox();
      vertical[baseline] = [box.y, box.y + box.height];
    }
    fonts = partFonts(scratch);
    scratch.remove();
  }
  const fresh = new Map();   // this drawing's new readings, kept only if the fonts were settled
  const widthOf = (key) => kept.widths.get(key) ?? fresh.get(key);
  // A text's key; its width is measured the first time it is met.
  const keyed = (key, measure) => {
    if (widthOf(key) === undefined) fresh.set(key, measure());
    return key;
  };
  const labelKey = (cls, [name, rest]) => keyed(`${cls}\u0000${name}\u0000${rest}`, () => widthIn(fonts[cls], name, rest));
  const chipKey = (text) => keyed(`chip\u0000${text}`, () => widthIn(fonts.chip, text.slice(1), '*'));
  const names = texts.names.map((pairs) => pairs.map((pair) => labelKey('edge-name', pair)));
  const grads = texts.grads.map((pairs) => pairs.map((pair) => labelKey('edge-grad', pair)));
  const stub = texts.stub.map((pair) => labelKey('edge-grad', pair));
  const chipKeys = chips.map(chipKey);
  if (fresh.size && fontsSettled()) {
    if (kept.widths.size > KEPT_WIDTHS) forgetLabelSizes();
    for (const [key, width] of fresh) kept.widths.set(key, width);
    kept.vertical = vertical;
    kept.fonts = fonts;
    for (const face of labelFaces()) if (face.status === 'loaded') kept.faces.add(face);
  }
  const widest = (keys) => Math.max(0, ...keys.map(widthOf));
  return {
    names: names.map(widest), grads: grads.map(widest), stub: widest(stub),
    chips: chipKeys.map(widthOf), vertical,
    largeText: big,   // labels keep their full size (labels.js)
  };
}
