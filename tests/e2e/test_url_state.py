"""The URL-state table in the browser (app/url_state.py → static/js/state.js):
old links are rewritten to the keys' new names, the embed options the
player does not act on yet (fit, theme) stay in the URL as it changes, and
the Train view's fields take their limits from the server's table."""

from __future__ import annotations

from playwright.sync_api import expect


def test_an_old_train_link_with_node_lands_on_its_place_and_says_pass_step(page, server):
    page.goto(f"{server}/examples/practical/train?step=3&pass=backward&node=2")
    expect(page.locator("body[data-train-ready='1']")).to_have_count(1)
    query = page.url.split("?", 1)[1]
    assert "pass=backward&pass_step=2" in query and "node=" not in query
    expect(page.locator("[data-testid='step-caption']")).to_have_attribute("data-step", "2")


def test_fit_and_theme_stay_in_the_url_while_the_player_steps(page, server):
    page.goto(f"{server}/embed/examples/simple?fit=0&theme=contrast&pass=backward&step=2")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(f"{server}/embed/examples/simple?pass=backward&step=3&fit=0&theme=contrast")
    page.goto(f"{server}/embed/examples/simple?fit=7&theme=neon")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(f"{server}/embed/examples/simple?pass=forward&step=1")


def test_the_train_fields_take_their_limits_from_the_server(page, server):
    page.goto(f"{server}/examples/linear-regression/train")
    expect(page.locator("body[data-train-ready='1']")).to_have_count(1)
    page.fill("[data-testid='train-points']", "100001")
    page.press("[data-testid='train-points']", "Enter")
    expect(page.locator("[data-testid='train-field-error']")).to_have_text(
        "The points are a whole number from 1 to 100,000.")
    page.fill("[data-testid='train-points']", "30")
    page.fill("[data-testid='train-n']", "2000001")
    page.press("[data-testid='train-n']", "Enter")
    expect(page.locator("[data-testid='train-field-error']")).to_have_text("Run 1 to 2,000,000 steps.")
