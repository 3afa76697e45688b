"""One view as a single HTML file that plays with no server: opened from
disk (file://) in a lecture room with no network, or mailed to a student.

The file holds the document, the player's scripts and styles, KaTeX (its
woff2 fonts as data: URLs) and d3, all inline. The app's own JS is ES
modules that import each other by relative path, which a file:// page
cannot fetch; they are bundled here, in Python, into one classic script:

- the modules are taken from the entries (static/js/offline_main.js, the
  offline twin of main.js, and export.js) along their imports, and ordered
  so that each comes after what it imports (a cycle is an error);
- each module becomes a function scope that returns its exports, and its
  imports become a destructuring of the modules before it:

      const m_format = (() => { ...format.js...; return { num, fmt }; })();
      const m_scene = (() => { const { num } = m_format; ...; return {...}; })();

  so no two modules can clash on a name, and nothing else is rewritten.

Only the forms the app uses are understood: `import { a, b as c } from
'./x.js';` and `export function|async function|const|class NAME`. Anything
else (`export default`, `export { }`, `export let`, `import *`, `import.meta`,
a bare specifier) raises BundleError instead of making a file that breaks.

Every inline script is listed by its hash in the file's own
Content-Security-Policy, which also allows no network at all: a payload in
a label could not run a script even if it reached the markup.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from app import paths
from app.url_state import page_table, player_keys
from app.vendor import D3, KATEX, KATEX_CSS
from engine.schema import Document

ENTRIES = ("offline_main.js", "export.js")
APP_CSS = "css/app.css"
EXPORT_CSS = "css/export.css"


class BundleError(ValueError):
    """The app's JS uses a module form the bundler does not understand."""


# A relative path to a module of static/js: './x.js', './train/x.js', '../x.js'.
_IMPORT = re.compile(r"^import\s*\{([^}]*)\}\s*from\s*'(\.{1,2}/(?:[\w-]+/)*[\w-]+\.js)';[ \t]*$", re.M)
_EXPORT = re.compile(r"^export\s+((?:async\s+)?function\*?|const|class)\s+([A-Za-z_$][\w$]*)",
                     re.M)
_LEFT_OVER = re.compile(r"^(?:import|export)\b|\bimport\s*\.\s*meta\b|\bimport\s*\(", re.M)
_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")


def _module_var(filename: str) -> str:
    return "m_" + re.sub(r"\W", "_", filename.removesuffix(".js"))


def _resolved(importer: str, specifier: str) -> str:
    """The module a relative import names, as a path under static/js
    ('train/api.js' importing '../api.js' → 'api.js')."""
    parts = importer.split("/")[:-1]
    for part in specifier.split("/"):
        if part == "..":
            if not parts:
                raise BundleError(f"{importer} imports {specifier}, outside static/js")
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def _parse_module(filename: str, text: str) -> tuple[list[tuple[str, list[str]]], list[str], str]:
    """(imports as (file, bindings), exported names, body without import/export)."""
    imports = []
    for match in _IMPORT.finditer(text):
        bindings = []
        for part in match.group(1).split(","):
            part = " ".join(part.split())
            if not part:
                continue
            name, _, alias = part.partition(" as ")
            if not _NAME.match(name) or (alias and not _NAME.match(alias)):
                raise BundleError(f"{filename}: cannot read the import '{part}'")
            bindings.append(f"{name}: {alias}" if alias else name)
        imports.append((_resolved(filename, match.group(2)), bindings))
    body = _IMPORT.sub("", text)
    exports = [m.group(2) for m in _EXPORT.finditer(body)]
    body = _EXPORT.sub(lambda m: f"{m.group(1)} {m.group(2)}", body)
    left = _LEFT_OVER.search(body)
    if left:
        line = body[:left.start()].count("\n") + 1
        raise BundleError(f"{filename}: a module form the offline bundler does not know, "
                          f"near line {line}: {body[left.start():left.start() + 60]!r}")
    return imports, exports, body


def bundle_modules(js_dir: Path, entries: tuple[str, ...] = ENTRIES) -> str:
    """The entries and every module they import, as one classic script."""
    parsed: dict[str, tuple] = {}
    order: list[str] = []
    visiting: list[str] = []

    def visit(filename: str):
        if filename in order:
            return
        if filename in visiting:
            raise BundleError(f"import cycle: {' → '.join(visiting + [filename])}")
        path = js_dir / filename
        if not path.is_file():
            raise BundleError(f"{visiting[-1] if visiting else 'entry'} imports a missing "
                              f"module {filename}")
        visiting.append(filename)
        parsed[filename] = _parse_module(filename, path.read_text(encoding="utf-8"))
        for dependency, _ in parsed[filename][0]:
            visit(dependency)
        visiting.pop()
        order.append(filename)

    for entry in entries:
        visit(entry)
    parts = ["(() => {", "'use strict';"]
    for filename in order:
        imports, exports, body = parsed[filename]
        for dependency, names in imports:
            missing = [n.split(":")[0] for n in names
                       if n.split(":")[0] not in parsed[dependency][1]]
            if missing:
                raise BundleError(f"{filename} imports {missing} that {dependency} "
                                  "does not export")
        parts.append(f"// --- static/js/{filename}")
        parts.append(f"const {_module_var(filename)} = (() => {{")
        parts += [f"const {{ {', '.join(names)} }} = {_module_var(dependency)};"
                  for dependency, names in imports if names]
        parts.append(body.strip("\n"))
        parts.append(f"return {{ {', '.join(exports)} }};")
        parts.append("})();")
    parts.append("})();")
    return "\n".join(parts) + "\n"


