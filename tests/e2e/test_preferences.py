"""Motion and colour preferences, the back row, full screen and print
(issue 13, items 3 and 4)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from steps import frame, written_url

EXAMPLES = ["simple", "add-bias", "practical", "challenge-1", "challenge-2", "linear-regression"]


def ready(page, url):
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.evaluate("document.fonts.ready.then(() => 1)")


def test_reduced_motion_turns_every_animation_into_a_jump(page, server):
    page.emulate_media(reduced_motion="reduce")
    ready(page, server + "/examples/simple?pass=forward&step=1")
    for key in ("ArrowRight", "ArrowRight", "End", "End", "ArrowLeft"):
        page.keyboard.press(key)
        assert page.evaluate("document.getAnimations().length") == 0, key
    assert frame(page) == ("backward", 6)
    # The same steps without the preference do animate: the test can fail.
    page.emulate_media(reduced_motion="no-preference")
    ready(page, server + "/examples/simple?pass=forward&step=1")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.getAnimations().length") > 0


# Two steps a frame apart (a held key), then one after the keys rest.
SCRUB = """async () => {
  const svg = document.querySelector('svg.graph');
  const key = () => document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  key();
  await frame();
  const first = new Set(document.getAnimations());
  const firstScrubs = svg.hasAttribute('data-scrubbing');
  key();
  await frame();
  return {
    first: first.size, firstScrubs, scrubbing: svg.hasAttribute('data-scrubbing'),
    started: document.getAnimations().filter((a) => !first.has(a)).length,
    transition: getComputedStyle(svg.querySelector('.edge-line')).transitionDuration,
  };
}"""


def test_steps_faster_than_their_animations_jump(page, server):
    """A held key: a step under 200 ms after the last (motion.js SCRUB_MS)
    starts no fade, colour transition or glide, which the next step would cut
    off; once the keys rest, a step animates again."""
    ready(page, server + "/examples/simple?pass=forward&step=1")
    held = page.evaluate(SCRUB)
    assert held["first"] > 0 and not held["firstScrubs"]   # the first step animates
    assert held["scrubbing"] and held["started"] == 0 and held["transition"] == "0s"
    assert frame(page) == ("forward", 3)
    page.wait_for_function("() => !document.querySelector('svg.graph').hasAttribute('data-scrubbing')")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.getAnimations().length") > 0
    assert page.evaluate("getComputedStyle(document.querySelector('svg.graph .edge-line')).transitionDuration") != "0s"


def test_forced_colors_keep_pressed_buttons_and_the_parameter_swatch(page, server):
    page.emulate_media(forced_colors="active")
    shots = {}
    for pass_ in ("forward", "backward"):
        ready(page, f"{server}/examples/simple?pass={pass_}&step=0")
        button = page.locator("[data-testid='pass-backward']")
        expect(button).to_have_attribute("aria-pressed", str(pass_ == "backward").lower())
        shots[pass_] = button.screenshot()
    assert shots["forward"] != shots["backward"]   # pressed and unpressed differ in pixels
    swatch = page.evaluate("""() => {
      const key = getComputedStyle(document.querySelector('.key-parameter'));
      return [key.backgroundColor, getComputedStyle(document.querySelector('.stage')).backgroundColor, key.width];
    }""")
    assert swatch[0] != swatch[1] and float(swatch[2].rstrip("px")) > 10


def test_the_system_dark_scheme_and_the_theme_toggle(page, server):
    page.emulate_media(color_scheme="dark")
    ready(page, server + "/examples/simple")
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "dark")
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg == "rgb(14, 19, 25)"
    toggle = page.locator("[data-testid='theme-toggle']")
    seen = []
    for _ in range(4):
        toggle.click()
        url = written_url(page)
        seen.append((html.get_attribute("data-theme"), url.split("theme=")[1].split("&")[0] if "theme=" in url else None))
    assert seen == [("dark", "dark"), ("contrast", "contrast"), ("light", "light"), ("dark", None)]
    # An embed can force a theme, and the server writes it before any script runs.
    page.emulate_media(color_scheme="light")
    page.route("**/*.js*", lambda route: route.abort())
    page.goto(server + "/embed/examples/simple?theme=contrast")
    expect(html).to_have_attribute("data-theme", "contrast")


@pytest.mark.parametrize("slug", EXAMPLES)
def test_large_text_is_16_px_at_least_at_1024_by_768(page, server, slug):
    page.set_viewport_size({"width": 1024, "height": 768})
    for at in ("pass=forward&step=2", "pass=backward&step=3", "pass=backward&step=99"):
        ready(page, f"{server}/examples/{slug}?big=1&{at}")
        page.wait_for_function("() => document.querySelector('svg.graph').dataset.measured === '1'")
        # The view may still glide to the step's node: read the sizes where it stops.
        page.wait_for_function("() => !d3.active(document.querySelector('svg.graph'))")
        sizes = page.evaluate("""() => {
          const svg = document.querySelector('svg.graph');
          const k = d3.zoomTransform(svg).k;
          const out = [];
          const visible = (el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden';
          const own = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.replace(/[\\u200b\\s]/g, ''));
          for (const el of svg.querySelectorAll('text, tspan')) {
            if (own(el) && visible(el)) out.push([el.textContent.trim(), parseFloat(getComputedStyle(el).fontSize) * k]);
          }
          for (const el of document.querySelectorAll('.board *')) {
            if (el.closest('.sr-only, .katex-mathml, .step-text') || !own(el) || !visible(el)) continue;
            out.push([el.textContent.trim(), parseFloat(getComputedStyle(el).fontSize)]);
          }
          return out;
        }""")
        assert len(sizes) > 10
        small = [(text, round(px, 1)) for text, px in sizes if px < 16 - 1e-6]
        assert small == [], at


def test_fullscreen_fills_the_screen_with_the_player(page, server):
    ready(page, server + "/examples/simple")
    page.locator("[data-testid='fullscreen']").click()
    page.wait_for_function("() => document.fullscreenElement && document.fullscreenElement.id === 'player'")
    expect(page.locator("[data-testid='fullscreen']")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    assert frame(page) == ("forward", 1)


def test_print_keeps_the_graph_panel_and_gradients_without_controls(page, server, artifacts):
    ready(page, server + "/examples/simple?pass=backward&step=7")
    page.emulate_media(media="print")
    for testid in ("graph", "chain-rule", "gradients"):
        expect(page.locator(f"[data-testid='{testid}']")).to_be_visible()
    assert page.locator("button:visible, select:visible, input:visible").count() == 0
    page.screenshot(path=artifacts / "print-simple-backward.png", full_page=True)


def test_favicon_is_linked(page, server):
    ready(page, server + "/")
    assert page.locator("link[rel='icon']").get_attribute("href") == "/favicon.ico"


def test_a_download_in_the_dark_theme_is_drawn_on_white_in_light_colours(page, server, tmp_path):
    from xml.etree import ElementTree
    ready(page, server + "/examples/simple?pass=backward&step=4&theme=dark")
    with page.expect_download() as info:
        page.locator("[data-testid='download-svg']").click()
    path = tmp_path / "dark.svg"
    info.value.save_as(path)
    root = ElementTree.parse(path).getroot()
    svg = "{http://www.w3.org/2000/svg}"
    grad = next(t for t in root.iter(f"{svg}text") if "".join(t.itertext()) == "v′ = 161.1")
    assert "rgb(192, 22, 29)" in grad.get("style") + root.get("style", "")   # the light theme's red
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")      # the screen stays dark
