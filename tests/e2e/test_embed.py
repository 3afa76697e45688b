"""The embed: framed by another page (another origin), no chrome, its options."""

from __future__ import annotations

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect


@pytest.fixture
def slides(server, tmp_path):
    """Another site (another port, so another origin) whose page frames the embed."""
    (tmp_path / "slides.html").write_text(
        '<!doctype html><title>Slides</title><h1>Backprop</h1>'
        f'<iframe src="{server}/embed/examples/simple" width="800" height="450" '
        'style="border:0" title="chainrule"></iframe>')
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/slides.html"
    httpd.shutdown()
    httpd.server_close()


def test_the_embed_steps_inside_an_iframe_of_another_site(page, slides, artifacts):
    page.goto(slides)
    frame = page.frame_locator("iframe")
    expect(frame.locator("body[data-ready='1']")).to_have_count(1)
    expect(frame.locator(".site-header")).to_have_count(0)
    frame.locator("[data-testid='step-forward']").click()
    frame.locator("[data-testid='step-forward']").click()
    caption = frame.locator("[data-testid='step-caption']")
    expect(caption).to_have_attribute("data-step", "2")
    frame.locator("body").press("End")
    expect(caption).to_have_attribute("data-step", "5")
    page.screenshot(path=artifacts / "embed-in-iframe.png")


def test_embed_options_step_pass_controls(open_page, page, artifacts):
    open_page("/embed/examples/simple?pass=backward&step=2&controls=0")
    caption = page.locator("[data-testid='step-caption']")
    expect(caption).to_have_attribute("data-pass", "backward")
    expect(caption).to_have_attribute("data-step", "2")
    expect(page.locator("[data-testid='controls']")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(caption).to_have_attribute("data-step", "3")
    assert "controls=0" in page.url


def test_embed_autoplay(open_page, page):
    open_page("/embed/examples/simple?autoplay=1&speed=4")
    expect(page.locator("[data-testid='play']")).to_have_attribute("data-playing", "true")
    # Frames are numbered 0…13 on the scrubber: 2 or more means it has moved on its own.
    expect(page.locator("[data-testid='scrubber']")).to_have_value(re.compile(r"^([2-9]|1[0-3])$"))


def test_a_small_embed_still_fits(page, server, artifacts):
    page.set_viewport_size({"width": 320, "height": 240})
    page.goto(f"{server}/embed/examples/challenge-2?pass=backward&step=4")
    page.wait_for_selector("body[data-ready='1']")
    assert page.evaluate("document.documentElement.scrollHeight") <= 240
    for testid in ("step-forward", "step-back", "play"):
        button = page.locator(f"[data-testid='{testid}']")
        expect(button).to_be_visible()
        assert button.get_attribute("aria-label")
    page.screenshot(path=artifacts / "embed-320x240.png")
