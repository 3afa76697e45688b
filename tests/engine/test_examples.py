"""The course examples: data files that parse, with gradients equal to the
closed forms on the slides."""

import math

import pytest

from engine import load_examples
from engine.examples import ExampleError, load_example

EXAMPLES = load_examples()
EXACT = dict(rel=1e-12, abs=0.0)  # closed forms differ only by float rounding


def run(slug):
    example = EXAMPLES[slug]
    graph = example.parse()
    graph.output.backward()
    return example.values, {name: node.grad for name, node in graph.inputs.items()}, graph


def test_the_course_examples_in_course_order():
    assert list(EXAMPLES) == ["simple", "add-bias", "practical", "challenge-1",
                              "challenge-2", "linear-regression", "challenge-2-solution",
                              "neuron", "layer", "moons-mlp"]
    for example in EXAMPLES.values():
        assert example.title and example.description and example.source


@pytest.mark.parametrize("slug", ["simple", "practical"])
def test_exp_loss_matches_the_slides(slug):
    """∂ℓ/∂w = 2(y − y*)·y·x and ∂ℓ/∂b = 2(y − y*)·y with y = exp(wx + b)."""
    v, grads, graph = run(slug)
    y = math.exp(v["w"] * v["x"] + v["b"])
    assert graph.output.data == pytest.approx((y - v["ystar"]) ** 2, **EXACT)
    assert grads["w"] == pytest.approx(2 * (y - v["ystar"]) * y * v["x"], **EXACT)
    assert grads["b"] == pytest.approx(2 * (y - v["ystar"]) * y, **EXACT)
    assert grads["x"] == 0.0 and grads["ystar"] == 0.0  # data: no gradient


def test_simple_has_the_slides_numbers():
    _, grads, graph = run("simple")
    names = graph.names
    assert names["u"].data == 0.25 and names["v"].data == 2.25
    assert grads["w"] == pytest.approx(80.5293954641633, rel=1e-12)
    assert grads["b"] == pytest.approx(161.0587909283266, rel=1e-12)


def test_add_bias():
    v, grads, _ = run("add-bias")
    assert grads["b"] == pytest.approx(2 * (v["x"] + v["b"] - v["zt"]), **EXACT)


def test_challenge_1():
    v, grads, _ = run("challenge-1")
    y = math.exp(v["w"] * math.cos(v["x"]) + v["b"])
    assert grads["w"] == pytest.approx(2 * (y - v["ystar"]) * y * math.cos(v["x"]), **EXACT)
    assert grads["b"] == pytest.approx(2 * (y - v["ystar"]) * y, **EXACT)


def test_challenge_2_cos_chain():
    """s = p·x, t = cos s, u = w·t, v = u + b, y = exp v: v′ = 2(y − y*)·y,
    w′ = v′·t, t′ = v′·w, s′ = t′·(−sin s), p′ = s′·x."""
    v, grads, _ = run("challenge-2")
    s = v["p"] * v["x"]
    t = math.cos(s)
    y = math.exp(v["w"] * t + v["b"])
    v_prime = 2 * (y - v["ystar"]) * y
    assert grads["b"] == pytest.approx(v_prime, **EXACT)
    assert grads["w"] == pytest.approx(v_prime * t, **EXACT)
    assert grads["p"] == pytest.approx(v_prime * v["w"] * -math.sin(s) * v["x"], **EXACT)


def test_linear_regression():
    v, grads, _ = run("linear-regression")
    error = v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"] - v["y"]
    assert grads["w1"] == pytest.approx(2 * error * v["x1"], **EXACT)
    assert grads["w2"] == pytest.approx(2 * error * v["x2"], **EXACT)
    assert grads["b"] == pytest.approx(2 * error, **EXACT)


