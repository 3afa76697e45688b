"""Hostile text in every place where text from a user reaches a page: labels,
titles, sources, error messages, saved graphs, lecture files, the server's
SVG and the offline HTML file, and TeX fed to KaTeX.

The pages run under a CSP that allows no inline script, which would hide an
injection: the browser here ignores the CSP (`bypass_csp`), so a payload
that reached the markup would run. A test passes only if no payload ran
(`window.__xss` never set, no dialog) and none reached the DOM as markup
(no element from a payload, no inline handler, no javascript: link)."""

from __future__ import annotations

import copy
import json
import re
import sys
import urllib.request
from urllib.parse import quote

import pytest
from live_server import running_server

from engine import Document
from engine.notation import written_key

RUN = "window.__xss=1"
# Each payload, were it markup, would set the flag and leave a .xss-probe element.
PAYLOADS = [
    f"<img src=x onerror={RUN} class=xss-probe>",
    f"</script><script class=xss-probe>{RUN}</script>",
    f"\"><svg class=xss-probe onload={RUN}>",
    f"'><iframe class=xss-probe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>",
    f"</title></textarea></style><img src=x onerror={RUN} class=xss-probe>",
    f"javascript:{RUN}",
]
IMG = PAYLOADS[0]   # no `,` or `:`, so it survives the URL's `name:label,...` pairs
# TeX that would be a link, a class, an id, data or style only if KaTeX trusted it.
TEX = [
    rf"\href{{javascript:{RUN}}}{{\text{{click}}}}",
    r"\htmlClass{xss-probe}{x}",
    r"\htmlId{xss-probe}{x}",
    r"\htmlData{onclick=alert(1), class=xss-probe}{x}",
    rf"\htmlStyle{{background:url(javascript:{RUN})}}{{x}}",
    rf"\url{{javascript:{RUN}}}",
    rf"\includegraphics{{javascript:{RUN}}}",
    rf"\text{{{IMG}}}",
]

PROBE = """() => {
  const found = [];
  const marked = '.xss-probe, #xss-probe, [data-class], [data-onclick]';
  const scan = (doc, where) => {
    if (doc.defaultView && doc.defaultView.__xss !== undefined) found.push(`${where}: __xss set`);
    for (const el of doc.querySelectorAll('*')) {
      if (el.matches(marked)) found.push(`${where}: ${el.outerHTML.slice(0, 120)}`);
      for (const a of el.attributes) {
        const link = /href|src|action/i.test(a.name) && /^\\s*javascript:/i.test(a.value);
        if (/^on/i.test(a.name) || link) found.push(`${where}: ${el.localName}[${a.name}]`);
      }
    }
  };
  scan(document, location.pathname);
  for (const frame of document.querySelectorAll('iframe')) {
    try { scan(frame.contentDocument, 'iframe'); } catch { /* another origin */ }
  }
  return found;
}"""


@pytest.fixture
def hostile(browser):
    """A page in a context that ignores the CSP, recording dialogs and errors."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.dialogs, page.errors = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    yield page
    context.close()


def clean(page, where: str = "", settle: bool = True):
    """Nothing ran, nothing was injected."""
    if settle:
        page.wait_for_timeout(50)   # an onerror of a broken <img> fires after load
    found = page.evaluate(PROBE)
    assert found == [] and page.dialogs == [], f"{where or page.url}: {found} {page.dialogs}"


def visit(page, url: str, ready: bool = True):
    page.goto(url)
    if ready:
        page.wait_for_selector("body[data-ready='1']")
    clean(page, url)


def play_through(page):
    """Every frame of both passes, so every step's text and TeX is shown once."""
    page.keyboard.press("Home")
    page.keyboard.press("Home")
    last = int(page.locator("[data-testid='scrubber']").get_attribute("max"))
    for _ in range(last):
        page.keyboard.press("ArrowRight")
        clean(page, settle=False)
    embed_code = page.locator("[data-testid='embed-code-button']")
    if embed_code.is_visible():
        embed_code.click()   # the iframe code quotes the title
        clean(page)
        embed_code.click()   # closed again: in an embed it floats over the panel
    clean(page)


