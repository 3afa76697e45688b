"""Exports in a real browser: the offline HTML file played from disk with the
network cut off, and the SVG and PNG of the frame on screen made in the page."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ElementTree

import pytest
from playwright.sync_api import expect
from steps import backward_steps, forward_steps, label_text, node_attr, shown, written_url

from engine import load_examples

W_GRAD = 80.5293954641633
B_GRAD = 161.0587909283266
SVG = "{http://www.w3.org/2000/svg}"
LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def simple() -> dict:
    return json.loads(load_examples()["simple"].document().to_json())


@pytest.fixture(scope="module")
def offline_simple(tmp_path_factory):
    """`chainrule export simple --format html`, opening on the first frame."""
    target = tmp_path_factory.mktemp("offline") / "simple.html"
    result = subprocess.run([sys.executable, "-m", "app", "export", "simple", "--format", "html",
                             "--pass", "forward", "--step", "0", "-o", str(target)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture
def offline(browser):
    """A fresh page with no network at all: offline, and every request that is
    not for a local file aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 720}, accept_downloads=True)
    context.set_offline(True)
    remote: list[str] = []

    def refuse(route):
        remote.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(LOCAL), refuse)
    page = context.new_page()
    page.on("request", lambda request: None if request.url.startswith(LOCAL)
            else remote.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.remote, page.errors = remote, errors
    yield page
    context.close()
    assert remote == [] and errors == [], (remote, errors)


def open_file(page, path, query: str = ""):
    page.goto(path.as_uri() + query)
    page.wait_for_selector("body[data-ready='1']")
    return page


def at(page, pass_: str, step: int):
    caption = page.locator("[data-testid='step-caption']")
    expect(caption).to_have_attribute("data-pass", pass_)
    expect(caption).to_have_attribute("data-step", str(step))


def check_frame(page, doc: dict, pass_: str, k: int):
    """What the page shows at (pass, k) is what the document says."""
    at(page, pass_, k)
    if pass_ == "forward":
        for step in forward_steps(doc)[:k]:
            assert float(node_attr(page, step["node"], "data-value")) == step["value"]
        for step in forward_steps(doc)[k:]:
            assert node_attr(page, step["node"], "data-value") is None
        if k:
            step = forward_steps(doc)[k - 1]
            assert f"= {shown(step['value'])}" in label_text(page, step["node"])
            assert page.locator("[data-testid='step-text']").text_content() == step["text"]
        assert page.locator("g.node[data-grad]").count() == 0
    else:
        for step in backward_steps(doc)[:k]:
            assert float(node_attr(page, step["node"], "data-grad")) == pytest.approx(step["grad"],
                                                                                      rel=1e-12)
        for step in backward_steps(doc)[k:]:
            assert node_attr(page, step["node"], "data-grad") is None
        if k:
            step = backward_steps(doc)[k - 1]
            assert f"= {shown(step['grad'])}" in label_text(page, step["node"], "grad")
            assert page.locator("[data-testid='step-text']").text_content() == step["text"]


def test_the_offline_file_plays_forward_and_backward_from_disk(offline, offline_simple, simple,
                                                                artifacts):
    page = open_file(offline, offline_simple)
    ready_ms = page.evaluate("performance.getEntriesByName('chainrule-ready')[0].startTime")
    print(f"offline file: {offline_simple.stat().st_size} bytes, first frame at {ready_ms:.0f} ms")
    n, m = len(forward_steps(simple)), len(backward_steps(simple))
    check_frame(page, simple, "forward", 0)
    # KaTeX and its fonts are in the file: the panel is typeset.
    expect(page.locator("[data-testid='chain-rule'] .katex").first).to_be_visible()
    assert page.evaluate("document.fonts.check('16px KaTeX_Main')")
    # What needs the server is not there.
    assert page.locator("form, [data-testid='download-html']").count() == 0
    expect(page.locator("[data-testid='embed-code-button']")).to_be_hidden()

    for k in range(1, n + 1):                      # forward with the key a clicker sends
        page.keyboard.press("ArrowRight")
        check_frame(page, simple, "forward", k)
    for k in range(0, m + 1):                      # on into the backward pass, with the button
        if k:
            page.click("[data-testid='step-forward']")
        else:
            page.keyboard.press("PageDown")
        check_frame(page, simple, "backward", k)
    for name, grad, text in (("w", W_GRAD, "80.53"), ("b", B_GRAD, "161.1")):
        item = page.locator(f"[data-testid='gradient'][data-name='{name}']")
        assert float(item.get_attribute("data-grad")) == pytest.approx(grad, rel=1e-12)
        assert item.text_content() == f"∂ℓ/∂{name} = {text}"
    page.screenshot(path=artifacts / "offline-simple-backward-end.png")

    for k in range(m - 1, -1, -1):                 # and back again
        page.keyboard.press("ArrowLeft")
        check_frame(page, simple, "backward", k)
    page.click("[data-testid='step-back']")
    check_frame(page, simple, "forward", n)
    page.keyboard.press("Home")
    check_frame(page, simple, "forward", 0)
    assert written_url(page).endswith("simple.html?pass=forward&step=0")

    # The file's own CSP: markup that got into it could run no script.
    page.evaluate("""document.body.insertAdjacentHTML('beforeend',
                     '<img src=x onerror="window.__xss = 1">')""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") is None


def test_the_offline_file_keeps_its_frame_and_exports_in_place(offline, tmp_path, server, simple):
    """The route's file opens on the frame it was asked for, and the SVG and
    PNG buttons work in it too, with no server."""
    target = tmp_path / "simple-b3.html"
    with urllib.request.urlopen(f"{server}/api/examples/simple.html?pass=backward&step=3") as r:
        assert r.headers["content-disposition"] == 'attachment; filename="chainrule-simple.html"'
        target.write_bytes(r.read())
    page = open_file(offline, target)
    check_frame(page, simple, "backward", 3)
    svg = download(page, "svg", tmp_path)
    texts = svg_texts(ElementTree.parse(svg).getroot())
    assert "y′ = 16.98" in texts and not any(t.startswith("v′") for t in texts)
    assert is_png(download(page, "png", tmp_path).read_bytes())
    # An address with a frame wins over the file's own.
    open_file(offline, target, "?pass=forward&step=2")
    check_frame(page, simple, "forward", 2)


def download(page, kind: str, folder):
    with page.expect_download() as info:
        page.click(f"[data-testid='download-{kind}']")
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path


def svg_texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def is_png(data: bytes) -> bool:
    return data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def test_svg_and_png_of_a_backward_frame(open_page, page, tmp_path, simple, artifacts):
    open_page("/examples/simple?pass=backward&step=4")
    svg_path = download(page, "svg", tmp_path)
    assert svg_path.name == "simple-backward-4.svg"
    root = ElementTree.parse(svg_path).getroot()          # well-formed XML
    assert root.tag == f"{SVG}svg"
    texts = svg_texts(root)
    # Step 4 computed v′; the flows from v to u and b are on their arrows.
    assert "v′ = 161.1" in texts and "(y − y*)′ = 16.98" in texts
    assert texts.count("161.1 × 1") == 2 and "*y" in texts
    assert not any(t.startswith(("u′", "w′")) for t in texts)
    # Styles are on the elements: the gradient is red without any stylesheet.
    grad_label = next(t for t in root.iter(f"{SVG}text") if "".join(t.itertext()) == "v′ = 161.1")
    assert "rgb(192, 22, 29)" in grad_label.get("style") + root.get("style", "")
    assert root.find(f"{SVG}title").text.endswith("backward pass, step 4")
    width, height = int(root.get("width")), int(root.get("height"))

    png = download(page, "png", tmp_path)
    data = png.read_bytes()
    assert png.name == "simple-backward-4.png" and is_png(data)
    assert png_size(data) == (2 * width, 2 * height)
    (artifacts / "export-simple-backward-4.png").write_bytes(data)


def test_offline_html_button_downloads_the_frame_on_screen(open_page, page, api, tmp_path,
                                                          offline):
    saved = api("/api/graphs", api("/api/examples/simple"))
    open_page(f"/graphs/{saved['id']}")
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    at(page, "backward", 1)
    target = download(page, "html", tmp_path)
    assert target.name == f"chainrule-graph-{saved['id'][:12]}.html"
    check_frame(open_file(offline, target), api(f"/api/graphs/{saved['id']}"), "backward", 1)

    open_page("/embed/examples/simple")
    expect(page.locator("[data-testid='download-html']")).to_be_visible()
    open_page("/graph?source=y%20%3D%202*x&values=x:1")   # no slug, no id: no offline file
    expect(page.locator("[data-testid='download-svg']")).to_be_visible()
    assert page.locator("[data-testid='download-html']").count() == 0


def placed_texts(svg_text: str) -> list[tuple[str, float, float, str]]:
    """Every drawn text with where it stands: (text, x, y, anchor)."""
    root = ElementTree.fromstring(svg_text.encode("utf-8"))
    return [("".join(t.itertext()), float(t.get("x", 0)), float(t.get("y", 0)),
             t.get("text-anchor", "")) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize("slug", list(load_examples()))
def test_the_server_svg_is_the_page_picture(open_page, page, tmp_path, server, slug):
    """One picture (issue 10): the server's SVG of a frame and the page's own
    download of it hold the same texts at the same places (±1 px)."""
    open_page(f"/examples/{slug}?pass=backward&step=3")
    page.wait_for_selector("svg.graph[data-measured='1']", state="attached")
    from_page = placed_texts(download(page, "svg", tmp_path).read_text())
    # micrograd's 1,000-node MLP takes Chromium some 12 s alone, far more on a busy machine.
    with urllib.request.urlopen(f"{server}/api/examples/{slug}.svg?pass=backward&step=3",
                                timeout=240) as response:
        from_server = placed_texts(response.read().decode())
    assert [t[0] for t in from_server] == [t[0] for t in from_page]
    for mine, theirs in zip(from_server, from_page):
        assert abs(mine[1] - theirs[1]) <= 1 and abs(mine[2] - theirs[2]) <= 1, (mine, theirs)
        assert mine[3] == theirs[3]
    # The output's arrow and its value are in the picture (ℓ on the slides, o for the neuron).
    with urllib.request.urlopen(f"{server}/api/examples/{slug}", timeout=60) as response:
        document = json.loads(response.read())
    output = document["nodes"][document["output"]]["label"]
    assert any(t[0].startswith(f"{output} = ") for t in from_server)
