"""The page's side of a 429, in Chromium against a real server: the save
link says how long to wait, and the Train view waits out the Retry-After
with a message, then goes on as if nothing happened (not an error)."""

import json
import re

import pytest
from http_calls import PYTHON_SERVE
from live_server import running_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
TIMEOUT = 20_000


@pytest.fixture(scope="module")
def limited():
    with running_server(PYTHON_SERVE + ["--save-rate", "1"]) as base:
        yield base


def test_the_save_link_shows_a_429_as_the_wait(page, limited):
    status = page.locator("[data-testid='save-status']")
    page.goto(limited + "/graph?source=y%20%3D%20w*x&values=w:2,x:3&data=x")
    page.wait_for_selector("body[data-ready='1']")
    page.click("[data-testid='save-link']")
    expect(status).to_contain_text("Saved", timeout=TIMEOUT)
    page.goto(limited + "/graph?source=y%20%3D%20w*x%2B1&values=w:2,x:3&data=x")
    page.wait_for_selector("body[data-ready='1']")
    page.click("[data-testid='save-link']")
    expect(status).to_have_text(re.compile(
        r"^Not saved: too many saves from 127\.0\.0\.1: this server allows 1 a minute per "
        r"address \(CHAINRULE_SAVE_RATE\); try again in ([1-9]|[1-5][0-9]|60) s$"),
        timeout=TIMEOUT)


RECORD_PROGRESS = """
window.progressTexts = [];
new MutationObserver(() => {
  const text = document.querySelector('[data-testid="train-progress-text"]');
  if (text && text.textContent) window.progressTexts.push(text.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def test_the_train_view_waits_out_a_429_with_a_message_and_goes_on(page, limited):
    refused = []

    def first_run_refused(route):
        # The first frame's run (it shows progress; the page's side runs are quiet),
        # refused as the server refuses when the address's bucket is empty.
        if not refused and "document_step" in (route.request.post_data or ""):
            refused.append(route.request.post_data)
            route.fulfill(status=429, headers={"Retry-After": "1"}, content_type="application/json",
                          body=json.dumps({"detail": {
                              "message": "too many training runs from 127.0.0.1: this server "
                                         "allows 600 a minute per address "
                                         "(CHAINRULE_TRAIN_RATE); try again in 1 s",
                              "line": 0, "column": 0}}))
        else:
            route.continue_()

    page.add_init_script(RECORD_PROGRESS)
    page.route("**/api/train", first_run_refused)
    page.goto(limited + "/examples/practical/train")
    page.wait_for_selector("body[data-train-ready='1']", timeout=TIMEOUT)
    page.wait_for_selector("[data-testid='train'][data-busy='0']", timeout=TIMEOUT)
    assert len(refused) == 1
    texts = page.evaluate("window.progressTexts")
    assert "Too many training runs from this address just now: waiting 1 s…" in texts, texts
    expect(page.locator("[data-testid='train-banner']")).to_be_hidden()
