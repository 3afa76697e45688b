"""What the JavaScript unit tests need from the app, made at test time by
the app itself (so it cannot drift from it): run by tests/js/support.mjs.

    python tests/js/fixtures.py          JSON on stdout: the URL-state table
                                          of each page (as the page holds it)
                                          and the document of every course
                                          example and a few expressions
    python tests/js/fixtures.py decode   reads [{"keys", "query"}] on stdin and
                                          answers the states app/url_state.py
                                          decodes (to check both sides agree)
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, quote

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# Expressions beyond the course's: a node used twice, a data input, a long chain, inf and nan.
EXPRESSIONS = {
    "used-twice": {"source": "y = x*x + x", "values": {"x": 3}},
    "with-data": {"source": "l = (w*x - t)^2", "values": {"w": -1.5, "x": 2, "t": 0.25},
                  "data": ["x", "t"]},
    "chain": {"source": "a = sin(x)\nb = a*a\nc = exp(b) - log(x)\nd = tanh(c)*c", "values": {"x": 0.7}},
    "overflow": {"source": "y = exp(w) * log(x)", "values": {"w": 1000, "x": -1}},
}



def python_graphs() -> dict:
    """Graphs made in Python, as a lecturer does after the slides: micrograd's
    MLP (engine.nn) with its nested groups, on one sample."""
    import random

    from engine import Value, build_document
    from engine.nn import MLP

    random.seed(3)
    model = MLP(2, [4, 4, 1])
    out = model([Value(0.5, label="x0", requires_grad=False), Value(-1.0, label="x1", requires_grad=False)])
    return {"mlp-2-4-4-1": json.loads(build_document(out, title="MLP(2, [4, 4, 1])").to_json())}


PAGES = {  # the page whose table each test uses, by name
    "home": "/",
    "example": "/examples/simple",
    "graph": "/graph?source=y%20%3D%202*x&values=x:1",
    "embed": "/embed/examples/simple",
    "train-practical": "/examples/practical/train",
    "train-regression": "/examples/linear-regression/train",
    "train-source": "/graph/train?source=" + quote("l = (a*x + c - y)^2") + "&values=a:0.5,c:2&data=x,y",
}


def table_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="url-state">(.*?)</script>', html, re.S)
    assert match, "the page has no url-state block"
    return json.loads(match.group(1))


def make() -> dict:
    warnings.simplefilter("ignore")   # the test client's notices are not the tests' output
    from fastapi.testclient import TestClient

    from app.config import Settings
    from app.main import create_app

    with tempfile.TemporaryDirectory() as folder, \
            TestClient(create_app(Settings(database=Path(folder) / "graphs.db"))) as client:
        tables = {name: table_of(client.get(path).text) for name, path in PAGES.items()}
        documents = {summary["slug"]: client.get(f"/api/examples/{summary['slug']}").json()
                     for summary in client.get("/api/examples").json()}
        for name, body in EXPRESSIONS.items():
            answer = client.post("/api/graph", json=body)
            assert answer.status_code == 200, answer.text
            documents[name] = answer.json()
    documents.update(python_graphs())
    return {"tables": tables, "documents": documents}


def decode_cases(cases: list[dict]) -> list[dict]:
    from app.url_state import Key, decode

    def key_of(data: dict) -> Key:
        return Key(**{name: tuple(value) if isinstance(value, list) and name != "default" else value
                      for name, value in data.items()})

    return [decode([key_of(k) for k in case["keys"]],
                   dict(parse_qsl(case["query"], keep_blank_values=True))) for case in cases]


if __name__ == "__main__":
    if sys.argv[1:] == ["decode"]:
        json.dump(decode_cases(json.load(sys.stdin)), sys.stdout)
    else:
        json.dump(make(), sys.stdout)
