"""Predict mode in a real browser (static/js/quiz.js): a whole backward pass
of `simple` answered with the keyboard alone, one wrong answer on the way;
a second miss gives the answer; the clicker's PageDown reveals unmarked;
the score is in the URL; axe finds nothing."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from steps import backward_steps, forward_steps, frame, shown, written_url
from test_accessibility import violations


def answer(page, text: str) -> str:
    """Type into the focused answer field and press Enter: what the status then says."""
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return page.get_by_role("status").filter(has_text=re.compile("Correct|Not yet")).text_content()


def test_a_whole_backward_pass_answered_with_one_miss(open_page, page, api):
    doc = api("/api/examples/simple")
    steps = backward_steps(doc)
    open_page("/examples/simple?quiz=backward&pass=backward&step=0")
    field = page.get_by_role("textbox", name=re.compile("answer", re.I))
    field.focus()
    feedback = page.locator("[data-testid='quiz-feedback']")
    for k, step in enumerate(steps, start=1):
        assert frame(page) == ("backward", k - 1)
        node = doc["nodes"][step["node"]]
        assert node["label"] in page.locator("[data-testid='quiz-question']").text_content()
        # the gradient asked for is not on the page yet
        assert page.locator(f"g.node[data-node-id='{step['node']}']").get_attribute("data-grad") is None
        if k == 4:   # v′ = 161.06: a wrong answer first, then the hint
            assert answer(page, "16.98").startswith("Not yet")
            assert feedback.text_content() == "Not yet. Hint: v′ = y′·y = 16.9755 × 9.48774"
            assert frame(page) == ("backward", 3)
            page.keyboard.press("Control+A")
        assert answer(page, shown(step["grad"])).startswith("Correct")
        expect(page.locator("[data-testid='step-caption']")).to_have_attribute("data-step", str(k))
    assert frame(page) == ("backward", len(steps))
    score = page.locator("[data-testid='quiz-score']")
    assert score.get_attribute("data-backward") == f"{len(steps)}/{len(steps)}"
    assert f"score=backward:{'1' * len(steps)}" in written_url(page)
    # every gradient is revealed, and the parameters' rows say them
    assert page.locator("[data-testid='gradient'][data-name='w']").get_attribute("data-grad") == repr(doc["gradients"]["w"])


def test_a_second_miss_gives_the_answer_and_pagedown_reveals_unmarked(open_page, page, api):
    doc = api("/api/examples/simple")
    v = forward_steps(doc)[1]
    open_page("/examples/simple?quiz=1&pass=forward&step=1")
    field = page.get_by_role("textbox", name=re.compile("answer", re.I))
    field.focus()
    answer(page, "3")
    page.keyboard.press("Control+A")
    said = answer(page, "4")
    assert said == f"Not yet. The answer is {shown(v['value'])}: {v['text']}. Press Enter to go on."
    assert frame(page) == ("forward", 1)
    page.keyboard.press("Enter")   # the answer on show: Enter goes on
    assert frame(page) == ("forward", 2)
    assert page.locator("[data-testid='quiz-score']").get_attribute("data-forward") == "0/1"
    assert "score=forward:-0" in written_url(page)
    # the lecturer's clicker: PageDown with focus on the page reveals, unmarked
    page.locator("body").focus()
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("PageDown")
    assert frame(page) == ("forward", 3)
    # and in the answer field PageDown still steps
    field.focus()
    page.keyboard.press("PageDown")
    assert frame(page) == ("forward", 4)
    assert page.locator("[data-testid='quiz-score']").get_attribute("data-forward") == "0/1"
    # the score survives a reload: it is the URL's
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("[data-testid='quiz-score']").text_content() == "Score: forward 0/1 · backward 0/0"


def test_quiz_pages_and_embeds_pass_axe(browser, server):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1024, "height": 768})
    page = context.new_page()
    for path in ("/examples/simple?quiz=1&pass=forward&step=1", "/embed/examples/simple?quiz=1&pass=backward&step=2"):
        page.goto(server + path)
        page.wait_for_selector("body[data-ready='1']")
        page.locator("[data-testid='quiz-answer']").fill("1")
        page.locator("[data-testid='quiz-answer']").press("Enter")
        assert page.locator("[data-testid='quiz-feedback']").text_content().startswith("Not yet")
        assert violations(page) == [], path
    context.close()


def test_a_640x360_embed_keeps_the_quiz_and_the_graph_usable(browser, server, artifacts):
    context = browser.new_context(viewport={"width": 640, "height": 360})
    page = context.new_page()
    page.goto(server + "/embed/examples/simple?quiz=1&pass=forward&step=1")
    page.wait_for_selector("body[data-ready='1']")
    field = page.get_by_role("textbox", name=re.compile("answer", re.I))
    expect(field).to_be_visible()
    box = field.bounding_box()
    assert box["y"] + box["height"] <= 360
    stage = page.locator("[data-testid='stage']").bounding_box()
    assert stage["height"] >= 120, stage   # the graph keeps a third of the frame
    assert page.evaluate("document.scrollingElement.scrollHeight") <= 360 + 1
    page.screenshot(path=artifacts / "quiz-embed-640x360.png")
    context.close()
