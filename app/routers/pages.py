"""HTML pages: each one shows exactly what its JSON twin under /api answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.config import get_settings

router = APIRouter(tags=["pages"], include_in_schema=False)
templates = Jinja2Templates(directory=str(get_settings().templates_dir))


@router.get("/", response_class=HTMLResponse)
def index(request: Request):
    examples = list(request.app.state.examples.values())
    return templates.TemplateResponse(request, "index.html", {"examples": examples})