@pytest.mark.parametrize("text,line,reason", [
    ('slug = "a"\ntitle = "t"\nsource = "x"\n[values\n', 4, "line 4"),
    ('slug = "a"\ntitle = "t"\n[values]\nx = 1\n', 1, "'source' is missing"),
    ('slug = "A b"\ntitle = "t"\nsource = "x"\n[values]\nx = 1\n', 1, "slug"),
    ('slug = "a"\ntitle = "t"\nsource = "x"\n[values]\nx = "one"\n', 5, "not a number"),
    ('slug = "a"\ntitle = "t"\nsource = """\nx +\n"""\n[values]\nx = 1\n', 4,
     "syntax error"),
    ('slug = "a"\ntitle = "t"\nsource = "x"\n[values]\nx = 1\n[labels]\nx = 3\n', 6,
     "labels map names to text"),
    ('slug = "a"\ntitle = "t"\nsource = "x"\ndata = "x"\n[values]\nx = 1\n', 4,
     "data is a list"),
])
def test_malformed_example_files_say_file_line_and_reason(tmp_path, text, line, reason):
    path = tmp_path / "lecture.toml"
    path.write_text(text)
    with pytest.raises(ExampleError) as caught:
        load_example(path)
    assert caught.value.path == str(path)
    assert caught.value.line == line and reason in str(caught.value)


def test_neuron_has_the_lectures_numbers():
    """micrograd's lecture: o = tanh(n) = 0.7071, do/dn = 0.5, w1′ = 1 (x1, x2 are data here)."""
    _, grads, graph = run("neuron")
    assert graph.output.data == pytest.approx(math.sqrt(0.5), rel=1e-12)
    assert grads == pytest.approx({"x1": 0.0, "w1": 1.0, "x2": 0.0, "w2": 0.0, "b": 0.5},
                                  rel=1e-12, abs=1e-15)


def test_layer_sums_three_contributions_into_each_input():
    """s = h0 + h1 + h2: b_j′ = 1 − h_j², w_ji′ = b_j′·x_i, x_i′ = Σ_j b_j′·w_ji."""
    v, grads, graph = run("layer")
    h = [math.tanh(v[f"w{j}0"] * v["x0"] + v[f"w{j}1"] * v["x1"] + v[f"b{j}"]) for j in range(3)]
    assert graph.output.data == pytest.approx(sum(h), **EXACT)
    local = [1 - h[j] ** 2 for j in range(3)]
    for j in range(3):
        assert grads[f"b{j}"] == pytest.approx(local[j], **EXACT)
        assert grads[f"w{j}1"] == pytest.approx(local[j] * v["x1"], **EXACT)
    assert grads["x0"] == pytest.approx(sum(local[j] * v["w{}0".format(j)] for j in range(3)), **EXACT)
    assert len(EXAMPLES["layer"].document().nodes) <= 30   # fitted whole in any slide frame


def test_moons_mlp_computes_what_engine_nn_computes():
    """The generated source against engine.nn.MLP with micrograd's seed, on
    the same sample: the same loss and gradients, to the last bit (the same
    operations in the same order)."""
    import random

    from engine.examples.moons import SAMPLE, SEED, make_moons
    from engine.nn import MLP

    example = EXAMPLES["moons-mlp"]
    graph = example.parse()
    graph.output.backward()
    random.seed(SEED)
    model = MLP(2, [16, 16, 1])
    points, labels = make_moons()
    assert (example.values["x0"], example.values["x1"]) == tuple(points[SAMPLE])
    score = model([float(points[SAMPLE][0]), float(points[SAMPLE][1])])
    loss = (1 + -float(labels[SAMPLE]) * score).relu()
    loss.backward()
    assert graph.output.data == loss.data
    by_label = {p.label: p for p in model.parameters()}
    assert len(by_label) == 337
    for name, node in graph.inputs.items():
        label = example.labels.get(name, name)
        if label in by_label:
            assert node.data == by_label[label].data, label
            assert node.grad == by_label[label].grad, label
    assert len(example.document().nodes) > 900   # micrograd's demo size: about 1,000 nodes
