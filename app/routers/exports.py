"""Downloads of a whole view as one offline HTML file (app/offline.py): the
player, the document, its scripts, styles and fonts inline, playing forward
and backward from disk with no server and no network.

    GET /api/examples/{slug}.html?pass=&step=
    GET /api/graphs/{id}.html?pass=&step=

Included before the routers whose `/api/examples/{slug}` and
`/api/graphs/{id}` would take `simple.html` for a slug or an id."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.errors import ErrorBody
from app.offline import offline_html
from app.routers.api import example_json, find_example
from app.routers.graphs import GRAPH_ID, load_saved
from engine import Document

router = APIRouter(prefix="/api", tags=["exports"])

HTML_RESPONSES = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}},
          "description": "One self-contained HTML file, sent as an attachment"},
    404: {"model": ErrorBody, "description": "Not found"},
    422: {"model": ErrorBody, "description": "A bad pass or step"},
}
PASS = Query(None, alias="pass", description="The pass the file opens on; with neither pass "
                                             "nor step, forward step 0 (a lecture starts there)")
STEP = Query(None, ge=0, description="The step it opens on; default: the pass's end")


def html_attachment(request: Request, document: Document, pass_: str | None, step: int | None,
                    filename: str, description: str | None = None) -> Response:
    if pass_ is None:
        pass_, step = "forward", step or 0   # the clicker steps on from the start
    settings = request.app.state.settings
    html = offline_html(document, pass_, step, description=description,
                        static_dir=settings.static_dir, templates_dir=settings.templates_dir)
    return Response(html, media_type="text/html; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{filename}"',
        "cache-control": "no-cache",
    })


@router.get("/examples/{slug}.html", response_class=Response, responses=HTML_RESPONSES)
async def get_example_html(slug: str, request: Request,
                           pass_: Literal["forward", "backward"] | None = PASS,
                           step: int | None = STEP) -> Response:
    """An example as one HTML file that plays offline (opened from disk)."""
    example = find_example(request, slug)
    document = Document.model_validate_json(await example_json(request, slug))
    return html_attachment(request, document, pass_, step, f"chainrule-{example.slug}.html",
                           example.description)


@router.get("/graphs/{graph_id}.html", response_class=Response, responses=HTML_RESPONSES)
def get_graph_html(request: Request, graph_id: str = GRAPH_ID,
                   pass_: Literal["forward", "backward"] | None = PASS,
                   step: int | None = STEP) -> Response:
    """A saved graph as one HTML file that plays offline (opened from disk)."""
    document = Document.model_validate_json(load_saved(request, graph_id))
    return html_attachment(request, document, pass_, step,
                           f"chainrule-graph-{graph_id[:12]}.html")
