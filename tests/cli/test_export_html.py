"""`chainrule export SLUG --format html`: one self-contained file per view
(app/offline.py), the same file from GET /api/examples/{slug}.html and
/api/graphs/{id}.html, and the bundler that puts the app's ES modules into it.
That the file plays from disk with no network is tests/e2e/test_exports.py."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from app.offline import BundleError, bundle_modules, offline_html
from engine import load_examples

EXAMPLES = load_examples()


class Page(HTMLParser):
    """The file's elements with their attributes, and the text of each
    <script> and <style>."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.blocks: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self.blocks.append((tag, dict(attrs), ""))

    def handle_data(self, data):
        if self.blocks and self.elements[-1][0] in ("script", "style"):
            tag, attrs, text = self.blocks[-1]
            self.blocks[-1] = (tag, attrs, text + data)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.elements.append(("/" + tag, {}))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def json_block(page: Page, block_id: str):
    texts = [text for tag, attrs, text in page.blocks
             if tag == "script" and attrs.get("id") == block_id]
    assert len(texts) == 1 and attrs_of(page, block_id)["type"] == "application/json"
    return json.loads(texts[0])


def attrs_of(page: Page, element_id: str) -> dict:
    return next(attrs for _, attrs in page.elements if attrs.get("id") == element_id)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True,
                          timeout=60)


@pytest.mark.parametrize("slug", list(EXAMPLES))
def test_export_html_of_every_course_example_is_self_contained(tmp_path, slug):
    target = tmp_path / f"{slug}.html"
    result = run_cli("export", slug, "--format", "html", "-o", str(target))
    assert result.returncode == 0, result.stderr
    html = target.read_text(encoding="utf-8")
    page = parse(html)

    # The document, whole, and the frame it opens on (default: forward step 0, where a
    # lecture starts and the clicker steps on; issue 13).
    document = json.loads(EXAMPLES[slug].document().to_json())
    assert json_block(page, "graph-document") == document
    assert json_block(page, "offline-frame") == {"pass": "forward", "step": 0}

    # No external script, style, font or image: every script and style is inline.
    for tag, attrs in page.elements:
        assert tag != "link", attrs
        assert not attrs.get("src"), (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith(("#", "data:")), (tag, attrs)
    scripts = [text for tag, attrs, text in page.blocks if tag == "script" and not attrs]
    assert len(scripts) == 3 and all(len(s) > 1000 for s in scripts)  # KaTeX, d3, the player
    styles = "".join(text for tag, _, text in page.blocks if tag == "style")
    urls = re.findall(r"url\(\s*['\"]?([^'\")]*)", styles)
    assert len(urls) >= 20 and all(u.startswith("data:font/woff2;base64,") for u in urls)
    assert "@import" not in styles
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)

    # Its own CSP: the three scripts by hash, no network at all.
    csp = next(attrs["content"] for tag, attrs in page.elements
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    hashes = {"sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
              for s in scripts}
    assert set(re.findall(r"'(sha256-[^']+)'", csp)) == hashes
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]

    # What needs the server is not in it.
    assert 'id="expression-form"' not in html and 'data-testid="download-html"' not in html
    assert 'data-testid="download-svg"' in html and 'data-testid="player"' in html


def test_export_html_opens_on_the_frame_asked_for(tmp_path):
    target = tmp_path / "simple.html"
    assert run_cli("export", "simple", "--format", "html", "--pass", "forward", "--step", "99",
                   "-o", str(target)).returncode == 0
    assert json_block(parse(target.read_text()), "offline-frame") == {"pass": "forward",
                                                                      "step": 5}


def test_the_route_serves_the_cli_file(client, tmp_path):
    target = tmp_path / "simple.html"
    assert run_cli("export", "simple", "--format", "html", "--pass", "forward", "--step", "2",
                   "-o", str(target)).returncode == 0
    response = client.get("/api/examples/simple.html?pass=forward&step=2")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-disposition"] == \
        'attachment; filename="chainrule-simple.html"'
    cli = target.read_text(encoding="utf-8")
    # The same file, but for the example's description, which the route adds.
    assert "first example: one sample" in EXAMPLES["simple"].description
    assert "first example: one sample" in response.text and "one sample" not in cli
    assert _without_about(response.text) == _without_about(cli)


def _without_about(html: str) -> str:
    return re.sub(r'<section class="about">.*?</section>', "", html, flags=re.S)


def test_saved_graph_as_offline_html(client):
    doc = client.get("/api/examples/practical").text
    saved = client.post("/api/graphs", content=doc,
                        headers={"content-type": "application/json"}).json()
    response = client.get(f"/api/graphs/{saved['id']}.html?pass=forward&step=1")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == \
        f'attachment; filename="chainrule-graph-{saved["id"][:12]}.html"'
    page = parse(response.text)
    assert json_block(page, "graph-document") == json.loads(doc)
    assert json_block(page, "offline-frame") == {"pass": "forward", "step": 1}


