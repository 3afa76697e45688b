"""Layouts that fit (issue 13, item 6): the first screen of a projector
holds what a lecture needs, without scrolling."""

from __future__ import annotations

import pytest

BOX_JS = """(sel) => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""


def inside(page, selector, width, height):
    box = page.evaluate(BOX_JS, selector)
    assert box is not None, selector
    left, top, right, bottom = box
    assert 0 <= left and 0 <= top and right <= width and bottom <= height, (selector, box)


@pytest.mark.parametrize("slug", ["practical", "challenge-2", "linear-regression"])
def test_training_view_at_1024_by_768(page, server, slug, artifacts):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{server}/examples/{slug}/train")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("[data-testid='update-rows'] li")
    for selector in (".stage", "[data-testid='update-panel']", "[data-testid='chart-loss']"):
        inside(page, selector, 1024, 768)
    assert page.evaluate("scrollY") == 0
    page.screenshot(path=artifacts / f"train-{slug}-1024x768.png")


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)])
def test_graph_page_shows_the_graph_and_the_controls(page, server, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    page.goto(server + "/graph?source=l%20%3D%20(w*x%20%2B%20b%20-%20y)**2&values=w:2,x:3,b:1,y:1&data=x,y")
    page.wait_for_selector("body[data-ready='1']")
    for selector in (".stage", "[data-testid='controls']", "[data-testid='step-forward']"):
        inside(page, selector, width, height)
