"""`chainrule build-site OUT/`: what it writes, read as files; then the site
served by `python -m http.server` in Chromium, with every request to any
other host refused, an embed framed by a slide and stepped through."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from app.routers.page_forms import graph_query
from app.site_builder import CSP
from engine.examples import load_example_paths, load_examples

EXAMPLES = load_examples()
LECTURE = """\
slug = "own-graph"
title = "A lecture's own graph"
description = "From a lecture file"
source = "y = w*x + b"
values = { w = 2, x = 3, b = 1 }
data = ["x"]
"""


class Links(HTMLParser):
    """Every src and href of a page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def links_of(path: Path) -> list[str]:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.urls


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_example_has_a_page_an_embed_and_its_document(site):
    for slug, example in EXAMPLES.items():
        assert (site / "examples" / f"{slug}.html").is_file()
        assert (site / "embed" / "examples" / f"{slug}.html").is_file()
        document = json.loads((site / "api" / "examples" / f"{slug}.json").read_text())
        assert document == json.loads(example.document().to_json())
    listed = json.loads((site / "api" / "examples.json").read_text())
    assert [e["slug"] for e in listed] == list(EXAMPLES)
    index = (site / "index.html").read_text(encoding="utf-8")
    for slug in EXAMPLES:
        assert f'href="examples/{slug}.html"' in index
        assert f'href="embed/examples/{slug}.html"' in index


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(site):
    for page in pages_of(site):
        for url in links_of(page):
            if url.startswith("#"):
                continue
            assert not urlsplit(url).scheme and not url.startswith("/"), (page, url)
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_file() and site.resolve() in target.parents, (page, url)


def test_the_pages_share_their_assets_and_hold_no_inline_script(site):
    assets = sorted(p.name for p in (site / "assets").iterdir())
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".", name) for name in assets] == \
        ["app.css", "chainrule.js", "d3.js", "katex.css", "katex.js"]
    for page in pages_of(site):
        text = page.read_text(encoding="utf-8")
        assert f'content="{CSP}"' in text
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
        assert inline == [], (page, inline)
        assert "/static/" not in text and "/api/graph" not in text
    page = (site / "examples" / "simple.html").read_text(encoding="utf-8")
    assert len(page) < 40_000   # the document and the markup; the player is shared


def test_without_a_server_the_pages_say_none_is_configured(site):
    for page in [site / "index.html", *(site / "examples").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert 'data-server=""' in text and "none is configured for this site" in text, page
    for page in (site / "embed" / "examples").glob("*.html"):  # slides show the player alone
        assert 'data-testid="site-server"' not in page.read_text(encoding="utf-8")


def test_with_a_server_the_pages_link_to_it(tmp_path, build):
    (tmp_path / "lecture").mkdir()
    (tmp_path / "lecture" / "own-graph.toml").write_text(LECTURE)
    result = build(tmp_path / "site", "--server", "https://class.example.org/",
                   "--examples", str(tmp_path / "lecture"))
    assert result.returncode == 0, result.stderr
    # A page, an embed and a document per example (the course's and the lecture file's), and the shared files.
    examples = len(EXAMPLES) + 1
    files = sum(1 for path in (tmp_path / "site").rglob("*") if path.is_file())
    assert files >= 3 * examples
    assert re.fullmatch(rf"wrote {files} files \(\d+\.\d MiB\) for {examples} examples into .*\n",
                        result.stdout)
    site = tmp_path / "site"
    page = (site / "examples" / "own-graph.html").read_text(encoding="utf-8")
    edit = re.search(r'href="([^"]+)" data-testid="site-edit-link"', page).group(1)
    assert html.unescape(edit) == "https://class.example.org/graph?" + graph_query(
        "y = w*x + b", {"w": 2, "x": 3, "b": 1}, ["x"], {})
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="https://class.example.org/" data-testid="site-server-link"' in index
    assert 'data-slug="own-graph"' in index
    examples = load_example_paths([tmp_path / "lecture"], known=load_examples())
    assert json.loads((site / "api" / "examples" / "own-graph.json").read_text()) == \
        json.loads(examples["own-graph"].document().to_json())


@pytest.mark.parametrize("server, message", [
    ("class.example.org", "--server must be an http:// or https:// URL, not 'class.example.org'"),
    ("javascript:alert(1)", "--server must be an http:// or https:// URL"),
])
def test_a_bad_server_url_is_refused(tmp_path, build, server, message):
    result = build(tmp_path / "site", "--server", server)
    assert result.returncode == 2 and message in result.stderr
    assert not (tmp_path / "site").exists()


def test_a_bad_lecture_file_is_refused_with_its_place(tmp_path, build):
    (tmp_path / "bad.toml").write_text('title = "x"\nsource = "y = (w"\n')
    result = build(tmp_path / "site", "--examples", str(tmp_path / "bad.toml"))
    assert result.returncode == 2 and "bad.toml" in result.stderr
    assert "Traceback" not in result.stderr


# --- in Chromium, from a static host -------------------------------------------------

@pytest.fixture
def only_the_host(page, static_host):
    """The page may reach the static host and nothing else: the rest is
    refused, and listed. Console errors (a CSP refusal, say) are listed too."""
    refused, errors = [], []
    host = urlsplit(static_host).netloc

    def route(route):
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.context.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield refused, errors


def test_an_embed_from_the_site_steps_in_a_slide(page, site, static_host, only_the_host):
    refused, errors = only_the_host
    deck = site / "slides.html"   # a deck on the same host frames the embed
    deck.write_text('<!doctype html><title>Slides</title><h1>Backprop</h1>'
                    '<iframe src="embed/examples/simple.html" width="800" height="450" '
                    'style="border:0" title="chainrule"></iframe>')
    try:
        step_through_the_framed_embed(page, static_host)
    finally:
        deck.unlink()   # the site is shared: the other tests read only what build-site wrote
    assert refused == [] and errors == [], (refused, errors)


def step_through_the_framed_embed(page, static_host):
    page.goto(static_host + "/slides.html")
    frame = page.frame_locator("iframe")
    expect(frame.locator("body[data-ready='1']")).to_have_count(1)
    caption = frame.locator("[data-testid='step-caption']")
    expect(caption).to_have_attribute("data-step", "0")
    expect(caption).to_have_attribute("data-pass", "forward")
    frame.locator("[data-testid='step-forward']").click()
    frame.locator("[data-testid='step-forward']").click()
    expect(caption).to_have_attribute("data-step", "2")
    frame.locator("body").press("End")
    last = EXAMPLES["simple"].document().pass_length("forward")
    expect(caption).to_have_attribute("data-step", str(last))


def test_the_index_leads_to_a_page_that_plays(page, static_host, only_the_host):
    refused, errors = only_the_host
    page.goto(static_host + "/index.html")
    expect(page.locator("[data-testid='example-card']")).to_have_count(len(EXAMPLES))
    page.click("[data-testid='example-link'][data-slug='practical']")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    assert urljoin(page.url, ".") == static_host + "/examples/"
    expect(page.locator("[data-testid='title']")).to_have_text(EXAMPLES["practical"].title)
    page.locator("body").press("ArrowRight")
    expect(page.locator("[data-testid='step-caption']")).to_have_attribute("data-step", "1")
    expect(page.locator("[data-testid='site-server']")).to_contain_text(
        "none is configured for this site")
    assert refused == [] and errors == [], (refused, errors)
