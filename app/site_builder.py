"""`chainrule build-site OUT/`: every course example and lecture file as a
static site, for any static host or CDN, with no Python running:

    index.html                       the examples, with their links
    examples/<slug>.html             the player on an example (forward step 0)
    embed/examples/<slug>.html       the player alone, for an <iframe> in slides
    api/examples/<slug>.json         the precomputed document (GET /api/examples/<slug>)
    api/examples.json                the list (GET /api/examples)
    assets/<name>.<hash>.js|css      KaTeX (fonts inline), d3, the app's bundle, the styles

Each page is the offline copy of app/offline.py (the same player, document
and frame), with its inline scripts and styles moved to the shared assets,
so a student's browser or the CDN fetches KaTeX and the player once for the
whole course, not once per page. Every URL is relative: the site works at
the root of a host or under any path. An asset's name carries its content
hash, so a host may cache it for ever.

Custom expressions need a server (parsing and the passes run in Python):
with `server` the pages link each example to that server's editable page;
without, they say that none is configured.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from app import offline, paths
from app.routers.api import summary_of
from app.routers.page_forms import graph_query
from engine.examples import Example

# The offline page's inline blocks that become shared files: key → (name, tag).
ASSETS = {"katex_css": ("katex", "style"), "app_css": ("app", "style"),
          "katex_js": ("katex", "script"), "d3_js": ("d3", "script"),
          "bundle_js": ("chainrule", "script")}
# Scripts and styles from the site itself; no network beyond it, no inline script.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src data:; connect-src 'none'; object-src 'none'; "
       "base-uri 'none'; form-action 'none'")
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


class SiteError(ValueError):
    """The site cannot be written as asked (a bad server URL, an asset that moved)."""


def check_server(server: str | None) -> str | None:
    """The server's base URL without a trailing slash, or SiteError."""
    if server is None:
        return None
    if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", server):
        raise SiteError(f"--server must be an http:// or https:// URL, not {server!r}")
    return server.rstrip("/")


def site_assets(static_dir: Path, templates_dir: Path) -> dict[str, tuple[str, str]]:
    """key → (file name under assets/, its text), from the offline bundle."""
    made = offline.offline_assets(static_dir, templates_dir)
    files = {}
    for key, (name, tag) in ASSETS.items():
        text = str(made[key])
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        files[key] = (f"{name}.{digest}.{'css' if tag == 'style' else 'js'}", text)
    return files


def with_shared_assets(page: str, assets: dict[str, tuple[str, str]], up: str) -> str:
    """The offline page with its inline blocks replaced by the shared files
    (`up`: the relative way to the site's root) and the site's CSP."""
    for key, (name, tag) in ASSETS.items():
        filename, text = assets[key]
        inline = f"<{tag}>{text}</{tag}>"
        if page.count(inline) != 1:
            raise SiteError(f"the offline page does not hold {key} once: app/offline.py changed")
        url = f"{up}assets/{filename}"
        page = page.replace(inline, f'<script src="{url}"></script>' if tag == "script"
                            else f'<link rel="stylesheet" href="{url}">')
    page, found = _CSP_META.subn(
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">', page, count=1)
    if not found:
        raise SiteError("the offline page has no Content-Security-Policy: app/offline.py changed")
    return page


def server_note(example: Example, server: str | None, up: str) -> str:
    """What a page says under the player about custom expressions."""
    index = f'<a href="{up}index.html" data-testid="site-index-link">All the examples</a>'
    if server is None:
        return ('<section class="about" data-testid="site-server" data-server="">'
                f"<p>{index}. This is a static copy of the course: the examples play here "
                "with no server. Your own expressions need a chainrule server "
                "(<code>chainrule serve</code>), and none is configured for this site.</p>"
                "</section>")
    edit = server + "/graph?" + graph_query(example.source, example.values, example.data,
                                            example.labels)
    return (f'<section class="about" data-testid="site-server" '
            f'data-server="{html.escape(server)}"><p>{index}. '
            f'<a href="{html.escape(edit)}" data-testid="site-edit-link">Edit this expression, '
            f"or type your own, on {html.escape(server)}</a>.</p></section>")


def example_page(example: Example, document, assets, server: str | None, embed: bool) -> str:
    up = "../../" if embed else "../"
    page = offline.offline_html(document, "forward", 0, description=example.description or None,
                                embed=embed)
    page = with_shared_assets(page, assets, up)
    if not embed:
        page = page.replace("</main>", server_note(example, server, up) + "\n</main>", 1)
    return page


def build_site(out: Path, examples: dict[str, Example], server: str | None = None) -> list[Path]:
    """Write the site into `out` (made if missing; files of the same names
    are replaced, others left); answer the files written."""
    server = check_server(server)
    static_dir, templates_dir = paths.static_dir(), paths.templates_dir()
    assets = site_assets(static_dir, templates_dir)
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)

    for filename, text in assets.values():
        write(f"assets/{filename}", text)
    for example in examples.values():
        document = example.document()
        write(f"api/examples/{example.slug}.json", document.to_json())
        write(f"examples/{example.slug}.html",
              example_page(example, document, assets, server, embed=False))
        write(f"embed/examples/{example.slug}.html",
              example_page(example, document, assets, server, embed=True))
    write("api/examples.json", json.dumps(
        [summary_of(e).model_dump() for e in examples.values()], ensure_ascii=False))
    environment = Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=True)
    write("index.html", environment.get_template("site_index.html").render(
        examples=list(examples.values()), server=server, csp=CSP,
        app_css="assets/" + assets["app_css"][0],
        edit_urls={slug: server + "/graph?" + graph_query(e.source, e.values, e.data, e.labels)
                   for slug, e in examples.items()} if server else {}))
    return written
