"""Finding one's way in a big graph (issue 12, items 4-5): the gradient
heat-map and its legend, the search box, the minimap, and the arrows'
labels hidden at low zoom, on a micrograd MLP published from Python."""

from __future__ import annotations

import math
import random

import pytest
from contrast import SVG_TEXTS_JS, ratio
from steps import written_url

from engine import publish
from engine.document import build_document
from engine.nn import MLP

SHOTS = {"desktop": {"width": 1024, "height": 768}, "slide": {"width": 640, "height": 360}}


def mlp_loss():
    """micrograd's MLP on one two-moons-like sample, with the hinge loss of its demo."""
    random.seed(1337)
    model = MLP(2, [4, 4, 1])
    score = model([1.2, -0.4])
    return (1 + -1 * score).relu(), model


@pytest.fixture(scope="module")
def published(server):
    loss, _ = mlp_loss()
    document = build_document(loss)
    links = publish(loss, server)
    # open_page takes paths on the test server
    return {name: links[name].removeprefix(server) for name in ("url", "embed_url")}, document


def shown_number(text: str) -> float:
    """A number as format.js writes it (true minus sign, `e` exponent)."""
    return float(text.replace("−", "-"))


def within_display(shown: float, true: float, digits: int = 2) -> bool:
    """Is `shown` `true` rounded to `digits` significant digits? (half a unit of the last one)"""
    unit = 10 ** (math.floor(math.log10(abs(true))) - digits + 1)
    return abs(shown - true) <= unit / 2 * (1 + 1e-9)


def backward_end(document) -> int:
    return sum(1 for step in document.steps if step.pass_ == "backward")


