/* How wide each arrow label and chip is, measured in the page: every text a
   label will hold, drawn in a scratch layer and read in one layout, so that
   labels.js places what is drawn.

   Widths are kept by text: opening a group draws the graph again, and most
   of its texts were measured for the drawing before; only the new ones are
   drawn and read. A width depends on the text, its class and the page's
   fonts and sizes, so the kept widths are dropped when large text toggles
   or one of the labels' fonts finishes loading, and a width read while
   they are not all loaded (a fallback font measures differently) is used
   once and not kept. The scratch layer is measured before the graph's own elements
   are made, so that the layout it forces covers the scratch only. */

import { BASELINE, el, label, setName } from './svg_text.js';
import { estimatedSizes } from './labels.js';

// The fonts the graph's labels are set in (app.css): KaTeX's, vendored.
// KaTeX_Main's italics set what KaTeX_Math has no glyph for (a chip's *).
export const LABEL_FONTS = ['15px KaTeX_Main', 'bold 15px KaTeX_Main', 'italic 15px KaTeX_Math', 'italic bold 15px KaTeX_Math',
  'italic 15px KaTeX_Main', 'italic bold 15px KaTeX_Main'];

// `faces`: the labels' font faces loaded when the kept widths were read.
const kept = { big: null, widths: new Map(), vertical: null, faces: new Set() };
const KEPT_WIDTHS = 20000;   // texts: past this (a long session of many graphs) start afresh
const LABEL_FAMILIES = /KaTeX_(Main|Math)/;   // app.css: the graph's fonts (--font-num, --font-math)

/** Forget every kept width (the fonts or the label size changed). */
export function forgetLabelSizes() {
  kept.widths = new Map();
  kept.vertical = null;
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
  const fresh = new Map();   // this drawing's new readings, kept only if the fonts were settled
  const widthOf = (key) => kept.widths.get(key) ?? fresh.get(key);
  const scratch = el('g', { class: 'measuring', 'aria-hidden': 'true' }, labelLayer);
  const pending = new Map();   // key → the scratch element to read
  // A text's key; `draw` makes its scratch element when its width is not known yet.
  const keyed = (key, draw) => {
    if (widthOf(key) === undefined && !pending.has(key)) pending.set(key, draw());
    return key;
  };
  const labelKey = (cls, [name, rest]) => keyed(`${cls}\u0000${name}\u0000${rest}`, () => {
    const handle = label(scratch, cls, {});
    setName(handle.name, name);
    handle.rest.textContent = rest;
    return handle.text;
  });
  const chipKey = (text) => keyed(`chip\u0000${text}`, () => {
    const chip = el('g', { class: 'chip shown' }, scratch);
    const chipText = el('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central' }, chip);
    el('tspan', { class: 'times' }, chipText).textContent = '*';
    setName(el('tspan', {}, chipText), text.slice(1));
    return chipText;
  });
  const names = texts.names.map((pairs) => pairs.map((pair) => labelKey('edge-name', pair)));
  const grads = texts.grads.map((pairs) => pairs.map((pair) => labelKey('edge-grad', pair)));
  const stub = texts.stub.map((pair) => labelKey('edge-grad', pair));
  const chipKeys = chips.map(chipKey);
  let { vertical } = kept;
  if (pending.size || !vertical) {
    const probe = label(scratch, 'edge-name', {});
    setName(probe.name, 'u');
    probe.rest.textContent = ' = 0.25';
    if (probe.text.getBBox().width === 0) {
      scratch.remove();
      return { ...estimatedSizes(doc, texts), largeText: big };
    }
    for (const [key, text] of pending) fresh.set(key, text.getBBox().width);
    vertical = {};
    for (const [baseline, value] of Object.entries(BASELINE)) {
      probe.text.setAttribute('dominant-baseline', value);
      const box = probe.text.getBBox();
      vertical[baseline] = [box.y, box.y + box.height];
    }
    if (fontsSettled()) {
      if (kept.widths.size > KEPT_WIDTHS) forgetLabelSizes();
      for (const [key, width] of fresh) kept.widths.set(key, width);
      kept.vertical = vertical;
      for (const face of labelFaces()) if (face.status === 'loaded') kept.faces.add(face);
    }
  }
  scratch.remove();
  const widest = (keys) => Math.max(0, ...keys.map(widthOf));
  return {
    names: names.map(widest), grads: grads.map(widest), stub: widest(stub),
    chips: chipKeys.map(widthOf), vertical,
    largeText: big,   // labels keep their full size (labels.js)
  };
}
