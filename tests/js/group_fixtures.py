"""Grouped documents for tests/js/group_view.test.mjs, made by the engine at
test time: micrograd's MLP(2, [16, 16, 1]) on one sample (engine.nn), a
small MLP, and expressions with named intermediates. JSON on stdout."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine import Value, build_document, document_of_parsed, parse  # noqa: E402
from engine.nn import MLP  # noqa: E402


def mlp(sizes: list[int], seed: int) -> str:
    random.seed(seed)
    model = MLP(2, sizes)
    loss = (model([Value(0.5, label="x0"), Value(-1.5, label="x1")]) - 1.0) ** 2
    return build_document(loss).to_json()


documents = {
    "mlp-16-16-1": mlp([16, 16, 1], 1),
    "mlp-3-2-1": mlp([3, 2, 1], 2),
    "neuron": document_of_parsed(parse("h3 = tanh(a3*x + c3)\no = v3*h3 + b",
                                       {"a3": 0.5, "x": 2, "c3": -0.3, "v3": 1.5, "b": 0.1})).to_json(),
}
print(json.dumps({name: json.loads(text) for name, text in documents.items()}))
