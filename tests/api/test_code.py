"""POST /api/code: the scripts run, print one JSON line, and agree with the
document (numpy to 1e-9 relative, or 1e-9 absolute below 1; chainrule's own
Value exactly), for every course example and for random expressions; the
training loops end where engine.training ends. PyTorch and JAX scripts run
only where those packages are installed (CI does not install them)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import load_examples
from engine.document_codec import expand
from engine.training import Trainer, spec_from_example
from random_expressions import NAMES, expressions

EXAMPLES = load_examples()
LANGUAGES = ["numpy", "pytorch", "jax", "chainrule"]
INSTALLED = {"numpy": True, "chainrule": True,
             "pytorch": importlib.util.find_spec("torch") is not None,
             "jax": importlib.util.find_spec("jax") is not None}
EXACT = {"chainrule"}  # the same Value ops in the same order: the same floats
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def run(code: str) -> dict:
    """Run a script as a student would; it must print exactly one JSON line."""
    # On stdin, not as `-c CODE`: an argument holds 128 KiB at most, and the
    # script of micrograd's 1,000-node MLP is longer.
    done = subprocess.run([sys.executable, "-"], input=code, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().split("\n")
    assert len(lines) == 1, done.stdout[:500]
    return json.loads(lines[0])


def agree(actual: float, expected: float, exact: bool, what: str):
    if exact:
        assert actual == expected, f"{what}: {actual!r} vs {expected!r}"
    else:
        assert abs(actual - expected) <= 1e-9 * max(1.0, abs(expected)), \
            f"{what}: {actual!r} vs {expected!r}"


def compare(printed: dict, document: dict, language: str):
    exact = language in EXACT
    agree(printed["value"], document["value"], exact, "value")
    assert set(printed["gradients"]) == set(document["gradients"])
    for name, grad in document["gradients"].items():
        agree(printed["gradients"][name], grad, exact, f"d/d{name}")


def skip_unless_installed(language: str):
    if not INSTALLED[language]:
        pytest.skip(f"{language} is not installed here")


def code(client, **body) -> str:
    response = client.post("/api/code", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["language"] == body["language"]
    return answer["code"]


# --- the course examples, with their training loops -----------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", list(EXAMPLES))
def test_every_example_s_script_prints_the_document_s_value_and_gradients(client, slug,
                                                                         language):
    skip_unless_installed(language)
    script = code(client, example=slug, language=language)
    printed = run(script)
    compare(printed, client.get(f"/api/examples/{slug}").json(), language)
    example = EXAMPLES[slug]
    if not example.training:
        assert "trained" not in printed
        return
    parsed = example.parse()
    params = [n for n, v in parsed.inputs.items() if v.requires_grad]
    final = Trainer(parsed, params, example.data).train(
        spec_from_example(example.training)).final
    assert set(printed["trained"]) == set(final)
    # SGD on Values is engine.training's own arithmetic; a full batch sums in
    # another order (np.sum pairs terms), and other libraries round otherwise:
    # the trained values drift by rounding only, 1e-9 over 50,000 steps
    exact = language in EXACT and example.training.get("optimizer", "sgd") == "sgd"
    for name, value in final.items():
        agree(printed["trained"][name], value, exact, f"trained {name}")


def test_the_scripts_use_the_source_s_names_and_the_languages_own_idioms(client):
    simple = {lang: code(client, example="simple", language=lang) for lang in LANGUAGES}
    for language, script in simple.items():
        assert "#     l = (y - ystar)^2" in script  # the source, in the header
    assert "def forward(w, x, b, ystar):\n    u = w * x\n    v = u + b\n" in simple["pytorch"]
    assert "    y = torch.exp(v)\n    l = (y - ystar) ** 2\n" in simple["pytorch"]
    assert "requires_grad=True" in simple["pytorch"] and "l.backward()" in simple["pytorch"]
    assert "w.grad.item()" in simple["pytorch"]
    assert "    y = jnp.exp(v)\n" in simple["jax"] and "jax.grad(forward, argnums=(0, 2))" \
        in simple["jax"]
    assert "    y = v.exp()\n" in simple["chainrule"] and "from engine import Value" \
        in simple["chainrule"]
    # numpy: each op a class, its backward right after its forward, from the registry
    assert ("class Exp:\n    def forward(self, a):\n        self.o = np.exp(a)\n"
            "        return self.o\n\n    def backward(self, grad):\n        o = self.o\n"
            "        return o * grad\n") in simple["numpy"]
    assert "    grad_u, grad_b = op_v.backward(grad_v)\n" in simple["numpy"]
    trained = code(client, example="practical", language="pytorch")
    assert "optimizer = torch.optim.SGD([w, b], lr=lr)" in trained
    assert "lr = 0.0001" in trained and "integers(0, len(x_data), 5000)" in trained
    gd = code(client, example="linear-regression", language="numpy")
    assert "for epoch in range(10):" in gd and "w1 = w1 - lr * np.sum(grad_w1)" in gd


# --- any source -------------------------------------------------------------------

SPECIAL = [
    ("np = 1.5\nsum = 2\nprint = np*sum + sum", {}, []),   # names the scripts use
    ("Exp = 1.5\nMultiply = 2\nforward = Exp*Multiply + exp(Exp)", {}, []),
    ("exp(2) * w + log(3)", {"w": 0.5}, []),                 # ops of constants alone
    ("h = w*w\nh*h + w", {"w": 1.5}, []),                    # fan-out, x*x
    ("w", {"w": 2.0}, []),                                   # the output is an input
    ("relu(w - 1) + abs(w) + sigmoid(w) + softplus(w) - log1p(w) + sqrt(w) / tan(w)",
     {"w": 0.75}, []),
    ("w ^ 3 + 2 ^ w + w ^ (x + 1) - -w", {"w": 1.25, "x": 0.5}, ["x"]),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("source, values, data", SPECIAL)
def test_awkward_sources_run_in_every_language(client, language, source, values, data):
    skip_unless_installed(language)
    script = code(client, source=source, values=values, data=data, language=language)
    document = client.post("/api/graph", json={"source": source, "values": values,
                                               "data": data}).json()
    compare(run(script), document, language)


def sources():
    return st.tuples(expressions(), st.sets(st.sampled_from(NAMES)))


@pytest.mark.parametrize("language", ["numpy", "chainrule"])
@settings(max_examples=25, **SETTINGS)
@given(drawn=sources())
def test_random_expressions_agree_with_the_document(client, language, drawn):
    check_random(client, language, drawn)


@pytest.mark.parametrize("language", ["pytorch", "jax"])
@settings(max_examples=8, **SETTINGS)
@given(drawn=sources())
def test_random_expressions_agree_in_the_libraries_where_installed(client, language, drawn):
    skip_unless_installed(language)
    check_random(client, language, drawn)


def check_random(client, language, drawn):
    body, data = drawn
    used = [n for n in NAMES if re.search(rf"\b{n}\b", body)]
    request = {"source": body, "values": {n: 0.25 * (i + 1) for i, n in enumerate(used)},
               "data": [n for n in used if n in data]}
    document = client.post("/api/graph", json=request).json()
    compare(run(code(client, language=language, **request)), document, language)


# --- errors ---------------------------------------------------------------------------

def test_bad_requests_get_the_one_error_body(client):
    unknown = client.post("/api/code", json={"source": "x", "language": "fortran"})
    assert unknown.status_code == 422 and "language" in unknown.json()["detail"]["message"]
    nothing = client.post("/api/code", json={"language": "numpy"})
    assert nothing.status_code == 422
    assert "give a source or an example" in nothing.json()["detail"]["message"]
    bad = client.post("/api/code", json={"source": "u = w*\n", "values": {},
                                         "language": "numpy"})
    assert bad.status_code == 422 and bad.json()["detail"]["line"] == 1
    missing = client.post("/api/code", json={"example": "nope", "language": "jax"})
    assert missing.status_code == 404


# --- where each step is in the code (for the page's Code tab) ---------------------------

@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", ["simple", "challenge-2", "linear-regression"])
def test_every_step_has_its_line(client, slug, language):
    answer = client.post("/api/code", json={"example": slug, "language": language}).json()
    lines = answer["code"].split("\n")
    document = expand(client.get(f"/api/examples/{slug}").json())
    forward = {int(k): v for k, v in answer["lines"]["forward"].items()}
    backward = {int(k): v for k, v in answer["lines"]["backward"].items()}
    assert sorted(forward) == [n["id"] for n in document["nodes"] if n["kind"] == "op"]
    assert sorted(backward) == [n["id"] for n in document["nodes"] if n["grad"] is not None]
    for node in document["nodes"]:
        if node["name"] and node["kind"] == "op":  # a named node's own line computes it
            assert lines[forward[node["id"]] - 1].startswith(f"    {node['name']} = ")
    if language == "numpy":  # the line where the node's gradient is complete names it
        for node in document["nodes"]:
            if node["name"] and node["grad"] is not None:
                assert f"grad_{node['name']}" in lines[backward[node["id"]] - 1]
    else:  # the library's one backward call
        assert len(set(backward.values())) == 1
        assert re.search(r"\.backward\(\)|jax\.grad\(", lines[next(iter(backward.values())) - 1])
