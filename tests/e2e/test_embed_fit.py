"""Embeds fit their frame (issue 9): at every size from 320×240 to a full
screen a course example shows every node inside the frame; `fit=0` forces
the follow-the-current-node view; "fit" stays reachable at 320×240."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from engine import load_examples

SIZES = [(320, 240), (640, 360), (800, 450), (960, 540)]
ALWAYS_FITTED = 30   # nodes, as static/js/zoom.js


def framed(page, tmp_path, server, path: str, width: int, height: int):
    """A slide (a file: page, as decks are opened) framing the embed."""
    slide = tmp_path / f"slide-{width}.html"
    slide.write_text(f'<!doctype html><body style="margin:0"><iframe src="{server}{path}" '
                     f'width="{width}" height="{height}" style="border:0"></iframe>')
    page.set_viewport_size({"width": width + 40, "height": height + 40})
    page.goto(slide.as_uri())
    frame = page.frame_locator("iframe")
    expect(frame.locator("body[data-ready='1']")).to_have_count(1)
    expect(frame.locator("svg.graph[data-measured='1']")).to_have_count(1)
    return frame


def nodes_outside(frame, width: int, height: int) -> list[str]:
    """The nodes whose shape is not wholly inside the frame's viewport, once
    the view has settled (the fit runs when the stage has its size)."""
    boxes = frame.locator("g.node .shape").evaluate_all(
        "(shapes) => shapes.map((s) => { const b = s.getBoundingClientRect(); "
        "return [s.closest('g.node').dataset.nodeId, b.left, b.top, b.right, b.bottom]; })")
    return [f"node {i} at {[round(v) for v in box]}" for i, *box in boxes
            if box[0] < -0.5 or box[1] < -0.5 or box[2] > width + 0.5 or box[3] > height + 0.5]


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_course_example_fits_its_frame(page, tmp_path, server, width, height):
    for slug, example in load_examples().items():
        # A bigger graph is fitted only while its text stays readable (static/js/zoom.js);
        # `fit=1` asks for the whole of it, as the "fit" button does.
        big = len(example.document().nodes) > ALWAYS_FITTED
        frame = framed(page, tmp_path, server, f"/embed/examples/{slug}{'?fit=1' if big else ''}",
                       width, height)
        page.wait_for_timeout(100)   # the ResizeObserver's first fit
        assert nodes_outside(frame, width, height) == [], slug
        expect(frame.locator("[data-testid='fit']")).to_be_visible()


def test_fit_0_follows_the_current_node_and_fit_brings_back_the_whole_graph(page, tmp_path,
                                                                              server):
    frame = framed(page, tmp_path, server, "/embed/examples/challenge-2?fit=0", 640, 360)
    page.wait_for_timeout(100)
    assert nodes_outside(frame, 640, 360) != []
    frame.locator("[data-testid='fit']").click()
    page.wait_for_timeout(600)   # the glide
    assert nodes_outside(frame, 640, 360) == []
