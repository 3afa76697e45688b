"""Static files from memory, each with its gzip form made once, and the
app's modules bundled per page for production.

- A file is read (and, if worth it, compressed) on its first request and
  kept; a request costs a dictionary look-up. A file changed on disk since
  is read again and served with `no-cache`.
- A URL whose `?v=` is the file's content hash (page_render.static_url
  writes them) may be kept for a year (`immutable`): a change makes a new
  URL. Without it, or with another hash, the answer is `no-cache` (an ES
  module's imports are fetched without the entry's query string).
- CSS is served with its `url(...)` references versioned the same way, so
  KaTeX's fonts are immutable too.
- Bundles: a page's module scripts (`<script type="module" src="/static/js/…">`)
  become one script, `/static/bundle/<entry>+<entry>.js?v=<hash>`, made by
  the offline export's bundler (app/offline.py) from the same entries in
  document order, so modules shared by two entries still run once. The path
  names the entries, so any worker can make the bundle it is asked for.
  Pages whose modules the bundler cannot read keep their modules. Settings'
  `bundle_modules` turns it off for development (readable modules).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from starlette.datastructures import Headers, QueryParams
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.compression import ONCE_LEVEL, accepts_gzip, compressible, gzipped

log = logging.getLogger("chainrule.static")

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
BUNDLE_DIR = "bundle/"
_MEDIA_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
                ".woff2": "font/woff2", ".svg": "image/svg+xml", ".md": "text/markdown",
                ".txt": "text/plain", ".json": "application/json", ".png": "image/png"}
_CSS_URL = re.compile(r"url\(([^)]*)\)")
_MODULE_TAG = re.compile(r'<script type="module" src="/static/js/((?:[\w-]+/)*[\w-]+\.js)\?v=[0-9a-f]+">'
                         r'</script>')
_ANY_MODULE_TAG = re.compile(r'<script type="module" src="/static/js/[^"]+"></script>')
_PRELOAD = re.compile(r'<link rel="modulepreload" href="/static/js/[^"]+">\n?')
_STYLESHEET = re.compile(r'<link rel="stylesheet" href="/static/([\w./-]+\.css)\?v=[0-9a-f]+">')


def media_type_of(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or \
        "application/octet-stream"


def content_hash(body: bytes) -> str:
    return hashlib.sha1(body).hexdigest()[:10]


def _first_only(pattern: re.Pattern, text: str, replacement: str) -> str:
    """Every match of `pattern` removed, the first replaced by `replacement`."""
    first = [True]

    def one(match: re.Match) -> str:
        keep, first[0] = first[0], False
        return replacement if keep else ""

    return pattern.sub(one, text)


def _absolute_url(match: re.Match, folder: str) -> str:
    target = match.group(1).strip("'\"")
    if ":" in target or target.startswith("/"):
        return match.group(0)
    return f"url({folder}{target})"


@dataclass(frozen=True)
class StaticFile:
    body: bytes
    gzip_body: bytes | None
    media_type: str
    version: str            # the content hash that `?v=` must carry for `immutable`
    stamp: tuple            # (mtime_ns, size) of the file it was read from


class StaticSite:
    """The ASGI app at /static."""

    def __init__(self, static_dir: Path, bundle_modules: bool = True):
        self.static_dir = Path(static_dir).resolve()
        self.bundle_modules = bundle_modules
        self._versions: dict[str, str] | None = None
        self._files: dict[str, StaticFile] = {}
        self._bundles: dict[tuple[str, ...], str | None] = {}

    # --- versions and URLs ------------------------------------------------------

    @property
    def versions(self) -> dict[str, str]:
        if self._versions is None:
            from app.routers.page_render import static_versions
            versions = static_versions(self.static_dir)
            for path in versions:  # CSS is served rewritten: its hash is of what is served
                if path.endswith(".css"):
                    versions[path] = self._load(path, versions).version
            self._versions = versions
        return self._versions

    def url(self, path: str) -> str:
        return f"/static/{path}?v={self.versions[path]}"

    def bundle_url(self, entries: tuple[str, ...]) -> str | None:
        """The URL of one script holding these entry modules, or None when
        the bundler cannot read them (the page keeps its modules)."""
        if entries not in self._bundles:
            name = BUNDLE_DIR + "+".join(e.removesuffix(".js").replace("/", "~")
                                         for e in entries) + ".js"
            made = self._bundle(name)
            self._bundles[entries] = None if made is None else \
                f"/static/{name}?v={made.version}"
        return self._bundles[entries]

    def bundled_page(self, html: bytes) -> bytes:
        """The page with its module scripts as one bundle (and no module
        preloads, which would fetch the modules the bundle holds), and its
        stylesheets as one, in the same order."""
        if not self.bundle_modules:
            return html
        text = html.decode()
        tags = _ANY_MODULE_TAG.findall(text)
        entries = tuple(_MODULE_TAG.findall(text))
        # A module the bundler cannot read leaves the modules as they are.
        url = self.bundle_url(entries) if entries and len(entries) == len(tags) else None
        if url is not None:
            text = _PRELOAD.sub("", _first_only(_MODULE_TAG, text,
                                                f'<script type="module" src="{url}"></script>'))
        sheets = tuple(_STYLESHEET.findall(text))
        if len(sheets) > 1:
            name = BUNDLE_DIR + "+".join(s.removesuffix(".css").replace("/", "~")
                                         for s in sheets) + ".css"
            made = self._bundle(name)
            if made is not None:
                text = _first_only(_STYLESHEET, text, f'<link rel="stylesheet" '
                                   f'href="/static/{name}?v={made.version}">')
        return text.encode()

    # --- files --------------------------------------------------------------------

    def _packed(self, body: bytes, media_type: str) -> bytes | None:
        packed = gzipped(body, ONCE_LEVEL) if compressible(media_type, len(body)) else None
        return packed if packed is not None and len(packed) < len(body) else None

    def _load(self, path: str, versions: dict[str, str]) -> StaticFile:
        file = self.static_dir / path
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        kept = self._files.get(path)
        if kept is not None and kept.stamp == stamp:
            return kept
        body = file.read_bytes()
        media_type = media_type_of(path)
        version = versions.get(path, "")
        if path.endswith(".css"):
            body = self._versioned_css(path, body, versions)
            version = content_hash(body)
        if kept is not None:  # changed since the server started: no hash to trust
            version = ""
        loaded = StaticFile(body, self._packed(body, media_type), media_type, version, stamp)
        self._files[path] = loaded
        return loaded

    def _versioned_css(self, path: str, body: bytes, versions: dict[str, str]) -> bytes:
        folder = Path(path).parent

        def versioned(match: re.Match) -> str:
            target = match.group(1).strip("'\"")
            if ":" in target or "?" in target or target.startswith("/"):
                return match.group(0)
            relative = (folder / target).as_posix()
            return f"url({target}?v={versions[relative]})" if relative in versions \
                else match.group(0)

        return _CSS_URL.sub(versioned, body.decode()).encode()

    def _bundle(self, name: str) -> StaticFile | None:
        kept = self._files.get(name)
        if kept is not None:
            return kept
        stem, _, kind = name.removeprefix(BUNDLE_DIR).rpartition(".")
        parts = stem.split("+")
        if kind == "css":
            body = self._css_bundle(tuple(p.replace("~", "/") + ".css" for p in parts))
        elif kind == "js":
            body = self._js_bundle(tuple(p.replace("~", "/") + ".js" for p in parts))
        else:
            body = None
        if body is None:
            return None
        media_type = media_type_of(name)
        made = StaticFile(body, self._packed(body, media_type), media_type, content_hash(body),
                          (0, len(body)))
        self._files[name] = made
        return made

    def _js_bundle(self, entries: tuple[str, ...]) -> bytes | None:
        js = self.static_dir / "js"
        if not all(re.fullmatch(r"(?:[\w-]+/)*[\w-]+\.js", e) and (js / e).is_file() for e in entries):
            return None
        from app.offline import BundleError, bundle_modules
        try:
            return bundle_modules(js, entries).encode()
        except (BundleError, OSError, UnicodeDecodeError) as exc:
            log.warning("the modules of %s stay unbundled: %s", entries, exc)
            return None

    def _css_bundle(self, sheets: tuple[str, ...]) -> bytes | None:
        """The sheets in order, their url(...)s made absolute (the bundle lives elsewhere)."""
        if not all(sheet in self.versions for sheet in sheets):
            return None
        parts = []
        for sheet in sheets:
            folder = "/static/" + Path(sheet).parent.as_posix() + "/"
            text = self._load(sheet, self.versions).body.decode()
            parts.append(_CSS_URL.sub(lambda m: _absolute_url(m, folder), text))
        return "\n".join(parts).encode()

    def find(self, path: str) -> StaticFile | None:
        if path.startswith(BUNDLE_DIR):
            return self._bundle(path) if self.bundle_modules else None
        if path not in self.versions:  # only files that were there at start: no `..`
            return None
        try:
            return self._load(path, self.versions)
        except OSError:
            return None

    # --- ASGI -----------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send):
        path = scope["path"].removeprefix(scope.get("root_path", "")).removeprefix("/static")
        path = path.lstrip("/")
        if scope["method"] not in ("GET", "HEAD"):
            response = Response("method not allowed", 405, {"allow": "GET, HEAD"})
            await response(scope, receive, send)
            return
        found = self.find(path)
        if found is None:
            await Response("not found", 404, media_type="text/plain")(scope, receive, send)
            return
        headers = Headers(scope=scope)
        version = QueryParams(scope.get("query_string", b"")).get("v")
        fixed = bool(found.version) and version == found.version
        etag = f'"{found.version or content_hash(found.body)}"'
        common = {"etag": etag, "cache-control": IMMUTABLE if fixed else REVALIDATE}
        if found.gzip_body is not None:
            common["vary"] = "Accept-Encoding"
        if headers.get("if-none-match") == etag:
            await Response(status_code=304, headers=common)(scope, receive, send)
            return
        body = found.body
        if found.gzip_body is not None and accepts_gzip(headers.get("accept-encoding")):
            body, common["content-encoding"] = found.gzip_body, "gzip"
        if scope["method"] == "HEAD":
            common["content-length"] = str(len(body))
            body = b""
        await Response(body, media_type=found.media_type, headers=common)(scope, receive, send)
