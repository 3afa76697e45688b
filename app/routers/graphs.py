"""Saved graphs: POST a document, get a stable link.

The store's failures get the one error body (app/errors.py): a full quota or
disk 507 (Insufficient Storage), a database locked by another process 503
with Retry-After, a file that cannot be used 503. Too many saves from one
address get 429 before they reach this router (app/ratelimit.py)."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from app.config import Settings, get_settings
from app.errors import ErrorBody
from app.routers.api import SVG_RESPONSE, svg_response
from app.storage import GraphStore
from engine import Document

router = APIRouter(prefix="/api", tags=["saved graphs"])
GRAPH_ID = Path(pattern=r"^[0-9a-f]{12,64}$", description="A saved graph's id")


class Saved(BaseModel):
    id: str
    url: str
    embed_url: str


def store_of(request: Request) -> GraphStore:
    return request.app.state.store


def links(request: Request, graph_id: str) -> Saved:
    base = str(request.base_url).rstrip("/")
    return Saved(id=graph_id, url=f"{base}/graphs/{graph_id}",
                 embed_url=f"{base}/embed/graphs/{graph_id}")


@router.post("/graphs", response_model=Saved, status_code=201,
             responses={200: {"model": Saved, "description": "Saved before: the same id"},
                        413: {"model": ErrorBody, "description": "Too large"},
                        422: {"model": ErrorBody, "description": "Not a valid document"},
                        429: {"model": ErrorBody, "description": "Too many saves from this "
                              "address: wait Retry-After seconds"},
                        503: {"model": ErrorBody, "description": "The database is locked or "
                              "cannot be used"},
                        507: {"model": ErrorBody, "description": "Storage is full (quota or "
                              "disk)"}})
def save_graph(document: Document, request: Request,
               settings: Settings = Depends(get_settings)) -> JSONResponse:
    """Store a graph document (from engine.publish, or the form's "save and get
    a link") and answer its id and links; the same graph gets the same id."""
    canonical = document.to_json(as_sent=True)
    if len(canonical.encode()) > settings.max_document_bytes:
        raise HTTPException(413, f"the document is larger than {settings.max_document_bytes} "
                                 "bytes")
    graph_id, new = store_of(request).save(canonical)
    return JSONResponse(links(request, graph_id).model_dump(), status_code=201 if new else 200)


@router.get("/graphs/{graph_id}.svg", response_class=Response, responses=SVG_RESPONSE)
async def get_graph_svg(request: Request, graph_id: str = GRAPH_ID,
                  pass_: Literal["forward", "backward"] = Query("backward", alias="pass"),
                  step: int | None = Query(None, ge=0)) -> Response:
    """One frame of a saved graph, drawn on the server."""
    document = Document.model_validate_json(load_saved(request, graph_id))
    return await svg_response(request, document, pass_, step)


@router.get("/graphs/{graph_id}", response_model=Document,
            responses={404: {"model": ErrorBody, "description": "No such graph"},
                       503: {"model": ErrorBody, "description": "The database is locked or "
                             "cannot be used"}})
def get_graph(request: Request, graph_id: str = GRAPH_ID) -> Response:
    """A saved graph's document, as it was saved."""
    return Response(load_saved(request, graph_id), media_type="application/json")


def load_saved(request: Request, graph_id: str) -> str:
    document = store_of(request).load(graph_id)
    if document is None:
        raise HTTPException(404, f"no saved graph '{graph_id}'")
    return document
