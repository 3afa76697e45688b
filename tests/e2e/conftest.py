"""Browser tests: Debian's headless Chromium, driven by Playwright, against a
real uvicorn server that this session starts on a free port.

Never `playwright install`: the browser is /usr/bin/chromium (tests/run.sh
installs it). Screenshots of the main frames go to test-artifacts/."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from chromium import browser_type_launch_args  # noqa: F401 (a fixture)
from live_server import running_server

sys.path.insert(0, str(Path(__file__).parent))   # steps.py, the tests' readers of the page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.browser)




@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 720}}


@pytest.fixture(scope="module")
def shared_context(browser, browser_context_args):
    """One browser context per test file, a new page in it per test: the
    pages share a warm HTTP and code cache. A fresh context per test made
    every page load fetch and compile the app's scripts, fonts and styles
    again, about 0.4 s of the machine's two cores a test. The app keeps no
    state in the browser (no cookies, no storage), and what a test sets on
    its page (viewport, routes, init scripts, media) goes with the page; a
    test that needs other context settings makes its own context."""
    context = browser.new_context(**browser_context_args)
    yield context
    context.close()


@pytest.fixture
def context(shared_context):
    """pytest-playwright's `page` opens its page here; closed after the test."""
    yield shared_context
    for page in shared_context.pages:
        page.close()


@pytest.fixture(scope="session")
def server():
    """The base URL of `python -m uvicorn app.main:app` on a free port."""
    # The browser tests save far more than a class would in a minute: no save limit.
    with running_server([sys.executable, "-m", "uvicorn", "app.main:app"],
                        env={"CHAINRULE_SAVE_RATE": "0"}) as base:
        yield base


@pytest.fixture(scope="session")
def base_url(server):
    return server


@pytest.fixture(scope="session")
def api(server):
    """GET or POST the API of the running server: api("/api/examples/simple")."""

    def call(path: str, body: dict | None = None):
        """The answer's JSON body, error bodies (422, 404) included."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(server + path, data=data,
                                         headers={"content-type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return json.loads(exc.read())

    return call


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def open_page(page, server):
    """Go to a path and wait until the page says it has drawn its graph."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def go(path: str):
        page.goto(server + path)
        page.wait_for_selector("body[data-ready='1']")
        return page

    yield go
    assert errors == [], errors
