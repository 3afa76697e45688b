"""The expression page saves its graph and gives a stable link."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_save_and_get_a_link_then_open_it(open_page, page, server):
    open_page("/graph?source=y%20%3D%20w*x&values=w:2,x:3&data=x")
    page.click("[data-testid='save-link']")
    field = page.locator("[data-testid='saved-url']")
    expect(field).to_be_visible()
    url = field.input_value()
    assert url.startswith(server) and "/graphs/" in url
    with urllib.request.urlopen(url.replace("/graphs/", "/api/graphs/")) as response:
        saved = json.load(response)
    assert saved["value"] == 6.0 and saved["source"] == "y = w*x"
    page.click("[data-testid='save-link']")  # the same graph: the same link
    expect(page.locator("[data-testid='save-status']")).to_contain_text("Saved")
    assert field.input_value() == url
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.keyboard.press("End")
    assert page.locator("[data-node-id='2']").get_attribute("data-value") == "6"
