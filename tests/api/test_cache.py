"""Answers computed once per worker (app/cache.py): single-flight, the byte
bound, strong ETags with 304s, and gzip that decodes to the same bytes."""

import asyncio
import gzip
import json
import re
import threading
from html import unescape
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from own_loop import run_in_own_loop

from app.cache import AnswerCache, make_answer
from app.config import Settings
from app.main import create_app

SIMPLE = {"source": "u = w*x\nv = u + b\ny = exp(v)\nl = (y - ystar)^2",
          "values": {"w": 0.5, "x": 0.5, "b": 2, "ystar": 1}, "data": ["x", "ystar"]}


def graph_url(request: dict) -> str:
    values = ",".join(f"{k}:{v}" for k, v in request["values"].items())
    return "/graph?" + urlencode({"source": request["source"], "values": values,
                                  "data": ",".join(request["data"])})


def embedded_document(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="graph-document">(.*?)</script>',
                      html, re.S)
    return json.loads(unescape(block.group(1)))


# --- the cache itself ------------------------------------------------------------

def test_concurrent_identical_requests_run_the_builder_once():
    async def scenario():
        cache = AnswerCache(1 << 20)
        release, started = asyncio.Event(), []

        async def build():
            started.append(1)
            await release.wait()
            return make_answer(b'{"value": 1}', "application/json")

        waiting = [asyncio.ensure_future(cache.get_or_build("k", build)) for _ in range(20)]
        for _ in range(5):  # every request has reached the cache and waits
            await asyncio.sleep(0)
        assert len(started) == 1
        release.set()
        answers = await asyncio.gather(*waiting)
        return cache, started, answers

    cache, started, answers = run_in_own_loop(scenario)
    assert cache.builds == 1 and len(started) == 1
    assert all(answer is answers[0] for answer in answers)


def test_a_failed_build_fails_every_waiter_and_is_not_kept():
    async def scenario():
        cache, calls = AnswerCache(1 << 20), []

        async def build():
            calls.append(1)
            await asyncio.sleep(0)
            raise ValueError("bad source")

        results = await asyncio.gather(*(cache.get_or_build("k", build) for _ in range(5)),
                                       return_exceptions=True)
        again = await asyncio.gather(cache.get_or_build("k", build), return_exceptions=True)
        return cache, calls, results + again

    cache, calls, results = run_in_own_loop(scenario)
    assert all(isinstance(r, ValueError) for r in results)
    assert len(calls) == 2 and len(cache) == 0   # once for the five, once after


def test_the_cache_keeps_within_its_bytes_dropping_the_least_recently_used():
    cache = AnswerCache(max_bytes=3000)
    answers = {k: make_answer(bytes([65 + i]) * 900, "application/octet-stream")
               for i, k in enumerate("abcd")}
    for key in "abc":
        cache.put(key, answers[key])
    cache.get("a")                      # a is used again: b is now the oldest
    cache.put("d", answers["d"])
    assert cache.bytes == 2700 <= cache.max_bytes
    assert (cache.get("b"), cache.get("a"), cache.get("d")) == (None, answers["a"], answers["d"])
    cache.put("huge", make_answer(b"x" * 5000, "application/octet-stream"))
    assert cache.get("huge") is None and cache.bytes == 2700


def test_the_app_cache_respects_its_setting(tmp_path):
    settings = Settings(database=tmp_path / "graphs.db", cache_bytes=40_000)
    with TestClient(create_app(settings)) as client:
        for i in range(30):
            body = {**SIMPLE, "values": {**SIMPLE["values"], "w": 0.01 * i}}
            assert client.post("/api/graph", json=body).status_code == 200
        answers = client.app.state.answers
        assert 0 < answers.bytes <= 40_000
        assert len(answers) < 30 and answers.builds == 30


def test_concurrent_identical_posts_build_one_document(tmp_path, monkeypatch):
    import app.routers.api as api

    built, release = [], threading.Event()
    real = api.graph_document

    def counted(request, settings):
        built.append(1)
        release.wait(10)
        return real(request, settings)

    monkeypatch.setattr(api, "graph_document", counted)
    # In threads: the counting hook lives in this process, not in a pool's.
    application = create_app(Settings(database=tmp_path / "graphs.db", heavy_processes=0))

    async def scenario():
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            posts = [asyncio.ensure_future(client.post("/api/graph", json=SIMPLE))
                     for _ in range(12)]
            for _ in range(1000):
                if built:
                    break
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            release.set()
            return await asyncio.gather(*posts)

    responses = run_in_own_loop(scenario)
    assert [r.status_code for r in responses] == [200] * 12
    assert len({r.content for r in responses}) == 1
    assert len(built) == 1 and application.state.answers.builds == 1


# --- HTTP: ETag, 304, gzip --------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/examples/simple", "/examples/simple",
                                  "/embed/examples/simple", "/", graph_url(SIMPLE),
                                  "/examples/practical/train"])
def test_a_reload_with_the_etag_costs_a_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)          # strong
    assert first.headers["cache-control"] == "no-cache"  # revalidated at each use
    again = client.get(path, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(path, headers={"if-none-match": '"0123"'})
    assert other.status_code == 200 and other.content == first.content


def test_the_page_embeds_the_bytes_that_post_api_graph_answers(client):
    page = client.get(graph_url(SIMPLE))
    posted = client.post("/api/graph", json=SIMPLE)
    assert embedded_document(page.text) == posted.json()
    assert client.app.state.answers.builds == 2   # the document once, the page once


@pytest.mark.parametrize("path", ["/api/examples/simple", "/examples/simple",
                                  graph_url(SIMPLE), "/api/examples"])
def test_gzip_answers_decode_to_the_same_bytes(client, path):
    plain = client.get(path, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", path, headers={"accept-encoding": "gzip"}) as packed:
        raw = b"".join(packed.iter_raw())
        assert packed.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in packed.headers["vary"].lower()
    assert len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content


def test_a_posted_document_is_gzipped_when_asked(client):
    with client.stream("POST", "/api/graph", json=SIMPLE,
                       headers={"accept-encoding": "gzip"}) as packed:
        raw = b"".join(packed.iter_raw())
    plain = client.post("/api/graph", json=SIMPLE, headers={"accept-encoding": "identity"})
    assert gzip.decompress(raw) == plain.content


def test_a_bad_source_is_not_kept(client):
    bad = {"source": "l = (w*x", "values": {}}
    for _ in range(2):
        assert client.post("/api/graph", json=bad).status_code == 422
    assert client.app.state.answers.builds == 2 and len(client.app.state.answers) == 0
