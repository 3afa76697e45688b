"""What an exported SVG shows: its texts, one per <text> element (its
tspans joined), what a reader of the picture reads; and its arrows."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

SVG = "{http://www.w3.org/2000/svg}"


def drawn_texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def drawn_arrows(svg: str) -> list[str]:
    """The ids of the arrows' lines (not the output's stub), in the file's order."""
    root = ElementTree.fromstring(svg.encode("utf-8"))
    return [p.get("data-edge-id") for p in root.iter(f"{SVG}path")
            if "edge-line" in (p.get("class") or "") and "stub" not in p.get("class")]
