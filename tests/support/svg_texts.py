"""The texts an exported SVG shows, one per <text> element (its tspans
joined): what a reader of the picture reads."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def drawn_texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
