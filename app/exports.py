"""Exports of one view for slides that cannot hold an iframe: SVG (the
page's own picture, app/svg_export.py), PNG (that SVG rasterised by
headless Chromium) and a self-contained offline HTML page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from app.offline import offline_html
from app.svg_export import ExportError, render_svg, run_chromium, svg_size
from engine.examples import Example

__all__ = ["ExportError", "export_example", "svg_to_png"]


def export_example(example: Example, fmt: str, pass_: str, step: int | None) -> bytes:
    document = example.document()
    if fmt == "svg":
        return render_svg(document, pass_, step).encode("utf-8")
    if fmt == "png":
        return svg_to_png(render_svg(document, pass_, step))
    return offline_html(document, pass_, step).encode("utf-8")


def svg_to_png(svg: str) -> bytes:
    width, height = svg_size(svg)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "frame.svg", Path(folder) / "frame.png"
        source.write_text(svg, encoding="utf-8")
        result = run_chromium(folder, f"--screenshot={target}",
                              f"--window-size={width},{height}", source.as_uri())
        if not target.exists():
            raise ExportError(f"Chromium made no PNG: {result.stderr.decode()[-300:]}")
        return target.read_bytes()
