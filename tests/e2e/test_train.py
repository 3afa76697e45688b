"""The Train view in a real browser: run the practical for 100 steps and see
every chart drawn with the API's numbers, step one update and see it land on
the graph, reload on the same step, and fix a learning rate that diverges.
Screenshots go to test-artifacts/train-*.png."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from steps import shown

TIMEOUT = 15_000


@pytest.fixture
def open_train(open_page, page):
    """Open a train page and wait until it has drawn its first frame and is idle."""

    def go(path: str):
        open_page(path)
        page.wait_for_selector("body[data-train-ready='1']", timeout=TIMEOUT)
        idle(page)
        return page

    return go


def idle(page):
    page.wait_for_selector("[data-testid='train'][data-busy='0'][data-running='0']", timeout=TIMEOUT)


def by_testid(page, name: str):
    return page.locator(f"[data-testid='{name}']")


def readout(page, param: str):
    return page.locator(f"[data-testid='readout-param'][data-param='{param}']")


def test_run_practical_for_100_steps_draws_every_chart(open_train, page, api, artifacts):
    open_train("/examples/practical/train")
    by_testid(page, "train-n").fill("100")
    by_testid(page, "train-run").click()
    # The charts fill progressively (over about 1.2 s), the graph dimmed meanwhile.
    expect(by_testid(page, "train")).to_have_class(re.compile(r"\brunning\b"))
    expect(by_testid(page, "train-pause")).to_be_enabled()
    expect(by_testid(page, "readout-step")).to_have_attribute("data-step", "100", timeout=TIMEOUT)
    expect(by_testid(page, "train")).not_to_have_class(re.compile(r"\brunning\b"))
    idle(page)
    expect(by_testid(page, "readout-loss")).to_have_attribute("data-loss", re.compile(r"\d"), timeout=TIMEOUT)
    answer = api("/api/train", {"example": "practical", "steps": 100})
    for name in ("w", "b"):
        value = answer["final"][name]
        expect(readout(page, name)).to_have_text(shown(value))
        assert float(readout(page, name).get_attribute("data-param-value")) == value
        chart = page.locator(f"[data-chart='param'][data-param='{name}']")
        expect(chart).to_have_attribute("data-current-step", "100")
        assert float(chart.get_attribute("data-current-value")) == value
        assert int(chart.get_attribute("data-points")) == 101      # steps 0…99, then the final values
        assert chart.locator("canvas").count() == 1
    expect(by_testid(page, "readout-loss")).to_have_text(shown(answer["final_loss"]))

    loss = page.locator("[data-chart='loss']")
    expect(loss).to_have_attribute("data-drawn", "1")
    assert int(loss.get_attribute("data-points")) == 101
    assert loss.get_attribute("data-non-finite") == "0"

    fit = page.locator("[data-chart='fit']")
    expect(fit).to_have_attribute("data-step", "100")
    expect(fit).to_have_attribute("data-drawn", "1")
    assert int(fit.get_attribute("data-points")) == len(answer["fit"]["xs"])

    landscape = page.locator("[data-chart='landscape']")
    expect(landscape).to_have_attribute("data-drawn", "1")
    expect(landscape).to_have_attribute("data-step", "100")
    assert (landscape.get_attribute("data-x-param"), landscape.get_attribute("data-y-param")) == ("w", "b")
    assert float(landscape.get_attribute("data-current-x")) == answer["final"]["w"]
    assert float(landscape.get_attribute("data-current-y")) == answer["final"]["b"]
    assert int(landscape.get_attribute("data-trajectory-points")) == 101
    assert landscape.locator("path.contour").count() > 3
    assert page.evaluate("document.querySelector('[data-testid=landscape-canvas]').width") > 100
    # The graph shows the sample of update 100 with the update landed.
    update = api("/api/train", {"example": "practical", "steps": 100, "document_step": 99})["update"]
    for name in ("w", "b"):
        label = page.locator(f"[data-testid='param-update'][data-param='{name}']")
        assert float(label.get_attribute("data-param-value")) == update[name]["after"]
    assert "step=100" in page.url and "steps=100" in page.url
    page.screenshot(path=artifacts / "train-practical-100.png", full_page=True)


def test_step_one_update_lands_on_the_graph_and_a_reload_keeps_it(open_train, page, api, artifacts):
    open_train("/examples/practical/train?step=100&speed=4")
    by_testid(page, "train-step").click()
    # The sample of update 101 plays through its passes first.
    expect(by_testid(page, "update-title")).to_have_attribute("data-landed", "false")
    expect(page.locator("[data-testid='param-update']")).to_have_count(0)
    expect(by_testid(page, "play")).to_have_attribute("data-playing", "true")
    page.screenshot(path=artifacts / "train-step-playing.png", full_page=True)
    expect(by_testid(page, "update-title")).to_have_attribute("data-landed", "true", timeout=TIMEOUT)
    idle(page)
    answer = api("/api/train", {"example": "practical", "steps": 101, "document_step": 100})
    for name in ("w", "b"):
        after = answer["update"][name]["after"]
        label = page.locator(f"[data-testid='param-update'][data-param='{name}']")
        assert float(label.get_attribute("data-param-value")) == after
        assert label.text_content().endswith(shown(after)[:5])
        row = page.locator(f"[data-testid='update-row'][data-param='{name}']")
        assert float(row.get_attribute("data-before")) == answer["update"][name]["before"]
        assert float(row.get_attribute("data-grad")) == answer["update"][name]["grad"]
        expect(readout(page, name)).to_have_text(shown(after))
    expect(by_testid(page, "readout-step")).to_have_attribute("data-step", "101")
    assert "step=101" in page.url
    page.screenshot(path=artifacts / "train-step-landed.png", full_page=True)

    page.reload()
    page.wait_for_selector("body[data-train-ready='1']", timeout=TIMEOUT)
    idle(page)
    expect(by_testid(page, "readout-step")).to_have_attribute("data-step", "101")
    expect(by_testid(page, "update-title")).to_have_attribute("data-landed", "true")
    for name in ("w", "b"):
        label = page.locator(f"[data-testid='param-update'][data-param='{name}']")
        assert float(label.get_attribute("data-param-value")) == answer["update"][name]["after"]


def test_the_300_point_regression_diverges_and_a_smaller_rate_fixes_it(open_train, page, api, artifacts):
    open_train("/examples/linear-regression/train?points=300&lr=0.01")
    banner = by_testid(page, "train-banner")
    expect(banner).to_be_hidden()
    by_testid(page, "train-run").click()          # 10 epochs, as the course runs it
    expect(banner).to_be_visible(timeout=TIMEOUT)
    expect(banner).to_have_attribute("data-kind", "diverged")
    expect(banner).to_contain_text("diverged")
    expect(by_testid(page, "train-lr")).to_be_focused()
    idle(page)
    diverged = api("/api/train", {"example": "linear-regression", "points": 300, "steps": 10})
    assert diverged["diverged"] is True
    expect(by_testid(page, "readout-loss")).to_have_text("8.717e19")
    page.screenshot(path=artifacts / "train-linear-regression-diverged.png", full_page=True)

    by_testid(page, "train-lr").fill("1e-3")
    by_testid(page, "train-lr").press("Enter")
    expect(banner).to_be_hidden(timeout=TIMEOUT)
    idle(page)
    fixed = api("/api/train", {"example": "linear-regression", "points": 300, "steps": 10, "lr": 1e-3})
    assert fixed["diverged"] is False
    expect(by_testid(page, "readout-loss")).to_have_text(shown(fixed["final_loss"]))
    for name in ("w1", "w2", "b"):
        expect(readout(page, name)).to_have_text(shown(fixed["final"][name]))
    assert "lr=0.001" in page.url and "step=10" in page.url
    page.screenshot(path=artifacts / "train-linear-regression-fixed.png", full_page=True)


def test_a_run_that_overflows_shows_infinity_and_does_not_break(open_train, page):
    """Past 170 epochs at lr 1e-2 the loss overflows: the run stops there, the
    page lands on its last step and writes ∞ instead of failing."""
    open_train("/examples/linear-regression/train?points=300&lr=0.01&step=200")
    expect(by_testid(page, "readout-step")).to_have_attribute("data-step", "171", timeout=TIMEOUT)
    idle(page)
    expect(by_testid(page, "train-banner")).to_contain_text("inf or nan")
    expect(by_testid(page, "readout-loss")).to_have_text("∞")
    expect(page.locator("[data-chart='loss'] [data-testid='chart-flag']")).to_contain_text("∞ from step 170")


def test_progress_shows_for_a_slow_answer(open_train, page):
    open_train("/examples/practical/train")
    page.evaluate("""() => {
      const box = document.querySelector('[data-testid=train-progress]');
      window.progressSeen = '';
      new MutationObserver(() => { if (!box.hidden) window.progressSeen = box.textContent.trim(); })
        .observe(box, { attributes: true });
    }""")

    def slow(route):
        time.sleep(0.5)   # the browser goes on meanwhile; its observer sees the progress
        route.continue_()

    page.route("**/api/train", slow)
    by_testid(page, "train-n").fill("300")
    by_testid(page, "train-run").click()
    expect(by_testid(page, "readout-step")).to_have_attribute("data-step", "300", timeout=TIMEOUT)
    assert page.evaluate("window.progressSeen") == "Training 300 steps…"
    expect(by_testid(page, "train-progress")).to_be_hidden()


def test_the_challenge_solution_draws_the_course_landscape(open_train, page, artifacts):
    open_train("/examples/challenge-2-solution/train?step=50000")
    landscape = page.locator("[data-chart='landscape']")
    expect(landscape).to_have_attribute("data-drawn", "1", timeout=TIMEOUT)
    assert landscape.get_attribute("data-grid") == "200x200"
    assert (landscape.get_attribute("data-x-param"), landscape.get_attribute("data-y-param")) == ("p", "w")
    expect(page.locator("[data-chart='param']")).to_have_count(3)
    page.screenshot(path=artifacts / "train-challenge-2-solution.png", full_page=True)
