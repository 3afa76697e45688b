"""The HTML pages, in process: status, template, context, headers, and the
rules every page keeps (no inline script, hashed static URLs)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

SIMPLE_SOURCE = "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2"
SIMPLE_QUERY = (f"source={quote(SIMPLE_SOURCE)}&values=w:0.5,b:2,x:0.5,ystar:1"
                "&data=x,ystar&labels=ystar:y*")


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(Settings(database=tmp_path / "graphs.db"))) as test_client:
        yield test_client


class Scripts(HTMLParser):
    """Every <script>: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None
        self.inline_handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.inline_handlers += [name for name in attributes if name.startswith("on")]
        if tag == "script":
            self._open = attributes
            self.scripts.append((attributes, ""))

    def handle_data(self, data):
        if self._open is not None:
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def scripts_of(html: str) -> Scripts:
    parser = Scripts()
    parser.feed(html)
    return parser


def document_block(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="graph-document">(.*?)</script>', html, re.S)
    assert match, "no graph-document data block"
    return json.loads(match.group(1))


PAGES = [
    ("/", "index.html"),
    ("/examples/simple", "example.html"),
    ("/examples/challenge-2", "example.html"),
    (f"/graph?{SIMPLE_QUERY}", "graph.html"),
    ("/graph", "graph.html"),
    ("/graph?source=x%20%2B", "graph.html"),
    ("/embed/examples/simple", "embed.html"),
    (f"/embed/graph?{SIMPLE_QUERY}", "embed.html"),
]


@pytest.mark.parametrize(("path", "template"), PAGES)
def test_each_page_answers_with_its_template(client, path, template):
    response = client.get(path)
    assert response.status_code == 200
    assert response.template.name == template
    assert response.headers["content-type"].startswith("text/html")


def test_home_lists_every_course_example(client):
    response = client.get("/")
    slugs = [example.slug for example in response.context["examples"]]
    assert slugs == [summary["slug"] for summary in client.get("/api/examples").json()]
    for slug in slugs:
        assert f'href="/examples/{slug}"' in response.text


def test_example_page_holds_the_api_document(client):
    response = client.get("/examples/simple")
    assert response.context["example"].slug == "simple"
    assert response.context["embed"] is False
    api = client.get("/api/examples/simple").json()
    assert response.context["document"] == api
    assert document_block(response.text) == api


def test_graph_page_holds_the_document_of_its_url(client):
    response = client.get(f"/graph?{SIMPLE_QUERY}")
    api = client.post("/api/graph", json={
        "source": SIMPLE_SOURCE, "values": {"w": 0.5, "b": 2, "x": 0.5, "ystar": 1},
        "data": ["x", "ystar"], "labels": {"ystar": "y*"}}).json()
    assert response.context["error"] is None
    assert response.context["document"] == api
    assert document_block(response.text) == api
    assert [row["name"] for row in response.context["inputs"]] == ["w", "x", "b", "ystar"]
    assert [row["data"] for row in response.context["inputs"]] == [False, True, False, True]


def test_graph_page_shows_the_api_error_with_a_caret(client):
    response = client.get("/graph?source=x%20%2B")
    assert response.status_code == 200
    assert response.context["document"] is None
    error = response.context["error"]
    assert (error["message"], error["line"], error["column"]) == ("syntax error: invalid syntax", 1, 4)
    assert error["text"] == "x +" and error["caret"] == "   ^"
    assert 'data-column="4"' in response.text


def test_graph_page_rejects_a_value_that_is_no_number(client):
    response = client.get("/graph?source=y%20%3D%202*x&values=x:abc")
    assert response.context["document"] is None
    assert "not a number" in response.context["error"]["message"]


def test_embed_pages_have_no_chrome(client):
    for path in ("/embed/examples/simple", f"/embed/graph?{SIMPLE_QUERY}"):
        response = client.get(path)
        assert response.context["embed"] is True
        assert 'class="site-header"' not in response.text
        assert 'data-testid="player"' in response.text
    assert 'class="site-header"' in client.get("/examples/simple").text


@pytest.mark.parametrize("path", ["/examples/nope", "/embed/examples/nope", "/graphs/0123456789ab",
                                  "/embed/graphs/nothex"])
def test_unknown_names_answer_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.template.name == "404.html"
    assert "nope" in response.text or "0123456789ab" in response.text or "nothex" in response.text


def test_saved_graph_pages(client):
    saved = client.post("/api/graphs", json=client.get("/api/examples/simple").json()).json()
    for url, template in ((saved["url"], "saved.html"), (saved["embed_url"], "embed.html")):
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        assert response.template.name == template
        assert document_block(response.text)["gradients"]["w"] == pytest.approx(80.5293954641633)


@pytest.mark.parametrize("path", ["/embed/examples/simple", f"/embed/graph?{SIMPLE_QUERY}",
                                  "/embed/examples/nope"])
def test_embeds_may_be_framed_by_any_site(client, path):
    response = client.get(path)
    assert "frame-ancestors * file: data: blob:" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers


@pytest.mark.parametrize("path", ["/", "/examples/simple", f"/graph?{SIMPLE_QUERY}", "/examples/nope"])
def test_other_pages_refuse_framing(client, path):
    response = client.get(path)
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(("path", "template"), PAGES)
def test_no_inline_script(client, path, template):
    """CSP allows script only from files: a script without src must be a JSON
    data block, and no element has an inline event handler."""
    parsed = scripts_of(client.get(path).text)
    for attributes, text in parsed.scripts:
        if "src" not in attributes:
            assert attributes.get("type") == "application/json", text[:80]
        else:
            assert not text.strip()
    assert parsed.inline_handlers == []


def test_user_text_in_the_data_block_cannot_close_it(client):
    title = "</script><script>alert(1)</script>"
    response = client.get(f"/graph?source=y%20%3D%202*x&values=x:1&title={quote(title)}")
    assert "<script>alert(1)" not in response.text
    assert document_block(response.text)["title"] == title
    assert [a for a, _ in scripts_of(response.text).scripts if "src" not in a] == [
        {"type": "application/json", "id": "graph-document"},
        {"type": "application/json", "id": "url-state"}]


def test_user_text_in_the_form_is_escaped(client):
    source = '<img src=x onerror="alert(1)">'
    response = client.get(f"/graph?source={quote(source)}")
    assert "<img src=x" not in response.text
    assert "&lt;img src=x" in response.text


def test_static_urls_carry_a_content_hash(client):
    html = client.get("/examples/simple").text
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    # The page's modules as one script, its stylesheets as one (app/static_files.py).
    paths = {url.split("?")[0] for url in urls}
    assert paths >= {"/static/bundle/vendor~katex-0.16.22.min+css~app+css~export.css",
                     "/static/vendor/katex-0.16.22.min.js", "/static/vendor/d3-zoom-3.0.1-bundle.min.js"}
    scripts = [p for p in paths if p.startswith("/static/bundle/") and p.endswith(".js")]
    assert len(scripts) == 1 and "+main+export.js" in scripts[0] or scripts == [
        "/static/bundle/main+export.js"], scripts
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{10}$", url), url
        assert client.get(url).status_code == 200


def test_the_page_needs_no_network(client):
    """Every script, style and font is served by the app."""
    for path, _ in PAGES:
        html = client.get(path).text
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), path
    css = client.get("/static/vendor/katex-0.16.22.min.css").text
    fonts = re.findall(r"url\(([^)]+)\)", css)
    # Served with ?v=<content hash> (immutable): app/static_files.py
    assert fonts and all(font.split("?v=")[0].endswith(".woff2") and "//" not in font
                         for font in fonts)
    for font in set(fonts):
        assert client.get(f"/static/vendor/{font}").status_code == 200


def test_the_edit_link_opens_the_same_graph(client):
    example = client.get("/examples/simple")
    edit = re.search(r'data-testid="edit-link" href="([^"]+)"', example.text).group(1)
    graph = client.get(edit.replace("&amp;", "&"))
    assert graph.context["document"]["gradients"] == example.context["document"]["gradients"]
