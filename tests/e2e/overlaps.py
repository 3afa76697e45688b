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
