"""WCAG 2.2 AA (issue 13): axe-core 4.14 (tests/.npm, from the npm registry)
on every page kind, both passes, large text, an error state and embeds; the
graph's SVG text contrast computed from its rendered fills (axe cannot see
it); non-text UI (field and button borders) at 3:1 at least; the names of
"Aa" and "</>" contain what they show. (/docs is the vendored Swagger UI and
is not checked here.)"""

from __future__ import annotations

import json
import urllib.request

import pytest
from contrast import low_contrast_texts, ratio
from npm_fixtures import npm_file
from playwright.sync_api import expect
from steps import frame

GRAPH = "/graph?source=l%20%3D%20(w*x%20%2B%20b%20-%20y)**2&values=w:2,x:3,b:1,y:1&data=x,y"
PAGES = [
    "/", "/examples/simple", "/examples/simple?pass=backward&step=3",
    "/examples/challenge-2?big=1&pass=backward&step=4", "/examples/simple?big=1&pass=forward&step=2",
    GRAPH, GRAPH + "&pass=backward&step=2", "/graph?source=w%20*", "/graph?source=w*x",
    "/embed/examples/simple", "/embed/examples/simple?pass=backward&step=5",
    "/embed/examples/simple?big=1&pass=backward&step=2", "/embed/graph?source=w%20*",
    "/examples/practical/train", "/embed/examples/practical/train", "/examples/no-such-example",
    "/embed/examples/no-such-example",
]
THEMES = ["", "&theme=dark", "&theme=contrast"]


@pytest.fixture(scope="module")
def shared_axe_page(browser, server):
    """One page for this file's 57 axe runs, in a context that bypasses the
    app's CSP so that axe can be injected. Each test navigates afresh, and
    the app keeps no state between pages (no storage, no cookies): a new
    context and renderer per test cost about 0.8 s of the machine's two
    cores, most of this file's time."""
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def axe_page(shared_axe_page):
    shared_axe_page.set_viewport_size({"width": 1024, "height": 768})
    return shared_axe_page


def violations(page) -> list[str]:
    page.add_script_tag(path=str(npm_file("axe-core")))
    # Only violations are read: axe then skips listing every node that passes (a third of its time).
    result = page.evaluate("axe.run(document, { resultTypes: ['violations'] })")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]} "
            f"{v['nodes'][0]['failureSummary'][:160]}" for v in result["violations"]]


def ready(page, url):
    page.goto(url)
    page.wait_for_selector("body[data-ready='1'], [data-testid='not-found']")
    page.evaluate("document.fonts.ready.then(() => 1)")


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_nothing(axe_page, server, path, theme):
    url = server + path + (("&" if "?" in path else "?") + theme[1:] if theme else "")
    ready(axe_page, url)
    assert violations(axe_page) == [], url


def test_axe_on_the_form_in_an_error_state_and_a_saved_graph(axe_page, server, api):
    ready(axe_page, server + "/")
    axe_page.fill("[data-testid='source']", "u = w*x\nl = u +")
    expect(axe_page.locator("[data-testid='form-error']")).to_be_visible()
    assert violations(axe_page) == []
    document = api("/api/graph", {"source": "l = (w*x - 1)**2", "values": {"w": 2, "x": 3}})
    saved = api("/api/graphs", document)
    ready(axe_page, f"{server}/graphs/{saved['id']}?pass=backward&step=2")
    assert violations(axe_page) == []


def test_axe_on_a_small_embed_and_the_offline_copy(axe_page, server, tmp_path):
    axe_page.set_viewport_size({"width": 640, "height": 360})
    ready(axe_page, server + "/embed/examples/challenge-2?pass=backward&step=3")
    assert violations(axe_page) == []
    copy = tmp_path / "simple.html"
    copy.write_bytes(urllib.request.urlopen(server + "/api/examples/simple.html?pass=backward&step=2").read())
    ready(axe_page, copy.as_uri())
    assert violations(axe_page) == []


@pytest.mark.parametrize("theme", ["", "&theme=dark", "&theme=contrast", "&big=1", "&big=1&theme=dark"])
# The course's other graphs draw the same kinds of node, chip and label
# (data, parameter, op): these two cover them, challenge-2 being the largest.
@pytest.mark.parametrize("slug", ["simple", "challenge-2"])
def test_svg_text_contrast_from_the_rendered_fills(page, server, slug, theme):
    page.set_viewport_size({"width": 1024, "height": 768})
    page.emulate_media(reduced_motion="reduce")   # the colours a frame settles on, not mid-transition
    ready(page, f"{server}/examples/{slug}?pass=forward&step=0{theme}")
    # Each frame as a lecturer reaches it: keys and the pass buttons, in one page.
    for keys, where in (([], ("forward", 0)), (["ArrowRight"] * 2, ("forward", 2)),
                        (["pass-backward"], ("backward", 0)), (["ArrowRight"] * 3, ("backward", 3)),
                        (["End"], ("backward", None))):
        for key in keys:
            if key.startswith("pass-"):
                page.click(f"[data-testid='{key}']")
            else:
                page.keyboard.press(key)
        pass_, step = frame(page)
        assert pass_ == where[0] and (step == where[1] or where[1] is None and step > 3), (pass_, step)
        assert low_contrast_texts(page) == [], (pass_, step)


CONTROLS_JS = """() => [...document.querySelectorAll('textarea, input[type=text], select, button')]
  .filter((el) => el.offsetParent && !el.disabled && !el.closest('.zoom-tools, .play, .passes [aria-pressed=true], .options [aria-pressed=true], .primary'))
  .map((el) => {
    let bg = 'rgba(0, 0, 0, 0)';
    for (let p = el.parentElement; p && /rgba\\(0, 0, 0, 0\\)|transparent/.test(bg); p = p.parentElement) bg = getComputedStyle(p).backgroundColor;
    return { what: el.dataset.testid || el.tagName, border: getComputedStyle(el).borderTopColor, bg };
  })"""


@pytest.mark.parametrize("theme", ["", "?theme=dark", "?theme=contrast"])
def test_field_and_button_borders_have_3_to_1(page, server, theme):
    ready(page, server + GRAPH.replace("/graph?", "/graph?" + (theme[1:] + "&" if theme else "")))
    page.locator("[data-testid='form-box'] > summary").click()
    controls = page.evaluate(CONTROLS_JS)
    assert len(controls) > 10
    low = [f"{c['what']}: {c['border']} on {c['bg']} = {ratio(c['border'], c['bg']):.2f}"
           for c in controls if ratio(c["border"], c["bg"]) < 3]
    assert low == []


def test_visible_labels_are_in_the_names(page, server):
    ready(page, server + "/examples/simple")
    snapshot = page.locator("[data-testid='controls']").aria_snapshot()
    assert 'button "Aa large text"' in snapshot
    assert 'button "</> embed code"' in snapshot
