"""Files a lecture's slides load from the app itself, at fixed addresses:

    /deck/reveal-chainrule.js   the reveal.js plugin (static/js/deck/), so a deck
                                steps chainrule embeds with the clicker
    /favicon.ico                the tab's icon (browsers ask for it at the root)
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse

from app.config import Settings, get_settings

router = APIRouter(tags=["deck"], include_in_schema=False)


def _static(settings: Settings, *parts: str) -> Path:
    return Path(settings.static_dir).joinpath(*parts)


@router.get("/deck/reveal-chainrule.js")
def reveal_plugin(settings: Settings = Depends(get_settings)) -> FileResponse:
    return FileResponse(_static(settings, "js", "deck", "reveal-chainrule.js"),
                        media_type="text/javascript; charset=utf-8",
                        headers={"cache-control": "public, max-age=3600",
                                 "access-control-allow-origin": "*"})


@router.get("/favicon.ico")
def favicon(settings: Settings = Depends(get_settings)) -> FileResponse:
    return FileResponse(_static(settings, "img", "favicon.ico"), media_type="image/x-icon",
                        headers={"cache-control": "public, max-age=86400"})
