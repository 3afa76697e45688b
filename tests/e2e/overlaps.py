"""Readability of the drawn graph, measured in Chromium from the drawn
elements' bounding boxes: no text overlaps another text, and no text covers
a node it does not belong to (its own symbol or name may sit inside it)."""

from __future__ import annotations

# Boxes of glyph cells are taller than the ink; a touch of TOLERANCE px in
# each direction is not an overlap.
TOLERANCE = 1.0

_MEASURE = """(tolerance) => {
  const svg = document.querySelector('svg.graph');
  // checkVisibility() misses a display: none on an SVG ancestor: walk up.
  const visible = (el) => {
    for (let node = el; node && node !== svg; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return false;
    }
    return getComputedStyle(el).fillOpacity !== '0';
  };
  const describe = (el) => {
    const owner = el.closest('[data-node-id], [data-edge-id], [data-testid]');
    const key = owner ? [...owner.attributes].filter((a) => a.name.startsWith('data-')).map((a) => `${a.name}=${a.value}`).join(' ') : '';
    return `"${el.textContent}" (${el.getAttribute('class') || owner && owner.getAttribute('class') || ''} ${key})`;
  };
  const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() && visible(t))
    .map((t) => ({ el: t, box: t.getBoundingClientRect(), node: t.closest('g.node') }));
  const shapes = [...svg.querySelectorAll('g.node .shape')].filter(visible).map((s) => ({
    g: s.closest('g.node'), box: s.getBoundingClientRect(), circle: s.tagName === 'circle',
  }));
  const problems = [];
  const inter = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > tolerance
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > tolerance;
  for (let i = 0; i < texts.length; i += 1) {
    for (let j = i + 1; j < texts.length; j += 1) {
      if (texts[i].el.contains(texts[j].el) || texts[j].el.contains(texts[i].el)) continue;
      if (inter(texts[i].box, texts[j].box)) problems.push(`text ${describe(texts[i].el)} overlaps text ${describe(texts[j].el)}`);
    }
  }
  for (const t of texts) {
    for (const s of shapes) {
      if (t.node === s.g) continue;
      let hit;
      if (s.circle) {
        const r = s.box.width / 2;
        const cx = s.box.left + r;
        const cy = s.box.top + r;
        const px = Math.min(Math.max(cx, t.box.left), t.box.right);
        const py = Math.min(Math.max(cy, t.box.top), t.box.bottom);
        hit = Math.hypot(px - cx, py - cy) < r - tolerance;
      } else {
        hit = inter(t.box, s.box);
      }
      if (hit) problems.push(`text ${describe(t.el)} covers node ${s.g.dataset.nodeId}`);
    }
  }
  return problems;
}"""


def overlaps(page) -> list[str]:
    """Every overlap in the graph as drawn now, described for a failure message."""
    return page.evaluate(_MEASURE, TOLERANCE)


# Each frame from where the player is to the end of its last pass: its
# overlaps and the drawn texts that match `internal` (a RegExp source), then
# → (as the keys module hears it), until a key no longer moves the player.
_EVERY_FRAME = """async ([tolerance, internal]) => {
  const measure = %s;
  // The scrubber says where the player is at once (a big drawing's caption comes frames later).
  const scrubber = document.querySelector("[data-testid='scrubber']");
  const where = () => scrubber.getAttribute('aria-valuetext');
  const id = new RegExp(internal);
  const problems = [];
  for (let frames = 1; ; frames += 1) {
    const at = where();
    for (const p of measure(tolerance)) problems.push(`${at}: ${p}`);
    for (const t of document.querySelectorAll('svg.graph text')) {
      if (id.test(t.textContent)) problems.push(`${at}: internal id in ${JSON.stringify(t.textContent)}`);
    }
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    if (where() === at) return frames > 2 ? problems : [`only ${frames} frames`];
  }
}""" % _MEASURE


def every_frame_overlaps(page, internal: str) -> list[str]:
    """Every overlap, and every drawn text matching `internal`, of each frame
    from the one on show to the end of the last pass; the steps are taken
    in the page, so a graph of a hundred frames takes one call."""
    return page.evaluate(_EVERY_FRAME, [TOLERANCE, internal])