def test_heat_map_legend_gives_the_documents_gradients(page, open_page, published, artifacts):
    links, document = published
    grads = [abs(float(n.grad)) for n in document.nodes if n.grad is not None and n.grad != 0]
    lo, hi = min(grads), max(grads)
    page.set_viewport_size(SHOTS["desktop"])
    open_page(f"{links['url']}?pass=forward&step=0&heat=1")
    page.locator("[data-testid=expand-all]").click()   # every node drawn, as the document has them
    assert page.locator("[data-testid=heat-toggle]").get_attribute("aria-pressed") == "true"
    # Before the backward pass: the legend says so, and nothing is coloured.
    assert "backward pass" in page.locator("[data-testid=heat-note]").inner_text()
    assert page.locator("g.node[data-heat]").count() == 0
    page.locator("[data-testid=pass-backward]").click()
    page.keyboard.press("End")
    page.wait_for_function("() => document.querySelectorAll('g.node[data-heat]').length > 0")
    legend_min = shown_number(page.locator("[data-testid=heat-min]").inner_text())
    legend_max = shown_number(page.locator("[data-testid=heat-max]").inner_text())
    assert within_display(legend_min, lo), (legend_min, lo)
    assert within_display(legend_max, hi), (legend_max, hi)
    # The extremes take the scale's end colours; data (no gradient) takes none.
    levels = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('g.node')]
        .map((g) => [g.dataset.nodeId, g.dataset.heat ?? null]))""")
    for node in document.nodes:
        if node.grad is None:
            assert levels[str(node.id)] is None
        elif abs(float(node.grad)) == hi:
            assert levels[str(node.id)] == "5"
        elif abs(float(node.grad)) == lo:
            assert levels[str(node.id)] == "0"
        elif node.grad == 0:
            assert levels[str(node.id)] == "zero"
    # Colour is never the only cue: the card writes the magnitude on hover.
    top = next(n for n in document.nodes if n.grad is not None and abs(float(n.grad)) == hi)
    page.locator(f"g.node[data-node-id='{top.id}']").dispatch_event("pointerover")
    card = page.locator("[data-testid=node-card]").inner_text()
    magnitude = card.split("|gradient| ", 1)[1].split()[0]
    assert float(magnitude) == hi and "level 6 of 6" in card
    page.screenshot(path=str(artifacts / "navigation-heat-1024x768.png"))
    # Readable in both themes: every text on a coloured node, 4.5:1 at least.
    for theme in ("light", "dark"):
        page.evaluate("(theme) => { document.documentElement.dataset.theme = theme; }", theme)
        page.wait_for_timeout(400)   # the fills' transition (0.35 s)
        texts = [t for t in page.evaluate(SVG_TEXTS_JS) if t["how"] == "shape"]
        assert texts
        for t in texts:
            assert ratio(t["fill"], t["bg"]) >= 4.5, (theme, t)
        page.screenshot(path=str(artifacts / f"navigation-heat-{theme}.png"))


def test_heat_map_toggle_is_in_the_url(page, open_page, published):
    links, _ = published
    open_page(links["url"])
    assert page.locator("[data-testid=heat-legend]").is_hidden()
    page.locator("[data-testid=heat-toggle]").click()
    assert "heat=1" in written_url(page)
    assert page.locator("[data-testid=heat-legend]").is_visible()
    page.locator("[data-testid=heat-toggle]").click()
    assert "heat=" not in written_url(page)


def test_search_focuses_a_parameter_by_name(page, open_page, published, artifacts):
    links, _ = published
    page.set_viewport_size(SHOTS["desktop"])
    open_page(links["url"])
    box = page.locator("[data-testid=node-search-input]")
    assert box.get_attribute("aria-label")
    assert page.locator("datalist option[value='w[1][3][0]']").count() == 1
    box.fill("w[1][3][0]")
    box.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('g.node[data-found]')")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "w[1][3][0]"
    card = page.locator("[data-testid=node-card]")
    assert card.is_visible() and card.inner_text().startswith("w[1][3][0]")
    # Its neuron opened to show it: the nodes glide to their places first.
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    node = page.locator("g.node[data-found]").bounding_box()
    stage = page.locator("[data-testid=stage]").bounding_box()
    centre = (node["x"] + node["width"] / 2, node["y"] + node["height"] / 2)
    assert abs(centre[0] - (stage["x"] + stage["width"] / 2)) < 2
    assert abs(centre[1] - (stage["y"] + stage["height"] / 2)) < 2
    page.screenshot(path=str(artifacts / "navigation-search-1024x768.png"))
    box.fill("no such name")
    box.press("Enter")
    assert box.get_attribute("aria-invalid") == "true"
    assert "No node or group" in page.locator("[data-testid=node-search-status]").inner_text()


def view_of(page) -> list[float]:
    return [float(v) for v in page.locator("[data-testid=minimap]").get_attribute("data-view").split(",")]


def test_minimap_shows_when_the_graph_is_larger_and_moves_the_view(page, open_page, published):
    links, _ = published
    page.set_viewport_size(SHOTS["desktop"])
    open_page(links["url"] + "?fit=0")
    minimap = page.locator("[data-testid=minimap]")
    minimap.wait_for(state="visible")
    before = view_of(page)
    box = minimap.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 6, box["y"] + box["height"] / 2)
    page.wait_for_function("(before) => document.querySelector('[data-testid=minimap]').dataset.view !== before",
                           arg=",".join(f"{v:.1f}" for v in before))
    after = view_of(page)
    assert (after[0] + after[2]) / 2 > (before[0] + before[2]) / 2 + 50   # moved right
    # Dragging moves it too; the fitted graph (all of it in view) needs no map.
    page.mouse.move(box["x"] + box["width"] - 6, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 8, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    page.wait_for_timeout(100)
    dragged = view_of(page)
    assert (dragged[0] + dragged[2]) / 2 < (after[0] + after[2]) / 2 - 50
    page.locator("[data-testid=fit]").click()
    minimap.wait_for(state="hidden")


def test_edge_labels_hide_at_low_zoom_and_return(page, open_page, published):
    links, _ = published
    open_page(links["url"] + "?fit=0&pass=backward&step=3")
    page.locator("[data-testid=expand-all]").click()   # all 1,000 nodes: the labels' worst case
    svg = page.locator("svg.graph")
    assert svg.get_attribute("data-edge-labels") == "shown"
    assert page.locator("svg.graph .labels").is_visible()
    for _ in range(8):
        page.locator("[data-testid=zoom-out]").click()
    page.wait_for_function("() => document.querySelector('svg.graph').dataset.edgeLabels === 'hidden'")
    scale = page.evaluate("() => d3.zoomTransform(document.querySelector('svg.graph')).k")
    assert scale * 15 < 8    # LABEL_SIZE 15: under 8 px on screen
    assert page.locator("svg.graph .labels").is_hidden()
    for _ in range(8):
        page.locator("[data-testid=zoom-in]").click()
    page.wait_for_function("() => document.querySelector('svg.graph').dataset.edgeLabels === 'shown'")
    assert page.locator("svg.graph .labels").is_visible()


def test_a_slide_frame_keeps_the_minimap_and_search_out_of_the_way(page, open_page, published, artifacts):
    links, _ = published
    page.set_viewport_size(SHOTS["slide"])
    open_page(links["embed_url"] + "?fit=0&heat=1&pass=backward&step=20")
    assert page.locator("[data-testid=minimap]").is_hidden()
    assert page.locator("[data-testid=node-search]").is_hidden()
    page.screenshot(path=str(artifacts / "navigation-embed-640x360.png"))


# The backward pass step by step, by `key`, reduced motion (a pan is a jump):
# after each, whether the view moved and whether the current node is whole on the stage.
WALK = """async ([key, steps]) => {
  const svg = document.querySelector('svg.graph');
  const viewport = svg.querySelector('g.viewport');
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const walked = [];
  for (let k = 0; k < steps; k += 1) {
    const before = viewport.getAttribute('transform');
    document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    await frame();
    // The board under the stage comes a frame or two later (view.js), and a
    // chain rule of more lines makes the stage shorter.
    while (document.querySelector('[data-board-waiting]')) await frame();
    await frame();
    const stage = svg.getBoundingClientRect();
    const current = svg.querySelector('g.node.current');   // none at the pass's start
    const box = current && current.getBoundingClientRect();
    walked.push({
      panned: viewport.getAttribute('transform') !== before,
      whole: !box || (box.left >= stage.left && box.right <= stage.right && box.top >= stage.top && box.bottom <= stage.bottom),
      at: box && { step: k, node: [box.left, box.top, box.right, box.bottom].map(Math.round), stage: [stage.width, stage.height].map(Math.round) },
    });
  }
  return walked;
}"""


def test_following_the_steps_down_a_layer_pans_every_other_step(page, open_page):
    """The collapsed MLP is followed, not fitted, and its stage is short: a
    pan shows the next step's neuron too, going on or back (each pan serves
    two steps); at the graph's left edge the view does not pan for a node it
    cannot bring nearer; and a stage made a line shorter or longer by the
    board does not move the view while the node is still well in it. The
    current node is whole on the stage at every step. At 1024×768 the stage
    is shorter than at 1280×720 (252 px against 270): the harder case."""
    page.set_viewport_size(SHOTS["desktop"])
    page.emulate_media(reduced_motion="reduce")
    open_page("/examples/moons-mlp?pass=backward&step=0")
    scrubber = page.locator("[data-testid=scrubber]")
    steps = int(scrubber.get_attribute("max")) - int(scrubber.input_value())
    for key in ("ArrowRight", "ArrowLeft"):
        walked = page.evaluate(WALK, [key, steps])
        assert all(step["whole"] for step in walked), (key, [s["at"] for s in walked if not s["whole"]])
        pans = sum(step["panned"] for step in walked)
        assert pans <= 0.6 * steps, (key, pans, steps)   # it panned at 30 of 34, both ways
