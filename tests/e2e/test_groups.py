"""Issue 12 on the page: micrograd's MLP(2, [16, 16, 1]), published from
Python with engine.nn, opens readable (at most about 60 drawn nodes, no
text over another); a neuron opens in place, steps node by node backward
with the engine's gradients, and closes; the URL keeps the expanded set."""

from __future__ import annotations

import random
import re
from urllib.parse import parse_qs, urlparse

import pytest
from overlaps import overlaps
from steps import board_caught_up, written_url
from svg_texts import drawn_arrows

from engine import Value, build_document, publish
from engine.nn import MLP

DRAWN_LIMIT = 60
TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def network(server):
    random.seed(7)
    model = MLP(2, [16, 16, 1])
    loss = (model([Value(0.5, label="x0"), Value(-1.5, label="x1")]) - 1.0) ** 2
    loss.label = "ℓ"
    document = build_document(loss).with_group_steps()   # steps: the engine's rule, which the page derives
    # The engine's own backward pass, on the Values, for the parameters.
    model.zero_grad()
    loss.backward()
    saved = publish(loss, server)
    return model, document, saved["id"]


def live_neuron(document):
    """A neuron of the hidden layer that is active (a dead ReLU passes no gradient on)."""
    return next(g for g in document.groups if g.label.startswith("neuron 1.")
                and document.nodes[g.outputs[0]].grad != 0 and document.nodes[g.outputs[0]].value > 0)


def drawn_refs(page) -> list[str]:
    return page.eval_on_selector_all("svg.graph g.node", "(gs) => gs.map((g) => g.dataset.ref)")


def open_of(url: str) -> list[str]:
    return parse_qs(urlparse(url).query, keep_blank_values=True).get("open", [""])[0].split(",")


_CURRENT = """() => {
  const g = document.querySelector('svg.graph g.node.current');
  return g ? [g.dataset.ref, g.dataset.grad ?? null] : [null, null];
}"""


def step(page) -> tuple[str | None, str | None]:
    """One step forward (→, as a clicker sends it): the current node's ref and gradient."""
    page.keyboard.press("ArrowRight")
    return tuple(page.evaluate(_CURRENT))


def ready(page):
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("document.querySelector('svg.graph').dataset.measured === '1'")


def to_a_neurons_backward_step(open_page, page, document, graph_id):
    """The MLP as it opens, stepped backward to a live neuron's step (collapsed): that group."""
    open_page(f"/graphs/{graph_id}")
    ready(page)
    group = live_neuron(document)
    page.click('[data-testid="pass-backward"]')
    for _ in range(60):
        if step(page)[0] == f"g{group.id}":
            break
    board_caught_up(page)
    return group