def save(base: str, document: dict) -> str:
    request = urllib.request.Request(f"{base}/api/graphs", data=json.dumps(document).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["id"]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def poisoned(document: dict) -> dict:
    """The simple example with a payload in every text a document holds:
    those of version 3 (as the API answers) and those only versions 1 and 2
    wrote out (the steps' texts, the edges' labels), which still load."""
    doc = copy.deepcopy(document)
    texts = iter(PAYLOADS * 40)
    tex = iter(TEX * 20)
    doc["title"], doc["source"] = next(texts), f"l = w*x  # {next(texts)}"
    doc["warnings"] = [next(texts)]
    renamed = {}
    for node in doc["nodes"]:
        for key in ("label", "expression", "expression_tex"):
            node[key] = next(texts)
        node["tex"] = next(tex)
        node["warnings"] = [next(texts)]
        if node["kind"] == "op":
            node["symbol"], node["op"] = next(texts), next(texts)
            if doc["version"] >= 3:  # how the poisoned op is written: payloads around $A
                key = written_key(node["op"], node["symbol"], node.get("arg"))
                doc["written"][key] = {"text": f"{next(texts)} $A {next(texts)}",
                                              "tex": f"{next(tex)}$a"}
        if node.get("name") in doc["gradients"]:
            renamed[node["name"]] = node["name"] = f"{node['name']}{next(texts)}"
    doc["gradients"] = {renamed[k]: v for k, v in doc["gradients"].items()}
    for edge in doc["edges"]:
        edge["label"], edge["local_grad_expr"] = next(texts), next(texts)
        edge["local_grad_tex"] = next(tex)
    for step in doc["steps"]:
        step["text"], step["tex"] = next(texts), next(tex)
    return doc


def version_2(document: dict) -> dict:
    return json.loads(Document.model_validate(document).as_version_2().to_json())


@pytest.fixture(scope="module", params=[3, 2])
def saved_id(request, server, api):
    document = api("/api/examples/simple")
    return save(server, poisoned(document if request.param == 3 else version_2(document)))


def test_labels_and_titles_in_the_address(hostile, server):
    """/graph and /embed/graph draw any expression with the labels and title
    the address gives: the graph, the panel, the <title>, the embed code."""
    source = "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2"
    query = (f"source={quote(source)}&values=w:0.5,b:2,x:0.5,ystar:1&data=x,ystar"
             f"&labels=ystar:{quote(IMG)},l:{quote(IMG)},u:{quote(IMG)}"
             f"&title={quote(PAYLOADS[1] + PAYLOADS[4])}")
    for path in ("/graph", "/embed/graph"):
        visit(hostile, f"{server}{path}?{query}")
        assert IMG in hostile.locator("svg.graph").text_content()   # shown, as text
        play_through(hostile)
    assert PAYLOADS[1] in hostile.title()


def test_sources_and_error_messages(hostile, server):
    """A payload in a comment, and in a string whose error message and caret
    line quote it, from the address (server-rendered) and typed in the form."""
    good = f"# {PAYLOADS[2]}\nl = (w*x - 1)^2 # {IMG}"
    bad = f'l = w * "{IMG}"'
    for path in (f"/graph?source={quote(good)}&values=w:2,x:3", f"/graph?source={quote(bad)}",
                 f"/embed/graph?source={quote(bad)}", f"/?source={quote(bad)}",
                 f"/graph?source=l%20%3D%20w&values={quote(IMG)}:1"):
        visit(hostile, server + path)
    visit(hostile, f"{server}/graph?source={quote(bad)}")
    assert IMG in hostile.locator("[data-testid='error-line']").text_content()

    visit(hostile, f"{server}/")
    hostile.fill("[data-testid='source']", f"l = w*x # {PAYLOADS[1]}\n{bad}")
    error = hostile.locator("[data-testid='error-message']")
    error.wait_for()
    hostile.wait_for_function("document.querySelector('[data-testid=\"error-line\"]')"
                              ".textContent.includes('onerror')")
    clean(hostile)
    hostile.fill("[data-testid='source']", f"l = w*x # {PAYLOADS[1]}")
    hostile.click("[data-testid='draw']")
    hostile.wait_for_url("**/graph?**")
    hostile.wait_for_selector("body[data-ready='1']")
    clean(hostile)


def test_unknown_names_on_the_404_pages(hostile, server):
    for path in (f"/examples/{quote(IMG, safe='')}", f"/embed/examples/{quote(IMG, safe='')}",
                 f"/graphs/{quote(PAYLOADS[2], safe='')}"):
        hostile.goto(server + path)
        clean(hostile, path)
        assert "onerror" in hostile.text_content("body") or "onload" in hostile.text_content("body")


def test_a_saved_graph_with_payloads_everywhere(hostile, server, saved_id):
    """Labels, expressions, texts, TeX, title, source, warnings, symbols."""
    for path in (f"/graphs/{saved_id}", f"/embed/graphs/{saved_id}"):
        visit(hostile, server + path)
        play_through(hostile)
    hostile.locator("[data-testid='chain-rule']").click()
    clean(hostile)


def test_katex_is_never_trusted(hostile, server, saved_id):
    """\\href, \\url, \\includegraphics, \\htmlClass, \\htmlId, \\htmlData and
    \\htmlStyle in the TeX fields: no link, image, class, id, data or style."""
    visit(hostile, f"{server}/graphs/{saved_id}?pass=forward&step=0")
    for _ in range(int(hostile.locator("[data-testid='scrubber']").get_attribute("max")) + 1):
        panel = hostile.locator("[data-testid='chain-rule'], [data-testid='flows']")
        assert hostile.locator(".katex a, .katex img, .katex [id], .katex .xss-probe").count() == 0
        for element in panel.locator(".katex").all():
            element.click()
        clean(hostile)
        hostile.keyboard.press("ArrowRight")
    # The player asks KaTeX for nothing but these options: `trust` stays false.
    panel_js = fetch(f"{server}/static/js/panel.js").decode()
    calls = re.findall(r"katex\.render\([^;]*\{([^}]*)\}\);", panel_js)
    assert "trust" not in panel_js and calls and len(calls) == panel_js.count("katex.render(")
    assert all(set(re.findall(r"(\w+):", options)) <= {"displayMode", "throwOnError", "output"}
               for options in calls), calls


def test_the_server_svg_and_the_offline_file_of_a_saved_graph(hostile, server, saved_id,
                                                              tmp_path):
    for query in ("", "?pass=forward&step=2"):
        hostile.goto(f"{server}/api/graphs/{saved_id}.svg{query}")
        clean(hostile, f"{saved_id}.svg{query}")
        assert IMG in hostile.text_content("svg")
    offline = tmp_path / "saved.html"
    offline.write_bytes(fetch(f"{server}/api/graphs/{saved_id}.html?pass=forward&step=0"))
    visit(hostile, offline.as_uri())
    play_through(hostile)


LECTURE = """
slug = "hostile"
title = {title}
description = {description}
source = \"\"\"
# {comment}
u = w*x
l = (u - t)^2
\"\"\"
data = ["x", "t"]

[values]
w = 0.5
x = 2.0
t = 1.0

[labels]
t = {label}
u = {label2}
"""


@pytest.fixture(scope="module")
def lecture_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lecture")
    lecture = folder / "hostile.toml"
    lecture.write_text(LECTURE.format(
        title=json.dumps(PAYLOADS[1] + PAYLOADS[4]), description=json.dumps(" ".join(PAYLOADS)),
        comment=PAYLOADS[2], label=json.dumps(IMG), label2=json.dumps(PAYLOADS[3])),
        encoding="utf-8")
    with running_server([sys.executable, "-m", "app", "serve", "--examples", str(lecture)]) \
            as base:
        yield base


def test_a_lecture_file_with_payloads(hostile, lecture_server, tmp_path):
    """Title, description, labels and a comment in the source of a lecture's
    example, served with `chainrule serve --examples`."""
    visit(hostile, f"{lecture_server}/")
    assert PAYLOADS[4] in hostile.text_content("li[data-slug='hostile']")
    for path in ("/examples/hostile", "/embed/examples/hostile"):
        visit(hostile, lecture_server + path)
        play_through(hostile)
    hostile.goto(f"{lecture_server}/api/examples/hostile.svg")
    clean(hostile, "hostile.svg")
    offline = tmp_path / "hostile.html"
    offline.write_bytes(fetch(f"{lecture_server}/api/examples/hostile.html?pass=forward&step=0"))
    visit(hostile, offline.as_uri())
    assert PAYLOADS[2] in hostile.text_content("[data-testid='source']")
    play_through(hostile)


def test_the_probe_sees_an_injection_and_katex_trust(hostile, server):
    """The control: on a real page, with its CSP header, markup from a payload
    does run here and is seen; and KaTeX given `trust` would make the link,
    class and data the player's KaTeX never makes."""
    visit(hostile, f"{server}/examples/simple")
    hostile.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", IMG)
    hostile.wait_for_function("window.__xss === 1")
    found = hostile.evaluate(PROBE)
    assert any("__xss set" in f for f in found) and any("xss-probe" in f for f in found)
    trusted = hostile.evaluate(
        "tex => tex.map((t) => katex.renderToString(t, { trust: true, throwOnError: false }))",
        TEX[:4])
    assert 'href="javascript:' in trusted[0] and "xss-probe" in trusted[1]
    assert 'data-onclick="alert(1)"' in trusted[3]
