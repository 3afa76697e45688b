"""The keyboard as people expect it (issue 13): native buttons keep Space and
Enter, the player's keys never steal from a focused control nor the page's
own scrolling, a skip link, a live region with the step's sentence, and
honest messages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from steps import backward_steps, frame


def caption(page):
    return page.locator("[data-testid='step-caption']")


def by(page, testid):
    return page.locator(f"[data-testid='{testid}']")


def test_space_presses_the_focused_button_and_never_plays(open_page, page):
    open_page("/examples/simple")
    play = by(page, "play")

    by(page, "pass-backward").focus()
    page.keyboard.press("Space")
    assert frame(page) == ("backward", 0)
    expect(play).to_have_attribute("data-playing", "false")

    by(page, "pass-forward").focus()
    page.keyboard.press("Enter")
    assert frame(page) == ("forward", 0)

    by(page, "big-text").focus()
    page.keyboard.press("Space")
    expect(page.locator("body")).to_have_class("page player-page big")
    page.keyboard.press("Space")
    expect(page.locator("body")).to_have_class("page player-page")

    by(page, "step-forward").focus()
    page.keyboard.press("Space")
    assert frame(page) == ("forward", 1)
    page.keyboard.press("Enter")
    assert frame(page) == ("forward", 2)

    for testid in ("zoom-in", "zoom-out", "fit", "embed-code-button"):
        by(page, testid).focus()
        page.keyboard.press("Space")
        expect(play).to_have_attribute("data-playing", "false")
    expect(by(page, "embed-code-box")).to_be_visible()   # Space pressed "</>"
    assert frame(page) == ("forward", 2)

    # Arrow keys, which a button does not use, still step from a focused player button.
    by(page, "zoom-in").focus()
    page.keyboard.press("ArrowRight")
    assert frame(page) == ("forward", 3)


def test_keys_leave_focused_controls_alone(open_page, page):
    open_page("/graph?source=l%20%3D%20(w*x%20-%20y)**2&values=w:2,x:3,y:1")
    expect(caption(page)).to_have_attribute("data-step", "0")
    page.locator("[data-testid='form-box'] > summary").click()
    by(page, "source").focus()
    expect(by(page, "source")).to_be_focused()
    for key in ("ArrowRight", "End", "Space", "PageDown"):
        page.keyboard.press(key)
    assert frame(page) == ("forward", 0)
    by(page, "speed").focus()
    page.keyboard.press("End")          # the select's own key
    assert frame(page) == ("forward", 0)
    by(page, "save-link").focus()       # a control outside the player
    page.keyboard.press("ArrowRight")
    assert frame(page) == ("forward", 0)
    page.locator("body").click(position={"x": 600, "y": 5})
    page.keyboard.press("ArrowRight")
    assert frame(page) == ("forward", 1)


def test_page_down_scrolls_a_page_that_needs_it(open_page, page):
    page.set_viewport_size({"width": 1024, "height": 600})
    open_page("/examples/simple")
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate("document.scrollingElement.scrollHeight > innerHeight")
    page.evaluate("window.scrollTo(0, 120)")      # the player's top is off screen
    page.keyboard.press("PageUp")                  # scrolls, does not step back
    page.wait_for_function("() => document.scrollingElement.scrollTop === 0")   # a scroll may glide
    assert frame(page) == ("forward", 0)
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    page.keyboard.press("PageDown")                # at the end already; the player is cut: nothing
    assert frame(page) == ("forward", 0)
    # Focus on the player (a click on the graph, or the skip link): the clicker's keys step.
    by(page, "skip-link").focus()
    page.keyboard.press("Enter")
    expect(by(page, "player")).to_be_focused()
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    assert frame(page) == ("forward", 2)


def test_skip_link_and_live_region(open_page, page, api):
    doc = api("/api/examples/simple")
    m = len(backward_steps(doc))
    open_page("/examples/simple?pass=backward&step=2")
    page.keyboard.press("Tab")
    skip = by(page, "skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    expect(skip).to_have_text("Skip to the player")
    page.keyboard.press("Enter")
    expect(by(page, "player")).to_be_focused()
    page.keyboard.press("ArrowRight")
    live = by(page, "live-step")
    assert live.get_attribute("aria-live") == "polite"
    text = backward_steps(doc)[2]["text"]
    expect(live).to_have_text(f"Backward step 3 of {m}: {text}")


def test_the_accumulation_line_waits_for_a_backward_pass(open_page, page, api):
    m = len(backward_steps(api("/api/examples/simple")))
    open_page("/examples/simple")
    runs = by(page, "runs")
    expect(runs).to_have_text("")
    page.keyboard.press("End")
    page.keyboard.press("End")
    assert frame(page) == ("backward", m)
    expect(runs).to_have_text("backward() has run once.")
    page.keyboard.press("ArrowLeft")
    expect(runs).to_have_text("")


def test_a_link_without_values_names_the_inputs_it_needs(open_page, page):
    open_page("/graph?source=l%20%3D%20(w*x%20%2B%20b%20-%20y)**2")
    empty = by(page, "no-graph")
    expect(empty).to_have_text("This link gives no value for w, x, b, y. Set them above (1 for now), "
                               "then press “Draw the graph”.")
    assert "Fix the expression" not in page.content()


@pytest.mark.parametrize("path", ["/embed/examples/simple", "/api/examples/simple.html?pass=forward&step=0"])
def test_embed_keys_after_a_click_with_a_hint(page, server, tmp_path, path):
    if path.startswith("/api"):
        import urllib.request
        (tmp_path / "offline.html").write_bytes(urllib.request.urlopen(server + path).read())
        src = (tmp_path / "offline.html").as_uri()
    else:
        src = server + path
    (tmp_path / "slides.html").write_text(
        f'<!doctype html><title>Slides</title><button id="before">before</button>'
        f'<iframe src="{src}" width="640" height="360" title="chainrule"></iframe>')
    page.goto((tmp_path / "slides.html").as_uri())
    frame_ = page.frame_locator("iframe")
    expect(frame_.locator("body[data-ready='1']")).to_have_count(1)
    hint = frame_.locator("[data-testid='keys-hint']")
    page.locator("#before").focus()
    expect(hint).to_have_attribute("data-keys", "off")
    expect(hint).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(frame_.locator("[data-testid='step-caption']")).to_have_attribute("data-step", "0")
    frame_.locator("svg.graph").click(position={"x": 30, "y": 60})
    expect(hint).to_have_attribute("data-keys", "on")
    page.keyboard.press("PageDown")
    page.keyboard.press("ArrowRight")
    expect(frame_.locator("[data-testid='step-caption']")).to_have_attribute("data-step", "2")
