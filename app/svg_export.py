"""One frame of the player as a standalone SVG, for slides that take only
images (and PDF or printed notes): the server's `/api/….svg`, the CLI's SVG
and, rasterised, its PNG.

It is drawn by the page's own code, so the server's picture and the page's
are one picture: the same texts at the same places, labels placed from
measured text (static/js/labels.js). Headless Chromium opens the offline
copy of the view (app/offline.py) at the frame, from disk, with no network;
the copy's export.js writes its SVG (styles computed, KaTeX fonts embedded)
into the page, and `--dump-dom` hands it back. About 1.5 s a frame, so the
last frames are kept; without Chromium it says so (ExportError) rather than
draw a different picture.

Frames are numbered as on the page (static/js/state.js)."""

from __future__ import annotations

import hashlib
import html
import re
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from app.offline import offline_html
from engine.schema import Document

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--hide-scrollbars"]
# Virtual time: the page's timers (fonts, the wait for measured labels) run
# at once, and Chromium dumps the DOM when they are done.
VIRTUAL_TIME_MS = 30000
_EXPORTED = re.compile(r'<pre id="exported-svg" hidden="">(.*?)</pre>', re.S)
KEPT_FRAMES = 32


class ExportError(RuntimeError):
    """An export that cannot be made here (no Chromium, say)."""


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(folder: str, *args: str) -> subprocess.CompletedProcess:
    browser = chromium()
    if browser is None:
        raise ExportError("SVG and PNG exports are drawn by the page in Chromium "
                          "(Debian: apt-get install chromium); HTML needs nothing")
    return subprocess.run([browser, *CHROMIUM_ARGS, f"--user-data-dir={folder}/profile", *args],
                          capture_output=True, timeout=120)


_frames: OrderedDict[str, str] = OrderedDict()
_frames_lock = threading.Lock()


def render_svg(document: Document, pass_: str = "forward", step: int | None = None) -> str:
    """The page's SVG of one frame (`step` None: the end of the pass)."""
    page = offline_html(document, pass_, step, embed=True)
    key = hashlib.sha256(page.encode()).hexdigest()
    with _frames_lock:
        if key in _frames:
            _frames.move_to_end(key)
            return _frames[key]
    with tempfile.TemporaryDirectory() as folder:
        frame = Path(folder) / "frame.html"
        frame.write_text(page, encoding="utf-8")
        result = run_chromium(folder, f"--virtual-time-budget={VIRTUAL_TIME_MS}", "--dump-dom",
                              frame.as_uri() + "#export-svg")
    found = _EXPORTED.search(result.stdout.decode("utf-8", "replace"))
    if not found:
        raise ExportError(f"Chromium drew no SVG: {result.stderr.decode()[-300:]}")
    svg = html.unescape(found.group(1))
    with _frames_lock:
        _frames[key] = svg
        while len(_frames) > KEPT_FRAMES:
            _frames.popitem(last=False)
    return svg


def svg_size(svg: str) -> tuple[int, int]:
    """The width and height the SVG declares."""
    found = re.search(r'<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"', svg)
    return (int(found.group(1)), int(found.group(2))) if found else (1200, 800)