def test_mlp_opens_readable_and_a_neuron_opens_steps_backward_and_closes(open_page, page, network, artifacts):
    model, document, graph_id = network
    assert len(document.nodes) > 900
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(f"/graphs/{graph_id}")
    ready(page)
    assert len(drawn_refs(page)) <= DRAWN_LIMIT
    assert overlaps(page) == []
    page.screenshot(path=str(artifacts / "groups-mlp-1024x768.png"))
    page.set_viewport_size({"width": 640, "height": 360})
    assert overlaps(page) == []
    page.screenshot(path=str(artifacts / "groups-mlp-640x360.png"))
    page.set_viewport_size({"width": 1024, "height": 768})

    # Open one neuron from the keyboard: its nodes are drawn in place of it.
    group = live_neuron(document)
    closed = drawn_refs(page)
    assert f"g{group.id}" in closed
    page.locator(f'[data-group-id="{group.id}"]').focus()
    page.keyboard.press("Enter")
    collapse = page.locator(f'[data-collapse-group="{group.id}"]')
    collapse.wait_for()
    opened = drawn_refs(page)
    assert f"g{group.id}" not in opened
    assert {str(m) for m in group.members} <= set(opened)
    assert str(group.id) in open_of(written_url(page))
    assert len(opened) == len(closed) - 1 + len(group.members)
    link = written_url(page)

    # Backward, node by node through the neuron: each gets the engine's gradient.
    page.click('[data-testid="pass-backward"]')
    members = {m for m in group.members if document.nodes[m].grad is not None}
    checked = set()
    for _ in range(len(opened) + 5):
        if checked == members:
            break
        ref, grad = step(page)
        ref = int(ref) if ref.isdigit() else None   # g36: a collapsed group's step
        if ref in members:
            shown = float(grad)
            truth = document.nodes[ref].grad
            assert abs(shown - truth) <= TOLERANCE * max(1.0, abs(truth)), document.nodes[ref].label
            checked.add(ref)
    assert checked == members
    # The neuron's parameters: the same numbers as the engine's backward() on the Values.
    neuron = model.layers[1].neurons[int(group.label.split(".")[1])]
    assert any(p.grad != 0 for p in neuron.parameters())
    for p in neuron.parameters():
        node = next(n for n in document.nodes if n.label == p.label)
        shown = float(page.locator(f'svg.graph g.node[data-ref="{node.id}"]').get_attribute("data-grad"))
        assert abs(shown - p.grad) <= TOLERANCE * max(1.0, abs(p.grad)), p.label
    page.screenshot(path=str(artifacts / "groups-neuron-open-backward.png"))

    # Close it with its frame's button (Space, as a button takes it): the picture it opened with.
    collapse.focus()
    page.keyboard.press(" ")
    page.locator(f'[data-group-id="{group.id}"]').wait_for()
    assert sorted(drawn_refs(page)) == sorted(closed)
    assert str(group.id) not in open_of(written_url(page))

    # The link taken while it was open opens the same picture.
    open_page(urlparse(link).path + "?" + urlparse(link).query)
    ready(page)
    assert sorted(drawn_refs(page)) == sorted(opened)


def test_a_collapsed_neuron_steps_once_each_pass_with_its_chain_rule(open_page, page, network):
    model, document, graph_id = network
    # Backward to the neuron's own step: its chain rule in the panel, one line per input.
    group = to_a_neurons_backward_step(open_page, page, document, graph_id)
    assert page.locator("svg.graph g.node.current").get_attribute("data-ref") == f"g{group.id}"
    flows = page.locator('[data-testid="flow"][data-group-flow]')
    texts = [flows.nth(k).get_attribute("aria-label") or flows.nth(k).inner_text() for k in range(flows.count())]
    expected = [f.text for f in group.steps.flows]
    assert sorted(texts) == sorted(expected)
    output = document.nodes[group.outputs[0]]
    assert page.locator("svg.graph g.node.current").get_attribute("data-grad") == repr(output.grad)


def test_expand_all_and_collapse_all(open_page, page, network):
    _, document, graph_id = network
    open_page(f"/graphs/{graph_id}")
    ready(page)
    page.click('[data-testid="collapse-all"]')
    # The MLP as one node (its inputs are its own), and the loss's nodes outside it.
    top = sorted([f"g{document.groups[0].id}"] + [str(n.id) for n in document.nodes if n.group is None])
    assert document.groups[0].label == "MLP"
    assert sorted(drawn_refs(page)) == top
    assert open_of(written_url(page)) == [""]
    page.reload()
    ready(page)
    assert sorted(drawn_refs(page)) == top
    page.click('[data-testid="expand-all"]')
    assert len(drawn_refs(page)) == len(document.nodes)


# What the graph shows: each drawn node's place, and each label and chip on
# show with its text and place (render.js writes places as attributes). The
# whole drawing, as an export asks for it: a big one makes an arrow's
# elements only when the view first comes near it (whole_drawing.js).
_PICTURE = """() => {
  const svg = document.querySelector('svg.graph');
  svg.dispatchEvent(new Event('chainrule:whole-drawing'));
  const shown = (t) => t.textContent.trim() !== '';
  const at = (el, a, b) => [el.getAttribute(a), el.getAttribute(b)];
  return {
    nodes: [...svg.querySelectorAll('g.node')].map((g) => {
      const shape = g.querySelector('.shape');
      return [g.dataset.ref, ...(shape.tagName === 'circle' ? at(shape, 'cx', 'cy') : at(shape, 'x', 'y'))];
    }).sort(),
    labels: [...svg.querySelectorAll('.labels > text')].filter(shown)
      .map((t) => [t.textContent, ...at(t, 'x', 'y'), t.getAttribute('text-anchor'), t.style.fontSize]).sort(),
    chips: [...svg.querySelectorAll('.chip text')]
      .map((t) => [t.textContent, ...at(t, 'x', 'y')]).sort(),
  };
}"""


