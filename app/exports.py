"""Exports of one view for slides that cannot hold an iframe: SVG (drawn on
the server), PNG (that SVG rasterised by headless Chromium) and a
self-contained offline HTML page."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from app.svg_export import render_svg
from engine.examples import Example
from engine.schema import Document


class ExportError(RuntimeError):
    """An export that cannot be made here (no Chromium for PNG, say)."""


def export_example(example: Example, fmt: str, phase: str, step: int | None) -> bytes:
    document = example.document()
    if fmt == "svg":
        return render_svg(document, phase, step).encode("utf-8")
    if fmt == "png":
        return svg_to_png(render_svg(document, phase, step), document)
    from app.offline import offline_html  # the page's scripts, inlined
    return offline_html(document, phase, step).encode("utf-8")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def svg_to_png(svg: str, document: Document) -> bytes:
    browser = chromium()
    if browser is None:
        raise ExportError("PNG export needs Chromium (Debian: apt-get install chromium); "
                          "SVG and HTML need nothing")
    width, height = int(document.width + 60), int(document.height + 40)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "frame.svg", Path(folder) / "frame.png"
        source.write_text(svg, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update",
                   "--disable-sync", "--no-first-run", "--hide-scrollbars",
                   f"--user-data-dir={folder}/profile", f"--screenshot={target}",
                   f"--window-size={width},{height}", source.as_uri()]
        result = subprocess.run(command, capture_output=True, timeout=60)
        if not target.exists():
            raise ExportError(f"Chromium made no PNG: {result.stderr.decode()[-300:]}")
        return target.read_bytes()
