"""Contrast of what the graph's SVG draws, computed from the rendered fills
(axe-core cannot judge SVG text): WCAG 2.2's relative luminance and ratio."""

from __future__ import annotations

import re

# Each visible text (or tspan with text of its own) of the graph, with its fill
# and the fill behind it: its own halo (a stroke painted under the fill), the
# chip it sits in, the shape of its node, or the stage.
SVG_TEXTS_JS = """() => {
  const svg = document.querySelector('svg.graph');
  const stage = getComputedStyle(svg.closest('.stage')).backgroundColor;
  const out = [];
  for (const el of svg.querySelectorAll('text, tspan')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none') continue;
    const text = el.closest('text');
    const ts = getComputedStyle(text);
    let bg;
    let how;
    const chip = el.closest('.chip');
    if (ts.paintOrder.startsWith('stroke') && ts.stroke !== 'none' && parseFloat(ts.strokeWidth) >= 3) {
      bg = ts.stroke; how = 'halo';
    } else if (chip) {
      bg = getComputedStyle(chip.querySelector('rect')).fill; how = 'chip';
    } else if (el.closest('g.node') && el.closest('g.node').querySelector('.shape')) {
      bg = getComputedStyle(el.closest('g.node').querySelector('.shape')).fill; how = 'shape';
    } else {
      bg = stage; how = 'stage';
    }
    out.push({ text: el.textContent.trim().slice(0, 40), cls: (text.getAttribute('class') || '') + ' ' + (el.closest('g.node') ? el.closest('g.node').getAttribute('class') : ''),
               fill: cs.fill, bg, how, px: box.height });
  }
  return out;
}"""


def rgb(css: str) -> tuple[float, float, float, float]:
    """`rgb(1, 2, 3)`, `rgba(1, 2, 3, 0.5)` or `#rrggbb` → (r, g, b, alpha)."""
    if css.startswith("#"):
        return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16), 1.0)
    numbers = [float(x) for x in re.findall(r"[\d.]+", css)]
    if len(numbers) < 3:
        raise ValueError(f"not a colour: {css!r}")
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def luminance(r: float, g: float, b: float) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(foreground: str, background: str, behind: str = "rgb(255, 255, 255)") -> float:
    """The contrast ratio of two colours; a translucent background is laid on `behind`."""
    br, bg_, bb, ba = rgb(background)
    if ba < 1:
        wr, wg, wb, _ = rgb(behind)
        br, bg_, bb = (ba * c + (1 - ba) * w for c, w in ((br, wr), (bg_, wg), (bb, wb)))
    fr, fg, fb, _ = rgb(foreground)
    light, dark = sorted((luminance(fr, fg, fb), luminance(br, bg_, bb)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def low_contrast_texts(page, minimum: float = 4.5) -> list[str]:
    """The graph's texts under `minimum`, described for an assertion message."""
    stage = page.evaluate("getComputedStyle(document.querySelector('.stage')).backgroundColor")
    texts = page.evaluate(SVG_TEXTS_JS)
    assert texts, "no text found in the graph"
    return [f"{t['text']!r} ({t['cls'].strip()}): {t['fill']} on {t['bg']} ({t['how']}) = "
            f"{ratio(t['fill'], t['bg'], stage):.2f}"
            for t in texts if ratio(t["fill"], t["bg"], stage) < minimum]