def picture(page) -> dict:
    return page.evaluate(_PICTURE)


def test_a_neuron_opened_closed_and_opened_again_draws_what_its_link_draws(open_page, page, network):
    """Opening a group measures only its new labels (label_sizes.js keeps the
    others): the picture must be the one a fresh load of the link draws."""
    _, document, graph_id = network
    open_page(f"/graphs/{graph_id}")
    ready(page)
    closed = picture(page)
    group = live_neuron(document)
    page.locator(f'[data-group-id="{group.id}"]').focus()
    page.keyboard.press("Enter")
    collapse = page.locator(f'[data-collapse-group="{group.id}"]')
    collapse.wait_for()
    opened = picture(page)
    assert opened != closed and any(ref == str(group.members[0]) for ref, _, _ in opened["nodes"])
    link = urlparse(written_url(page))
    # Closed from the keyboard (focus went to the frame's ⊖), then opened again.
    expect_focused = page.evaluate("document.activeElement.dataset.collapseGroup")
    assert expect_focused == str(group.id)
    page.keyboard.press("Enter")
    page.locator(f'[data-group-id="{group.id}"]').wait_for()
    assert picture(page) == closed
    page.locator(f'[data-group-id="{group.id}"]').focus()
    page.keyboard.press("Enter")
    collapse.wait_for()
    assert picture(page) == opened
    open_page(f"{link.path}?{link.query}")
    ready(page)
    assert picture(page) == opened


def test_large_text_after_opening_a_neuron_measures_its_labels_anew(open_page, page, network):
    """The kept label widths are the normal text's: large text draws with its
    own, as a fresh load in large text does, and no text covers another."""
    _, document, graph_id = network
    open_page(f"/graphs/{graph_id}")
    ready(page)
    group = live_neuron(document)
    page.locator(f'[data-group-id="{group.id}"]').focus()
    page.keyboard.press("Enter")
    page.locator(f'[data-collapse-group="{group.id}"]').wait_for()
    normal = picture(page)
    page.click('[data-testid="big-text"]')
    page.wait_for_function("document.body.classList.contains('big')")
    ready(page)
    big = picture(page)
    assert [n for n in big["nodes"]] == normal["nodes"]   # the places of the nodes do not change
    assert big["labels"] != normal["labels"]
    assert overlaps(page) == []
    link = urlparse(written_url(page))
    assert "big=1" in link.query
    open_page(f"{link.path}?{link.query}")
    ready(page)
    assert picture(page) == big


def test_a_collapsed_neurons_flows_are_set_as_tex_sets_them_and_its_rule_in_katex(open_page, page, network):
    """A neuron's backward step lists over 30 flows. The step's chain rule is
    typeset by KaTeX; the flows are set from their text in plain spans
    (math_text.js): one-letter names in math italic, indices lowered, every
    character of the text on show; those below the list's fold when the page
    is idle. Stepping away and back shows the same."""
    _, document, graph_id = network
    group = to_a_neurons_backward_step(open_page, page, document, graph_id)
    assert page.locator('[data-testid="chain-rule"] .katex').count() == 1
    flows = page.locator('[data-testid="flow"][data-group-flow]')
    count = flows.count()
    assert count == len(group.steps.flows) > 8   # the rows past the fold too, made once idle
    shown = page.evaluate("""() => [...document.querySelectorAll('[data-group-flow]')].map((li) => ({
      label: li.getAttribute('aria-label'), text: li.textContent, katex: li.querySelectorAll('.katex').length,
      italic: [...li.querySelectorAll('.it')].map((s) => getComputedStyle(s).fontStyle),
      lowered: [...li.querySelectorAll('.sub')].map((s) => s.textContent) }))""")
    expected = {f.text for f in group.steps.flows}
    assert {flow["label"] for flow in shown} == expected
    for flow in shown:
        # The same characters, spaced as TeX spaces them; 1.5e−5 written 1.5 × 10⁻⁵ as KaTeX did.
        assert "".join(flow["text"].split()) == re.sub(r"(\d)e([−+]?\d+)", r"\1×10\2", "".join(flow["label"].split()))
        assert flow["katex"] == 0
        assert flow["italic"] and set(flow["italic"]) == {"italic"}
        assert flow["lowered"]   # w[0][3][0] → w with [0][3][0] lowered, u20 → u with 20 lowered
    labels = [flow["label"] for flow in shown]
    page.keyboard.press("ArrowRight")
    board_caught_up(page)
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(_CURRENT)[0] == f"g{group.id}"
    board_caught_up(page)
    assert [flows.nth(k).get_attribute("aria-label") for k in range(flows.count())] == labels