@pytest.mark.parametrize("path,status,message", [
    ("/api/examples/nope.html", 404, "no example named 'nope'"),
    ("/api/graphs/0123456789ab.html", 404, "no saved graph '0123456789ab'"),
    ("/api/graphs/nope.html", 422,
     "path.graph_id: String should match pattern '^[0-9a-f]{12,64}$'"),
    ("/api/examples/simple.html?pass=sideways", 422,
     "query.pass: Input should be 'forward' or 'backward'"),
    ("/api/examples/simple.html?step=-1", 422,
     "query.step: Input should be greater than or equal to 0"),
])
def test_offline_html_refusals(client, path, status, message):
    response = client.get(path)
    assert response.status_code == status
    assert response.json() == {"detail": {"message": message, "line": 0, "column": 0}}


def test_offline_html_routes_in_openapi(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/examples/{slug}.html", "/api/graphs/{graph_id}.html"):
        responses = paths[path]["get"]["responses"]
        assert list(responses["200"]["content"]) == ["text/html"]
        for status in ("404", "422"):
            assert responses[status]["content"]["application/json"]["schema"] == \
                {"$ref": "#/components/schemas/ErrorBody"}
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        assert {"pass", "step"} <= names


def test_user_text_cannot_end_the_data_block():
    document = EXAMPLES["simple"].document().model_copy(
        update={"title": "</script><script>alert(1)</script><!--"})
    html = offline_html(document)
    assert "<script>alert(1)" not in html and "<!--" not in html
    page = parse(html)
    assert json_block(page, "graph-document")["title"] == document.title
    # the document, the frame, the URL-state table, KaTeX, d3, the bundle
    assert [tag for tag, _ in page.elements].count("script") == 6


# --- the bundler ---------------------------------------------------------------------

def write_modules(folder, modules: dict[str, str]):
    for name, text in modules.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_modules_keep_their_own_names(tmp_path):
    """Two modules with the same top-level names, imports renamed with `as`:
    each module is its own scope, as in the browser."""
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    folder = write_modules(tmp_path, {
        "a.js": "const helper = 'a';\nexport function name() { return helper; }\n",
        "b.js": "const helper = 'b';\nexport const name = () => helper;\n"
                "export class Box { get v() { return helper; } }\n",
        "main.js": "import { name } from './a.js';\nimport {\n  name as other,\n  Box,\n}"
                   " from './b.js';\nconst helper = 'main';\n"
                   "console.log([name(), other(), new Box().v, helper].join(' '));\n",
    })
    script = bundle_modules(folder, ("main.js",))
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "a b b main"


def test_the_app_bundle_is_valid_javascript(tmp_path):
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    from app.paths import static_dir
    bundle = tmp_path / "bundle.js"
    bundle.write_text(bundle_modules(static_dir() / "js"), encoding="utf-8")
    out = subprocess.run(["node", "--check", str(bundle)], capture_output=True, text=True,
                         timeout=30)
    assert out.returncode == 0, out.stderr
    # The form and the API client need the server: not in the offline file.
    assert "static/js/form.js" not in bundle.read_text() and \
        "static/js/api.js" not in bundle.read_text()


@pytest.mark.parametrize("modules,reason", [
    ({"main.js": "export default function () {}\n"}, "does not know"),
    ({"main.js": "const a = 1;\nexport { a };\n"}, "does not know"),
    ({"main.js": "export let a = 1;\n"}, "does not know"),
    ({"main.js": "import * as d3 from './d3.js';\n"}, "does not know"),
    ({"main.js": "import { a } from 'lodash';\n"}, "does not know"),
    ({"main.js": "const url = import.meta.url;\n"}, "does not know"),
    ({"main.js": "import { a } from './a.js';\n", "a.js": "import { b } from './main.js';\n"
      "export const a = 1;\n"}, "import cycle"),
    ({"main.js": "import { a } from './gone.js';\n"}, "missing module gone.js"),
    ({"main.js": "import { b } from './a.js';\n", "a.js": "export const a = 1;\n"},
     "does not export"),
])
def test_the_bundler_refuses_what_it_cannot_bundle(tmp_path, modules, reason):
    with pytest.raises(BundleError, match=reason):
        bundle_modules(write_modules(tmp_path, modules), ("main.js",))


def test_the_route_opens_at_forward_step_0_unless_told_otherwise(client):
    """Issue 13: an offline copy opens where a lecture starts."""
    bare = parse(client.get("/api/examples/simple.html").text)
    assert json_block(bare, "offline-frame") == {"pass": "forward", "step": 0}
    told = parse(client.get("/api/examples/simple.html?pass=backward").text)
    assert json_block(told, "offline-frame") == {"pass": "backward", "step": 7}
