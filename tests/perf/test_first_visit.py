"""A student's first visit and their second, in Chromium against a real
`chainrule serve`: how many requests and how many bytes on the wire (the
issue's target: at most 12 requests and 400 KB compressed), that the page
fetches nothing it already embeds, and that a second visit asks the server
for the page only (everything else has an immutable, content-hashed URL)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from live_server import running_server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from classroom import graph_link, mlp  # noqa: E402  the bench's 2-8-1 network

pytestmark = pytest.mark.browser


def served(log: Path, since: int) -> list[str]:
    """The request lines uvicorn logged after `since` bytes of its log."""
    text = log.read_bytes()[since:].decode(errors="replace")
    return [line.split('"')[1] for line in text.splitlines() if line.count('"') >= 2]


def test_first_visit_is_few_small_requests_and_the_second_asks_only_for_the_page(browser):
    link = graph_link(mlp(8))
    with running_server() as base:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(base + link)
        page.wait_for_selector("body[data-ready='1']")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
        wire = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
                   for r in finished)
        urls = [r.url.removeprefix(base) for r in finished]
        assert len(finished) <= 12, urls
        assert wire <= 400 * 1024, (wire, urls)
        assert not [u for u in urls if u.startswith("/api/")], urls  # embedded: not fetched
        assert page.locator("[data-testid='player'] svg").count() >= 1

        logged = base.log.stat().st_size
        again = context.new_page()
        again.goto(base + link)
        again.wait_for_selector("body[data-ready='1']")
        again.wait_for_load_state("networkidle")
        time.sleep(0.2)  # the access log is written after the answer
        context.close()
        asked = served(base.log, logged)
    print(f"first visit: {len(urls)} requests, {wire / 1024:.0f} KiB; second: {asked}")
    assert len(asked) == 1 and asked[0].startswith("GET /graph?"), asked