def test_the_gradients_box_lists_every_parameter_with_the_engines_gradient(open_page, page, network):
    """Parameters inside collapsed neurons are listed too, '?' until their
    group's backward step, then the engine's .grad, to the last bit."""
    model, document, graph_id = network
    open_page(f"/graphs/{graph_id}?pass=backward&step=0")
    ready(page)
    parameters = model.parameters()
    assert len(drawn_refs(page)) <= DRAWN_LIMIT < len(parameters)
    count = page.locator("[data-testid='grads-count']").inner_text()
    # The 337 parameters and the two inputs x0, x1 (Values: they get a .grad too).
    assert int(count) == len(document.gradients) == len(parameters) + 2
    rows = page.eval_on_selector_all("[data-testid='gradient']",
                                     "(lis) => lis.map((li) => [li.dataset.name, li.dataset.grad ?? null])")
    assert len(rows) == len(document.gradients) and all(grad is None for _, grad in rows)
    page.keyboard.press("End")   # the backward pass to its end: every group has stepped
    page.wait_for_function("(n) => document.querySelectorAll(\"[data-testid='gradient'][data-grad]\").length === n",
                           arg=len(document.gradients))
    shown = dict(page.eval_on_selector_all("[data-testid='gradient']",
                                           "(lis) => lis.map((li) => [li.dataset.name, li.dataset.grad])"))
    assert set(shown) == set(document.gradients)
    engine = {p.label: p.grad for p in parameters}   # micrograd-style .grad after loss.backward()
    for name, grad in shown.items():
        expected = engine.get(name, document.gradients[name])
        assert float(grad) == pytest.approx(expected, rel=TOLERANCE, abs=TOLERANCE), name


_OPEN_AND_COUNT = """(id) => {
  const group = document.querySelector(`[data-group-id="${id}"]`);
  group.focus();
  group.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  // Read in the same task as the key: before the browser first styles or lays out the new drawing.
  return [...document.querySelectorAll('svg.graph .edges path.edge-line:not(.stub)')]
    .filter((path) => path.style.display !== 'none').length;
}"""

_ARROWS_AND_VIEW = """() => {
  const svg = document.querySelector('svg.graph');
  const t = svg.querySelector('g.viewport').transform.baseVal.consolidate().matrix;
  const view = [-t.e / t.a, -t.f / t.a, (svg.clientWidth - t.e) / t.a, (svg.clientHeight - t.f) / t.a];
  const arrows = [...svg.querySelectorAll('.edges path.edge-line:not(.stub)')].map((path) => {
    const xy = path.getAttribute('d').match(/-?[0-9.]+/g).map(Number);
    const points = [];
    for (let k = 0; k + 1 < xy.length; k += 2) points.push([xy[k], xy[k + 1]]);
    return { id: path.dataset.edgeId, shown: path.style.display !== 'none', points };
  });
  return { view, arrows };
}"""


# Until the view has stopped moving (a glide) and the culling has followed
# it (on the frame after each move); `whole`: until nothing is hidden too.
_SETTLED = """async (whole) => {
  const svg = document.querySelector('svg.graph');
  const frame = () => new Promise((done) => { requestAnimationFrame(done); });
  for (let last = null; ;) {
    await frame();
    await frame();
    const now = svg.querySelector('g.viewport').getAttribute('transform');
    if (now === last && !(whole && svg.querySelector('.edges path.edge-line[style*="display: none"]'))) return;
    last = now;
  }
}"""


