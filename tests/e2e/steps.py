"""What the browser tests read off the page, through its data-* attributes."""

from __future__ import annotations

from engine.document_codec import expand


def shown(x: float) -> str:
    """A number as the page writes it: 4 significant digits, U+2212 minus."""
    text = f"{x:.4g}"
    if "e" in text:
        raise ValueError("no exponents in these tests")
    return text.replace("-", "−")


def written_url(page) -> str:
    """The page's address once the player has written it: a step's state is
    written after the frame that shows it (static/js/state.js). The store
    schedules its write before this wait's, and timers of one delay run in
    order."""
    return page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(() => done(location.href), 0)))")


# A big drawing sets its board's parts a few frames after its graph, the
# player data-board-waiting meanwhile (static/js/view.js), and a long list of
# flows is busy until its rows below the fold are in (panel.js).
_BOARD_SHOWS_THE_STEP = """() => {
  const caption = document.querySelector("[data-testid='step-caption']");
  const scrubber = document.querySelector("[data-testid='scrubber']");
  return Boolean(caption && scrubber) && !document.querySelector("[data-board-waiting], [data-testid='flows'][aria-busy]")
    && scrubber.getAttribute('aria-valuetext') === `${caption.dataset.pass} pass, step ${caption.dataset.step}`;
}"""


def board_caught_up(page) -> None:
    """Wait until the board (chain rule, flows, gradients) shows the step the
    player is at, every flow in."""
    page.wait_for_function(_BOARD_SHOWS_THE_STEP)


def frame(page) -> tuple[str, int]:
    board_caught_up(page)
    caption = page.locator("[data-testid='step-caption']")
    return caption.get_attribute("data-pass"), int(caption.get_attribute("data-step"))


def node_attr(page, node_id: int, name: str) -> str | None:
    return page.locator(f"g.node[data-node-id='{node_id}']").get_attribute(name)


def label_text(page, node_id: int, kind: str = "label") -> str:
    """The text on the arrow(s) leaving a node (or the output's arrow):
    kind "label" is the name and value, "grad" the gradient."""
    texts = page.locator(f"text[data-{kind}-for='{node_id}']").all_text_contents()
    return " | ".join(texts)


def forward_steps(document: dict) -> list[dict]:
    return [s for s in expand(document)["steps"] if s["pass"] == "forward"]


def backward_steps(document: dict) -> list[dict]:
    return [s for s in expand(document)["steps"] if s["pass"] == "backward"]