# --- inline assets ------------------------------------------------------------------

def _script_text(code: str, what: str) -> str:
    """Code safe inside <script>…</script>: `</script` cannot close it early
    (`<\\/` means `</` in a string, a regex or a template), and `<!--` is refused
    (it would change how the HTML parser reads the rest of the script)."""
    code = code.replace("\r\n", "\n")
    if "<!--" in code:
        raise BundleError(f"{what} contains '<!--', which an inline script cannot hold")
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)


def _style_text(css: str, what: str) -> str:
    if re.search(r"</style", css, re.I):
        raise BundleError(f"{what} contains '</style'")
    return css.replace("\r\n", "\n")


def _katex_css(static_dir: Path) -> str:
    """KaTeX's CSS with each font as a data: URL (woff2 only, as served)."""
    css = (static_dir / KATEX_CSS).read_text(encoding="utf-8")
    fonts = (static_dir / KATEX_CSS).parent

    def inline(match: re.Match) -> str:
        target = match.group(1).strip("'\"")
        if target.startswith("data:"):
            return match.group(0)
        if not target.endswith(".woff2"):
            raise BundleError(f"KaTeX's CSS names a font that is not woff2: {target}")
        data = base64.b64encode((fonts / target).read_bytes()).decode("ascii")
        return f"url(data:font/woff2;base64,{data})"

    return re.sub(r"url\(([^)]*)\)", inline, css)


def _fingerprint(static_dir: Path, templates_dir: Path) -> tuple:
    """What the assets depend on: a changed file makes a new bundle."""
    files = [*sorted((static_dir / "js").glob("*.js")),
             *(static_dir / name for name in (KATEX, KATEX_CSS, D3, APP_CSS, EXPORT_CSS)),
             *sorted(templates_dir.glob("*.html"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


@lru_cache(maxsize=4)
def _assets(static_dir: Path, templates_dir: Path, fingerprint: tuple) -> dict:
    def read(name: str) -> str:
        return (static_dir / name).read_text(encoding="utf-8")

    scripts = {
        "katex_js": _script_text(read(KATEX), KATEX),
        "d3_js": _script_text(read(D3), D3),
        "bundle_js": _script_text(bundle_modules(static_dir / "js"), "the app's modules"),
    }
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in scripts.values())
    environment = Environment(loader=FileSystemLoader(str(templates_dir)), autoescape=True)
    return {
        **{key: Markup(code) for key, code in scripts.items()},
        "katex_css": Markup(_style_text(_katex_css(static_dir), KATEX_CSS)),
        "app_css": Markup(_style_text(read(APP_CSS) + "\n" + read(EXPORT_CSS), APP_CSS)),
        "csp": ("default-src 'none'; script-src " + hashes + "; style-src 'unsafe-inline'; "
                "img-src data: blob:; font-src data:; connect-src 'none'; "
                "object-src 'none'; base-uri 'none'; form-action 'none'"),
        "template": environment.get_template("offline.html"),
    }


BOX_HEIGHT = 34
INK, MUTED, GRADIENT, CURRENT = "#1f2933", "#9aa5b1", "#c62828", "#f59e0b"
FONT = "font-family=\"'DejaVu Sans', 'Liberation Sans', Arial, sans-serif\""


def frame_of(document: Document, pass_: str, step: int | None) -> tuple[str, int]:
    """The pass and step, clamped into range; step None means the pass's end."""
    last = document.pass_length(pass_)
    return pass_, last if step is None else max(0, min(step, last))


def _json_block(value) -> Markup:
    """JSON that cannot end its <script> block or open a comment in it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def offline_assets(static_dir: Path, templates_dir: Path) -> dict:
    """The inline scripts and styles of an offline page, made once per
    change of the files they come from (the static site shares them)."""
    return _assets(static_dir, templates_dir, _fingerprint(static_dir, templates_dir))


def offline_html(document: Document, pass_: str = "forward", step: int | None = None, *,
                 description: str | None = None, static_dir: Path | None = None,
                 templates_dir: Path | None = None, embed: bool = False) -> str:
    """The whole view as one self-contained HTML page, opening on `pass_`
    and `step` (None: the end of the pass; numbering of static/js/state.js);
    `embed`: the player alone, filling its frame, as /embed/ pages are."""
    static_dir = Path(static_dir or paths.static_dir())
    templates_dir = Path(templates_dir or paths.templates_dir())
    assets = offline_assets(static_dir, templates_dir)
    pass_, step = frame_of(document, pass_ if pass_ in ("forward", "backward") else "forward",
                           step)
    title = document.title or "A graph"
    return assets["template"].render(
        **{k: v for k, v in assets.items() if k != "template"},
        offline=True, embed=embed, document=True, title=title,
        url_state=page_table(player_keys("player", "embed")),
        description=description, source=(document.source or "").strip(),
        document_json=_json_block(document.to_json()),
        frame_json=_json_block({"pass": pass_, "step": step}))
