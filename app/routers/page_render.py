"""How a page is rendered: the templates, static URLs with a content hash,
the context every page has (its name, large text, its URL-state table), and
the cache in front of it (a page is a pure function of its path and query
string: rendered once per worker, app/cache.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterable

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from app.cache import answer_response, content_key, make_answer, with_debug
from app.url_state import Key, decode, page_table, player_keys
from app.vendor import D3, D3_WHOLE, KATEX, KATEX_CSS
from engine.codegen import LANGUAGES
from engine.ops import function_list

BIG = player_keys("player")


def static_versions(static_dir: Path) -> dict[str, str]:
    """A short content hash per static file. An ES module's imports are fetched
    without the entry's query string, so every `js/` file gets one hash of the
    whole js folder: a change to any module changes the entry's URL."""
    versions: dict[str, str] = {}
    js = hashlib.sha1()
    for path in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(static_dir).as_posix()
        content = path.read_bytes()
        versions[relative] = hashlib.sha1(content).hexdigest()[:10]
        if relative.startswith("js/"):
            js.update(relative.encode() + b"\0" + content)
    for relative in versions:
        if relative.startswith("js/"):
            versions[relative] = js.hexdigest()[:10]
    return versions


def page_templates(request: Request) -> Jinja2Templates:
    """The app's templates with their `static_url` global, built once per app."""
    state = request.app.state
    templates = getattr(state, "page_templates", None)
    if templates is None:
        settings = state.settings
        static_url = state.static.url  # ?v=<content hash>: app/static_files.py

        templates = Jinja2Templates(directory=str(settings.templates_dir))
        templates.env.globals.update(static_url=static_url, KATEX=KATEX,
                                     KATEX_CSS=KATEX_CSS, D3=D3, D3_WHOLE=D3_WHOLE, FUNCTIONS=function_list(),
                                     CODE_LANGUAGES=LANGUAGES)
        state.page_templates = templates
    return templates


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200,
           url_keys: Iterable[Key] | None = None):
    """A page; `url_keys` are the keys of its state in the URL, written into
    the page as its table (templates/base.html) for static/js/state.js."""
    base = {"page": name.removesuffix(".html"), "big": decode(BIG, request.query_params)["big"],
            "url_state": page_table(url_keys) if url_keys is not None else None}
    return page_templates(request).TemplateResponse(request, name, base | context,
                                                    status_code=status_code)


async def cached_page(request: Request, build: Callable[[], Awaitable[Response]]) -> Response:
    """The page at this URL, rendered once per worker; a 200 is kept, any other
    page (a 404: a graph may be saved later) is rendered each time."""
    testing = "http.response.debug" in request.scope.get("extensions", {})

    async def render_answer():
        response = await build()
        answer = await run_in_threadpool(lambda: make_answer(
            request.app.state.static.bundled_page(response.body), "text/html",
            response.status_code))
        if testing:
            answer = with_debug(answer, {"template": response.template,
                                         "context": response.context})
        return answer

    key = content_key("page", request.url.path, request.url.query)
    answer = await request.app.state.answers.get_or_build(
        key, render_answer, keep=lambda answer: answer.status == 200)
    return answer_response(request, answer)
