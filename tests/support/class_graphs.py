"""The graphs of a class (issue 11's waves): a 2-hidden-1 network as a
form, a 2,000-node graph, and the /graph link of a form. bench/classroom.py
sends them; the admission tests check their estimated cost."""

from __future__ import annotations

import random
from urllib.parse import urlencode


def mlp(hidden: int, seed: int = 0) -> dict:
    """A 2-hidden-1 tanh network with its loss as an expression (form fields)."""
    rng = random.Random(seed)
    lines = [f"h{j} = tanh(w{j}a*x1 + w{j}b*x2 + b{j})" for j in range(hidden)]
    lines.append("p = " + " + ".join(f"v{j}*h{j}" for j in range(hidden)) + " + c")
    lines.append("l = (p - y)^2")
    values = {"x1": 0.5, "x2": -1.0, "y": 1.0, "c": 0.1}
    for j in range(hidden):
        for name in (f"w{j}a", f"w{j}b", f"b{j}", f"v{j}"):
            values[name] = round(rng.uniform(-1, 1), 3)
    return {"source": "\n".join(lines), "values": values, "data": ["x1", "x2", "y"]}


def big_graph(nodes: int = 2000) -> dict:
    """About `nodes` nodes: a sum of tanh(w·x) terms (5 nodes each, with inputs)."""
    terms = nodes // 4
    source = " + ".join(f"tanh(w{i % 25}*x{i})" for i in range(terms))
    values = {**{f"w{i}": 0.04 * (i + 1) for i in range(25)},
              **{f"x{i}": (i % 9) / 9 for i in range(terms)}}
    return {"source": source, "values": values}


def graph_link(request: dict) -> str:
    """The /graph URL of a form, as the page writes it (app/url_state.py's FORM)."""
    values = ",".join(f"{name}:{value}" for name, value in request["values"].items())
    return "/graph?" + urlencode({"source": request["source"], "values": values,
                                  "data": ",".join(request.get("data", []))})
