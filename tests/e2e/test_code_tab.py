"""The Code tab in a real browser (static/js/code_tab.js): each language's
script is what POST /api/code answers, its copy button puts exactly that on
the clipboard (the Clipboard API, and the fallback without it), the line of
the current step is highlighted, and an offline copy says it has no server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from test_accessibility import violations
from test_exports import offline, offline_simple  # noqa: F401 (fixtures)

LANGUAGES = ["numpy", "pytorch", "jax", "chainrule"]


@pytest.fixture
def clipboard_page(browser, server):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"], bypass_csp=True,
                                  viewport={"width": 1024, "height": 768})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == []
    context.close()


def open_code(page, url: str):
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_role("tab", name="Code").click()


def test_every_language_is_copied_as_the_api_writes_it(clipboard_page, server, api):
    page = clipboard_page
    open_code(page, server + "/examples/practical?pass=backward&step=7")
    for language in LANGUAGES:
        expected = api("/api/code", {"example": "practical", "language": language})
        page.locator(f"[data-testid='code-language-{language}']").click()
        code = page.locator(f"[data-testid='code-{language}']")
        expect(code).to_have_attribute("data-loaded", "1")
        assert code.text_content() == expected["code"] + "\n"
        page.get_by_role("button", name=f"Copy the {language} script").click()
        expect(page.locator("[data-testid='code-status']")).to_have_text(f"Copied the {language} script.")
        assert page.evaluate("navigator.clipboard.readText()") == expected["code"]
        # a training example's script trains as the course does
        assert "lr = 0.0001" in expected["code"] and '"trained"' in expected["code"]
        # the current step (backward 7: w's gradient complete) is the highlighted line
        block = page.locator(f"[data-testid='code-block-{language}']")
        want = expected["lines"]["backward"]["0"]
        expect(block).to_have_attribute("data-current-line", str(want))
        assert block.locator(".code-line.current").get_attribute("data-line") == str(want)
    # stepping moves the highlight: forward step 1 computes u (node 4)
    page.locator("[data-testid='code-language-numpy']").click()
    page.goto(server + "/examples/practical?pass=forward&step=1")
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_role("tab", name="Code").click()
    numpy = api("/api/code", {"example": "practical", "language": "numpy"})
    block = page.locator("[data-testid='code-block-numpy']")
    expect(block).to_have_attribute("data-current-line", str(numpy["lines"]["forward"]["4"]))
    assert "u = op_u.forward(w, x)" in block.locator(".code-line.current").text_content()
    assert violations(page) == []


def test_copy_falls_back_without_the_clipboard_api(clipboard_page, server, api):
    page = clipboard_page
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    source = "y = w*x + b"
    open_code(page, server + "/graph?source=y%20%3D%20w*x%20%2B%20b&values=w:2,x:3,b:1&data=x")
    expect(page.locator("[data-testid='code-numpy']")).to_have_attribute("data-loaded", "1")
    page.get_by_role("button", name="Copy the numpy script").click()
    expect(page.locator("[data-testid='code-status']")).to_have_text("Copied the numpy script.")
    expected = api("/api/code", {"source": source, "values": {"w": 2, "x": 3, "b": 1}, "data": ["x"],
                                 "labels": {}, "language": "numpy"})
    # read back through a page that has the API
    reader = page.context.new_page()
    reader.goto(server + "/")
    assert reader.evaluate("navigator.clipboard.readText()") == expected["code"]


def test_an_offline_copy_says_it_has_no_server(offline, offline_simple):
    page = offline
    page.goto(offline_simple.as_uri())
    page.wait_for_selector("body[data-ready='1']")
    page.get_by_role("tab", name="Code").click()
    expect(page.locator("[data-testid='code-status']")).to_contain_text("this copy has none")
    page.get_by_role("tab", name="Check gradients").click()
    page.get_by_role("button", name="Check this gradient").click()
    expect(page.locator("[data-testid='check-status']")).to_contain_text("this copy has none")
    assert page.errors == [] and page.remote == []
