"""A small client for the fault tests: answers as (status, headers, body)
whatever the status, distinct graphs to save, and the byte-for-byte check of
every graph saved so far."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

# One worker: rate limits and the heavy-job gate are per worker, and these
# tests count what one worker refuses (serve's default depends on the cores).
PYTHON_SERVE = [sys.executable, "-m", "app", "serve", "--workers", "1"]


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def message(self) -> str:
        return self.json()["detail"]["message"]


def call(base: str, path: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 30, method: str | None = None) -> Answer:
    """GET (or POST when there is a body) and answer whatever comes back."""
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers={"content-type": "application/json",
                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()},
                          response.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


_EXAMPLE: dict[str, dict] = {}


def graph(n: int) -> bytes:
    """The n-th of as many distinct valid documents as a test wants: the
    `simple` example under a title of its own."""
    if not _EXAMPLE:
        from engine.examples import load_examples
        _EXAMPLE["simple"] = json.loads(load_examples()["simple"].document().to_json())
    return json.dumps({**_EXAMPLE["simple"], "title": f"graph {n}"}).encode()


def save(base: str, n: int, **kwargs) -> Answer:
    return call(base, "/api/graphs", graph(n), **kwargs)


def save_many(base: str, numbers) -> dict[str, bytes]:
    """Save each graph, then read each back: {id: the bytes the server answers}."""
    kept = {}
    for n in numbers:
        answer = save(base, n)
        assert answer.status == 201, (answer.status, answer.body)
        graph_id = answer.json()["id"]
        loaded = call(base, f"/api/graphs/{graph_id}")
        assert loaded.status == 200 and json.loads(loaded.body) == json.loads(graph(n))
        kept[graph_id] = loaded.body
    return kept


def assert_all_load(base: str, kept: dict[str, bytes]) -> None:
    """Every graph in `kept` loads, byte for byte as it loaded before."""
    changed = [graph_id for graph_id, body in kept.items()
               if call(base, f"/api/graphs/{graph_id}").body != body]
    assert changed == [], f"{len(changed)} of {len(kept)} saved graphs changed or are gone"
