"""The clicker steps the graph, then the deck (issue 13, item 5): a real
reveal.js (tests/.npm, from the npm registry) opened from file://, with the
plugin served at /deck/reveal-chainrule.js, driven by PageDown and PageUp
alone, from slide 1 through every step of the graph slide to the next
slide, and back."""

from __future__ import annotations

import urllib.request

import pytest
from npm_fixtures import npm_file
from playwright.sync_api import expect
from steps import backward_steps, forward_steps

DECK = """<!doctype html>
<html><head><meta charset="utf-8"><title>Backprop, a lecture</title>
<link rel="stylesheet" href="{reveal_dir}/reveal.css">
<link rel="stylesheet" href="{reveal_dir}/theme/white.css">
</head><body><div class="reveal"><div class="slides">
  <section><h2>Automatic differentiation</h2></section>
  <section><h3>Backprop, node by node</h3>
    <iframe src="{embed}" width="800" height="450" style="border:0" title="chainrule: simple"></iframe></section>
  <section><h2>What comes next</h2></section>
  <section><h2>The end</h2></section>
</div></div>
<script src="{reveal_dir}/reveal.js"></script>
<script src="{server}/deck/reveal-chainrule.js"></script>
<script>{start}</script>
</body></html>
"""
START = "Reveal.initialize({ hash: false, transition: 'none', plugins: [RevealChainrule] });"
# The deck starts once its embed has loaded and announced itself, into no listener.
START_LATE = "document.querySelector('iframe').addEventListener('load', () => setTimeout(() => { %s }, 1500));" % START


@pytest.fixture(params=["embed", "offline"])
def deck(request, server, tmp_path):
    """A reveal.js deck as a file, framing the embed or the offline copy of `simple`."""
    if request.param == "embed":
        embed = f"{server}/embed/examples/simple"
    else:
        copy = tmp_path / "simple.html"
        copy.write_bytes(urllib.request.urlopen(f"{server}/api/examples/simple.html?pass=forward&step=0").read())
        embed = copy.as_uri()
    path = tmp_path / "deck.html"
    path.write_text(DECK.format(reveal_dir=npm_file("reveal.js").parent.as_uri(), embed=embed, server=server,
                                start=START))
    return path.as_uri()


def test_the_clicker_alone_goes_through_the_graph_slide_and_back(page, deck, api, artifacts):
    doc = api("/api/examples/simple")
    n, m = len(forward_steps(doc)), len(backward_steps(doc))
    frames = [("forward", k) for k in range(n + 1)] + [("backward", k) for k in range(m + 1)]
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(deck)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    embed = page.frame_locator("iframe")
    caption = embed.locator("[data-testid='step-caption']")
    expect(embed.locator("body[data-ready='1']")).to_have_count(1)

    def slide():
        return page.evaluate("Reveal.getIndices().h")

    def at(pass_, step):
        expect(caption).to_have_attribute("data-pass", pass_)
        expect(caption).to_have_attribute("data-step", str(step))

    assert slide() == 0
    page.keyboard.press("PageDown")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    at("forward", 0)
    for pass_, step in frames[1:]:                 # every step of the graph, by the clicker
        page.keyboard.press("PageDown")
        at(pass_, step)
        assert slide() == 1
    page.screenshot(path=artifacts / "deck-graph-slide-end.png")
    page.keyboard.press("PageDown")                # the graph is done: the deck moves on
    page.wait_for_function("() => Reveal.getIndices().h === 2")

    page.keyboard.press("PageUp")                  # and back: the graph slide, at its end
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    at("backward", m)
    for pass_, step in reversed(frames[:-1]):
        page.keyboard.press("PageUp")
        at(pass_, step)
        assert slide() == 1
    page.keyboard.press("PageUp")
    page.wait_for_function("() => Reveal.getIndices().h === 0")


