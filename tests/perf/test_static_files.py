"""Static files from memory (app/static_files.py): gzip made once that
decodes to the file's bytes, immutable caching for content-hashed URLs only,
304s, and the page's modules and stylesheets bundled in document order."""

import gzip
import re

import pytest
from fastapi.testclient import TestClient

from app import paths
from app.config import Settings
from app.main import create_app
from app.offline import BundleError, bundle_modules

STATIC = paths.static_dir()


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


@pytest.mark.parametrize("path", ["vendor/d3-zoom-3.0.1-bundle.min.js", "vendor/katex-0.16.22.min.js",
                                  "js/render.js", "css/app.css"])
def test_a_static_file_gzipped_decodes_to_its_bytes(client, path):
    with client.stream("GET", f"/static/{path}", headers={"accept-encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip"
    plain = client.get(f"/static/{path}", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert gzip.decompress(raw) == plain.content
    if not path.endswith(".css"):  # CSS is served with versioned url()s
        assert plain.content == (STATIC / path).read_bytes()


def test_fonts_and_images_are_not_gzipped(client):
    font = "vendor/katex-0.16.22-fonts/KaTeX_Main-Regular.woff2"
    response = client.get(f"/static/{font}", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert response.headers["content-type"] == "font/woff2"
    assert response.content == (STATIC / font).read_bytes()


def test_only_content_hashed_urls_are_immutable(client):
    url = next(u for u in static_urls(client.get("/examples/simple").text) if "d3-" in u)
    assert "immutable" in client.get(url).headers["cache-control"]
    assert client.get(url.split("?")[0]).headers["cache-control"] == "no-cache"
    assert client.get(url.split("?")[0] + "?v=0000000000").headers["cache-control"] == \
        "no-cache"
    # a module imported by an entry is fetched without the query string: revalidated
    assert client.get("/static/js/render.js").headers["cache-control"] == "no-cache"


def test_a_static_file_with_its_etag_costs_a_304(client):
    first = client.get("/static/css/app.css")
    again = client.get("/static/css/app.css", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_every_url_of_a_page_answers_and_fonts_are_versioned(client):
    for page in ("/examples/simple", "/graph?source=x*y", "/examples/practical/train", "/"):
        for url in static_urls(client.get(page).text):
            response = client.get(url)
            assert response.status_code == 200, url
            if url.endswith(".css") or ".css?" in url:
                fonts = re.findall(r"url\(([^)]+)\)", response.text)
                assert all(re.search(r"\?v=[0-9a-f]{10}$", f) for f in fonts), fonts[:3]
                assert all(client.get(f if f.startswith("/") else
                                      url.rsplit("/", 1)[0] + "/" + f).status_code == 200
                           for f in set(fonts))


def test_a_page_loads_one_bundle_of_its_modules_in_document_order(client):
    html = client.get("/graph?source=x*y").text
    scripts = re.findall(r'<script type="module" src="([^"]+)"', html)
    assert scripts == [scripts[0]] and scripts[0].startswith("/static/bundle/")
    # The bundle's name lists its entries, in the page's order (graph.html's).
    name = scripts[0].split("?")[0].rsplit("/", 1)[1].removesuffix(".js")
    entries = tuple(f"{entry}.js" for entry in name.split("+"))
    assert entries[-2:] == ("main.js", "export.js") and "save_link.js" in entries
    bundle = client.get(scripts[0])
    assert bundle.text == bundle_modules(STATIC / "js", entries)
    assert "immutable" in bundle.headers["cache-control"]
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(sheets) == 1
    css = client.get(sheets[0]).text
    app_css = (STATIC / "css/app.css").read_text()
    assert css.index("KaTeX_Main") < css.index(app_css[:200])  # katex first, as in the page


def test_modules_in_a_sub_folder_are_bundled_too(client):
    html = client.get("/examples/practical/train").text  # js/train/ imports ../state.js
    scripts = re.findall(r'<script type="module" src="([^"]+)"', html)
    assert len(scripts) == 1 and "/static/bundle/" in scripts[0] and "train~main" in scripts[0]
    name = scripts[0].split("?")[0].rsplit("/", 1)[1].removesuffix(".js")
    entries = tuple(entry.replace("~", "/") + ".js" for entry in name.split("+"))
    assert "train/main.js" in entries
    bundle = client.get(scripts[0]).text
    assert bundle == bundle_modules(STATIC / "js", entries)
    # '../format.js' from train/ and './format.js' from the top are one module, run once.
    assert bundle.count("// --- static/js/format.js\n") == 1
    assert "// --- static/js/train/updates.js" in bundle


def test_a_module_importing_from_outside_the_folder_is_refused(tmp_path):
    (tmp_path / "entry.js").write_text("import { x } from '../secret.js';\nexport const y = x;\n")
    with pytest.raises(BundleError, match="outside static/js"):
        bundle_modules(tmp_path, ("entry.js",))


def test_development_keeps_the_readable_modules(tmp_path):
    settings = Settings(database=tmp_path / "graphs.db", bundle_modules=False)
    with TestClient(create_app(settings)) as client:
        html = client.get("/examples/simple").text
        assert re.search(r'src="/static/js/main\.js\?v=[0-9a-f]{10}"', html)
        assert "/static/bundle/" not in html
        assert client.get("/static/bundle/main.js").status_code == 404


def test_no_file_outside_the_static_folder(client):
    for path in ("/static/../app/config.py", "/static/%2e%2e/app/config.py",
                 "/static/bundle/..%2Fapp.js", "/static/bundle/nothing.js", "/static/nope.css"):
        assert client.get(path).status_code == 404, path