def test_an_opened_neuron_makes_and_lays_out_only_the_arrows_near_the_view_and_every_group_stays_focusable(
        open_page, page, network):
    """An opened neuron of the MLP has some 350 arrows, most of them far
    outside the view. Their elements are made only when the view first comes
    near them, and taken out of style and layout (display: none) when it
    leaves (render.js cullGraph). Nodes are not culled in a drawing of under
    200 nodes: every collapsed group stays a button that Tab and a click reach."""
    _, document, graph_id = network
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(f"/graphs/{graph_id}")
    ready(page)
    group = live_neuron(document)
    shown_at_once = page.evaluate(_OPEN_AND_COUNT, group.id)
    page.locator(f'[data-collapse-group="{group.id}"]').wait_for()
    page.evaluate(_SETTLED, False)   # the view may glide to the opened neuron; culling follows a frame later
    drawn = page.evaluate(_ARROWS_AND_VIEW)
    x0, y0, x1, y1 = drawn["view"]
    inside = lambda p: x0 <= p[0] <= x1 and y0 <= p[1] <= y1  # noqa: E731
    shown = {a["id"] for a in drawn["arrows"] if a["shown"]}
    # Every collapsed group can take the focus: none is culled.
    focusable = page.eval_on_selector_all("svg.graph [data-group-id]", """(groups) => groups.map((g) => {
      g.focus();
      return document.activeElement === g;
    })""")
    assert len(focusable) > 10 and all(focusable)
    # The whole graph in view: every arrow is made, and shown.
    page.click('[data-testid="fit"]')
    page.evaluate(_SETTLED, True)
    every = page.evaluate(_ARROWS_AND_VIEW)["arrows"]
    assert len({a["id"] for a in every}) == len(every) > 300
    assert 0 < shown_at_once < len(every) / 2, (shown_at_once, len(every))
    assert 0 < len(shown) < len(every) / 2
    assert not any(inside(p) for a in every if a["id"] not in shown for p in a["points"])
    assert any(inside(p) for a in every if a["id"] in shown for p in a["points"])


def test_the_svg_of_the_collapsed_mlp_has_every_arrow_the_view_never_reached(open_page, page, network, tmp_path):
    """The export draws the whole graph, whatever the zoom: the arrows a big
    drawing has not made yet (far from the view) are made for it."""
    _, _, graph_id = network
    page.set_viewport_size({"width": 1024, "height": 768})
    open_page(f"/graphs/{graph_id}")
    ready(page)
    count = "() => document.querySelectorAll('svg.graph .edges path.edge-line:not(.stub)').length"
    made_before = page.evaluate(count)
    with page.expect_download() as info:
        page.click("[data-export='download-svg']")
    exported = drawn_arrows(info.value.path().read_text(encoding="utf-8"))
    made_after = page.evaluate(count)
    assert made_before < made_after == len(exported), (made_before, made_after, len(exported))
    assert len(set(exported)) == len(exported)
    # What the view did not reach stays out of style and layout on the page.
    assert page.evaluate("() => document.querySelectorAll('svg.graph .edges path.edge-line[style*=\"display: none\"]').length") > 0


# The board's text as a reader gets it: the caption, the chain rule's TeX, every flow.
_BOARD = """() => ({
  caption: document.querySelector("[data-testid='step-caption']").textContent,
  rule: document.querySelector("[data-testid='chain-rule']").textContent,
  flows: [...document.querySelectorAll("[data-testid='flow']")].map((li) => li.getAttribute('aria-label')),
  grads: [...document.querySelectorAll("[data-testid='gradient']")].map((li) => li.textContent),
})"""

def board_its_link_opens(open_page, page) -> dict:
    """The board (_BOARD) that the page's address shows when opened afresh."""
    link = written_url(page)
    open_page(link.removeprefix(link.split("/graphs/")[0]))
    ready(page)
    board_caught_up(page)
    return page.evaluate(_BOARD)


# Keys in bursts within single tasks, as a held key and a clicker's double press
# send them, with the drawing regrouped between: the board's parts wait their
# frames (static/js/view.js) while newer steps and a new drawing come.
_BURSTS = """async () => {
  const press = (n) => { for (let k = 0; k < n; k += 1) document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })); };
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  press(9);
  await frame();
  press(3);
  document.querySelector("[data-testid='collapse-all']").click();
  press(2);
  await frame();
  press(4);
  document.querySelector("[data-testid='expand-all']").click();
  await frame();
  press(5);
}"""