def test_an_embed_that_announced_itself_before_the_deck_started_still_takes_the_clicker(page, server, tmp_path):
    """The plugin asks each frame for its state as it starts: an embed that
    loaded first (cached, or a deck slow to load its scripts) announced
    itself to nobody, and without the question the clicker would skip it."""
    path = tmp_path / "late.html"
    path.write_text(DECK.format(reveal_dir=npm_file("reveal.js").parent.as_uri(),
                                embed=f"{server}/embed/examples/simple", server=server, start=START_LATE))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.Reveal && Reveal.isReady && Reveal.isReady()", timeout=15000)
    caption = page.frame_locator("iframe").locator("[data-testid='step-caption']")
    expect(caption).to_have_attribute("data-step", "0")
    page.keyboard.press("PageDown")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    page.keyboard.press("PageDown")                # the graph steps; the deck stays
    expect(caption).to_have_attribute("data-step", "1")
    assert page.evaluate("Reveal.getIndices().h") == 1


def test_keys_inside_the_embed_hand_back_to_the_deck(page, deck, api):
    m = len(backward_steps(api("/api/examples/simple")))
    page.goto(deck)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.keyboard.press("PageDown")
    page.wait_for_function("() => Reveal.getIndices().h === 1")
    embed = page.frame_locator("iframe")
    embed.locator("svg.graph").click(position={"x": 40, "y": 80})   # the keys are the embed's now
    expect(embed.locator("[data-testid='keys-hint']")).to_have_attribute("data-keys", "on")
    embed.locator("body").press("End")
    embed.locator("body").press("End")
    expect(embed.locator("[data-testid='step-caption']")).to_have_attribute("data-step", str(m))
    page.keyboard.press("PageDown")                # at the end, in the embed: the deck moves on
    page.wait_for_function("() => Reveal.getIndices().h === 2")
    page.keyboard.press("PageDown")                # and has the keys again
    page.wait_for_function("() => Reveal.getIndices().h === 3")


def test_the_embed_speaks_the_protocol(page, server, tmp_path):
    (tmp_path / "host.html").write_text(
        '<!doctype html><title>host</title>'
        f'<iframe src="{server}/embed/examples/simple" width="640" height="360" title="chainrule"></iframe>'
        '<script>window.heard = []; addEventListener("message", (e) => heard.push(e.data));</script>')
    page.goto((tmp_path / "host.html").as_uri())
    page.wait_for_function("() => heard.some((m) => m.event === 'state')")
    first = page.evaluate("heard.find((m) => m.event === 'state')")
    assert first == {"chainrule": 1, "event": "state", "pass": "forward", "step": 0, "steps": 5,
                     "index": 0, "last": 13, "atStart": True, "atEnd": False}

    def send(command, **extra):
        page.evaluate("([c, x]) => { heard.length = 0; frames[0].postMessage({chainrule: 1, command: c, ...x}, '*'); }",
                      [command, extra])

    def last_state():
        page.wait_for_function("() => heard.some((m) => m.event === 'state' || m.event === 'edge')")
        return page.evaluate("heard.filter((m) => m.event === 'state').pop() || null")

    send("next")
    assert last_state()["step"] == 1
    send("last")
    state = last_state()
    assert (state["pass"], state["step"], state["atEnd"]) == ("backward", 7, True)
    send("next")                                    # at the end: hands control back
    page.wait_for_function("() => heard.length >= 2")
    assert page.evaluate("heard") == [{"chainrule": 1, "event": "edge", "direction": "next"}, '{"method":"next"}']
    send("goto", **{"pass": "backward", "step": 3})
    assert (last_state()["pass"], last_state()["step"]) == ("backward", 3)
    send("first")
    assert last_state()["atStart"] is True
    send("prev")
    page.wait_for_function("() => heard.length >= 2")
    assert page.evaluate("heard") == [{"chainrule": 1, "event": "edge", "direction": "prev"}, '{"method":"prev"}']


def test_the_plugin_and_the_favicon_are_served(server):
    with urllib.request.urlopen(f"{server}/deck/reveal-chainrule.js") as response:
        assert response.headers["content-type"].startswith("text/javascript")
        assert b"window.RevealChainrule" in response.read()
    with urllib.request.urlopen(f"{server}/favicon.ico") as response:
        assert response.headers["content-type"] == "image/x-icon"
        assert response.read(4) == b"\x00\x00\x01\x00"
