"""Saved graphs: POST /api/graphs, stable content-derived ids, SQLite that
survives restarts and a killed writer, and publishing from Python."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest
from live_server import running_server
from svg_texts import drawn_texts

from app.config import Settings
from app.storage import GraphStore
from engine import Document, PublishError, Value, publish


def simple_loss():
    w, b = Value(0.5, label="w"), Value(2.0, label="b")
    x, ystar = Value(0.5, label="x", requires_grad=False), Value(1.0, label="ystar",
                                                                 requires_grad=False)
    return ((w * x + b).exp() - ystar) ** 2


def test_post_answers_201_then_200_with_the_same_id(client):
    doc = client.get("/api/examples/simple").text
    first = client.post("/api/graphs", content=doc, headers={"content-type": "application/json"})
    again = client.post("/api/graphs", content=doc, headers={"content-type": "application/json"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    saved = first.json()
    assert saved["url"].endswith(f"/graphs/{saved['id']}")
    assert saved["embed_url"].endswith(f"/embed/graphs/{saved['id']}")
    assert client.get(f"/api/graphs/{saved['id']}").json() == json.loads(doc)


def test_a_different_graph_gets_a_different_id(client):
    one = client.post("/api/graphs", content=client.get("/api/examples/simple").text,
                      headers={"content-type": "application/json"}).json()
    two = client.post("/api/graphs", content=client.get("/api/examples/practical").text,
                      headers={"content-type": "application/json"}).json()
    assert one["id"] != two["id"]


@pytest.mark.parametrize("body,status,message", [
    ({"version": 1}, 422, "Field required"),
    ({"version": 4, "output": 0}, 422, "version"),
    ("not json", 422, "JSON"),
])
def test_malformed_documents_are_refused(client, body, status, message):
    content = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/api/graphs", content=content,
                           headers={"content-type": "application/json"})
    assert response.status_code == status
    assert message in response.json()["detail"]["message"]


def test_oversized_documents_are_refused(tmp_path):
    from fastapi.testclient import TestClient
    from app.main import create_app
    with TestClient(create_app(Settings(database=tmp_path / "g.db",
                                        max_document_bytes=1000))) as small:
        response = small.post("/api/graphs", content=small.get("/api/examples/simple").text,
                              headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "larger than 1000 bytes" in response.json()["detail"]["message"]


def test_unknown_and_malformed_ids(client):
    assert client.get("/api/graphs/0123456789ab").status_code == 404
    assert client.get("/api/graphs/..%2Fetc").status_code in (404, 422)
    assert client.get("/api/graphs/NOT-AN-ID").status_code == 422


def test_saved_graph_as_svg(client):
    saved = client.post("/api/graphs", content=client.get("/api/examples/simple").text,
                        headers={"content-type": "application/json"}).json()
    svg = client.get(f"/api/graphs/{saved['id']}.svg?pass=backward")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "w′ = 80.53" in drawn_texts(svg.text)


def test_publish_from_python_to_a_real_server_and_restart(tmp_path):
    database = tmp_path / "graphs.db"
    env = {"CHAINRULE_DATABASE": str(database)}
    with running_server(env=env) as base:
        links = publish(simple_loss(), base, title="from a notebook")
        assert publish(simple_loss(), base, title="from a notebook") == links  # one id
        with urllib.request.urlopen(f"{base}/api/graphs/{links['id']}") as response:
            doc = json.load(response)
        assert doc["title"] == "from a notebook"
        assert doc["gradients"]["w"] == pytest.approx(80.5293954641633, rel=1e-15)
    with running_server(env=env) as base:  # a new process, the same database file
        with urllib.request.urlopen(f"{base}/api/graphs/{links['id']}") as response:
            assert json.load(response) == doc
    assert GraphStore(database).count() == 1


def test_show_prints_the_link_outside_jupyter(capsys):
    with running_server() as base:
        links = simple_loss().show(base)
    assert capsys.readouterr().out.strip() == links["url"]


def test_publish_without_a_server_says_so():
    with pytest.raises(PublishError, match="no chainrule server answers at http://127.0.0.1:9"):
        publish(simple_loss(), "http://127.0.0.1:9", timeout=2)


WRITER = textwrap.dedent("""
    import sys
    from app.storage import GraphStore
    from engine import Value, build_document
    store = GraphStore(sys.argv[1])
    i = 0
    while True:
        x = Value(float(i), label="x")
        store.save(build_document((x * x + 1).tanh() * x).to_json())
        print(i, flush=True)
        i += 1
""")


def test_a_writer_killed_mid_save_leaves_every_earlier_graph_intact(tmp_path):
    database = tmp_path / "graphs.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database)],
                              stdout=subprocess.PIPE, text=True)
    saved = 0
    deadline = time.monotonic() + 60
    while saved < 150 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if line:
            saved = int(line) + 1
    os.kill(writer.pid, signal.SIGKILL)  # no cleanup: mid-transaction, most likely
    writer.wait()
    assert saved >= 150
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT document FROM graphs").fetchall()
    assert len(rows) >= saved  # every save that reported back is there
    for (document,) in rows:
        Document.model_validate_json(document)
    assert GraphStore(database).count() == len(rows)  # and it still opens for writing


def test_saves_are_durable_and_bounded_by_the_quota(tmp_path):
    """synchronous=FULL: the WAL is synced at each commit, so a 201 survives a
    power cut; max_page_count holds the file to the quota (rounded down to
    whole pages)."""
    from contextlib import closing
    store = GraphStore(tmp_path / "graphs.db", max_bytes=10 * 4096 + 100)
    with closing(store._connect()) as db:
        assert db.execute("PRAGMA synchronous").fetchone() == (2,)   # 2: FULL
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA max_page_count").fetchone() == (10,)


def test_a_document_from_an_older_chainrule_reads_back_as_sent(client):
    """Fields added since (display strings) are optional, and not added on save."""
    doc = json.loads(Document.model_validate_json(
        client.get("/api/examples/simple").text).as_version_2().to_json())
    for node in doc["nodes"]:
        del node["prime"], node["prime_tex"]
    for edge in doc["edges"]:
        del edge["chip"], edge["local_grad_wrapped_tex"]
    saved = client.post("/api/graphs", json=doc).json()
    assert client.get(f"/api/graphs/{saved['id']}").json() == doc