def test_the_board_after_bursts_of_steps_and_regroupings_is_the_board_its_link_opens(open_page, page, network):
    """A big drawing sets its board a part a frame after its graph. After
    bursts of steps, with every group opened and closed between them, the
    board settles on what the same link shows when opened afresh: no part
    keeps a step the player left, or the drawing before a regrouping."""
    _, document, graph_id = network
    open_page(f"/graphs/{graph_id}?pass=backward&step=0")
    ready(page)
    page.evaluate(_BURSTS)
    board_caught_up(page)
    settled = page.evaluate(_BOARD)
    assert settled["flows"] and settled["rule"] and len(settled["grads"]) == len(document.gradients)
    assert board_its_link_opens(open_page, page) == settled


# A held key: ten steps, a key each other frame; after each, the caption,
# the chain rule and whether a board part waits.
_HOLD = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
  const seen = [];
  for (let k = 0; k < 10; k += 1) {
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    await frame();
    await frame();
    seen.push({
      step: Number(document.querySelector("[data-testid='step-caption']").dataset.step),
      rule: document.querySelector("[data-testid='chain-rule']").textContent,
      waiting: document.querySelector('[data-board-waiting]') !== null,
      scrub: document.querySelector('svg.graph').hasAttribute('data-scrubbing'),
    });
  }
  return seen;
}"""


def test_a_held_key_moves_the_caption_and_sets_the_board_once_it_rests(open_page, page, network):
    """Through the collapsed MLP, a held key is a scrub (motion.js): the
    caption follows every step, the rest of the board stays as it was until
    the keys rest (view.js), then shows what the same link shows."""
    _, document, graph_id = network
    open_page(f"/graphs/{graph_id}?pass=backward&step=3")
    ready(page)
    board_caught_up(page)
    seen = page.evaluate(_HOLD)
    assert [s["step"] for s in seen] == list(range(4, 14))
    # The first key is no scrub: its board came two frames later. A key is a
    # scrub when it comes within 200 ms of the last; on a loaded machine two
    # frames may take longer, and that key's board is then set as a step's.
    held = [(before, now) for before, now in zip(seen, seen[1:]) if now["scrub"]]
    assert len(held) >= 5, seen
    assert all(now["waiting"] and now["rule"] == before["rule"] for before, now in held), seen
    board_caught_up(page)
    settled = page.evaluate(_BOARD)
    assert "step 13 of" in settled["caption"].lower()
    if seen[-1]["scrub"]:
        assert settled["rule"] != seen[-1]["rule"]   # set once the keys rested
    assert board_its_link_opens(open_page, page) == settled


# Back to the step before a neuron's, then to the neuron's again and, in the
# frame that sets its board (two frames after the key: static/js/view.js),
# every group opened: the neuron's flows past the fold are still to be made
# when the page is idle.
_REGROUP_AS_FLOWS_COME = """async () => {
  const press = (key) => document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  const frames = (n) => new Promise((done) => {
    const next = (k) => requestAnimationFrame(() => (k > 1 ? next(k - 1) : done()));
    next(n);
  });
  press('ArrowLeft');
  await frames(15);   // the board of the step before; and the next key is no scrub (motion.js: 200 ms)
  press('ArrowRight');
  await frames(2);
  const busy = document.querySelector("[data-testid='flows']").getAttribute('aria-busy');
  document.querySelector("[data-testid='expand-all']").click();
  return busy;
}"""


def test_a_regrouping_while_a_neurons_flows_come_shows_the_new_drawings_flows_only(open_page, page, network):
    """The flows past the fold of a collapsed neuron's step are made when the
    page is idle. Opening every group before they are in draws a new board:
    it must hold the new drawing's flows alone, as its link shows them."""
    _, document, graph_id = network
    to_a_neurons_backward_step(open_page, page, document, graph_id)
    assert page.evaluate(_REGROUP_AS_FLOWS_COME) == "true"   # the regrouping came while rows were due
    board_caught_up(page)
    page.wait_for_timeout(200)   # idle time in which a stale row would land
    settled = page.evaluate(_BOARD)
    assert board_its_link_opens(open_page, page) == settled
