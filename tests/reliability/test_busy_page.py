"""The page's side of a busy server, in Chromium against a real one whose
capacity is shrunk to one heavy job and no queue: while a training run
holds that job, POST /api/graph is refused at once with 503 and
Retry-After; the page says it is waiting, asks again with backoff, and
draws the graph once the server has room. No response is mocked."""

import json
import re
import threading
import time

import pytest
from http_calls import PYTHON_SERVE, call
from live_server import running_server
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
TIMEOUT = 40_000
ONE_JOB_NO_QUEUE = {"CHAINRULE_MAX_HEAVY_JOBS": "1", "CHAINRULE_MAX_WAITING_HEAVY_JOBS": "0",
                    "CHAINRULE_JOB_TIME_LIMIT": "4", "CHAINRULE_TRAIN_RATE": "0"}


@pytest.fixture(scope="module")
def small_server():
    with running_server(PYTHON_SERVE, env=ONE_JOB_NO_QUEUE) as base:
        yield base


def hold_the_heavy_job(base) -> threading.Thread:
    """A training run that stops at the 4 s time limit, in a thread; returns
    once the server refuses other heavy requests (it holds the only slot)."""
    run = json.dumps({"example": "practical", "steps": 2_000_000}).encode()

    def train_until_admitted():  # a probe below may hold the slot as the run asks for it
        while call(base, "/api/train", run, timeout=60).status == 503:
            pass

    holder = threading.Thread(target=train_until_admitted)
    holder.start()
    deadline, tries = time.monotonic() + 20, 0
    while time.monotonic() < deadline:
        tries += 1  # a new source each time: a kept answer needs no slot
        probe = json.dumps({"source": f"q = {tries}*z", "values": {"z": 1}}).encode()
        answer = call(base, "/api/graph", probe)
        if answer.status == 503:
            assert answer.headers["retry-after"].isdigit()
            assert answer.message.startswith("the server is busy: ")
            return holder
        time.sleep(0.05)
    raise AssertionError("the training run never held the heavy job")


def test_the_page_waits_for_a_busy_server_then_draws(page, small_server):
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status)
            if r.url.endswith("/api/graph") else None)
    page.goto(small_server + "/graph?source=y%20%3D%20w*x&values=w:2,x:3&data=x")
    page.wait_for_selector("body[data-ready='1']")
    holder = hold_the_heavy_job(small_server)

    page.click("[data-testid='form-box'] summary")   # the form, folded above a drawn graph
    page.fill("[data-testid='source']", "y = w*x + 5")
    page.click("[data-testid='draw']")
    status = page.locator("[data-testid='server-status']")
    expect(status).to_have_text(
        re.compile(r"^The server is busy: trying again in \d+ s "
                                 r"\(attempt [2-6] of 6\)…$"), timeout=TIMEOUT)
    region = page.locator("[data-testid='server-status-region']")
    assert region.get_attribute("role") == "status"
    assert region.locator("[data-testid='server-status']").count() == 1

    expect(page.locator("[data-testid='summary-source']")).to_have_text("y = w*x + 5",
                                                                        timeout=TIMEOUT)
    expect(status).to_be_hidden()
    holder.join(timeout=60)
    assert 503 in answers and answers[-1] == 200, answers
    assert answers.index(200) > answers.index(503)
