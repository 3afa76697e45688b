"""Where the front end's files are, found in one place.

In a checkout (and an editable install) `static/` and `templates/` sit at the
top of the repository, beside `app/`. A wheel or `pip install .` ships them
inside the app package as `app/_static` and `app/_templates` (pyproject's
`package-dir`), since site-packages has no room for top-level folders."""

from __future__ import annotations

from pathlib import Path

_APP = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    installed = _APP / f"_{name}"
    return installed if installed.is_dir() else _APP.parent / name


def static_dir() -> Path:
    """The folder served at /static: the player's JS, CSS and vendored files."""
    return _folder("static")


def templates_dir() -> Path:
    """The Jinja templates of the pages and of the offline export."""
    return _folder("templates")
