"""Rate limits per client address: the bucket's arithmetic on a fake clock,
429 with Retry-After and the error body in process, and on a real server
with each setting, X-Forwarded-For believed only from a proxy that
--forwarded-allow-ips trusts."""

import json

import pytest
from fastapi.testclient import TestClient
from http_calls import PYTHON_SERVE, call, save
from live_server import running_server

from app.config import Settings
from app.main import create_app
from app.ratelimit import RateLimit, client_key


SECOND = 1_000_000_000


class Clock:
    """monotonic_ns, moved by hand."""
    def __init__(self):
        self.now = 1000 * SECOND

    def __call__(self):
        return self.now


def test_a_minute_s_worth_at_once_then_one_every_60_over_rate_seconds():
    clock = Clock()
    limit = RateLimit(6, "saves", "CHAINRULE_SAVE_RATE", clock=clock)
    assert [limit.wait("a") for _ in range(6)] == [0.0] * 6
    assert limit.wait("a") == 10.0            # the 7th: when the first of the six is a minute old
    assert limit.wait("b") == 0.0             # another address has its own bucket
    clock.now += 9 * SECOND + SECOND // 2
    assert limit.wait("a") == 0.5
    clock.now += SECOND // 2
    assert limit.wait("a") == 0.0 and limit.wait("a") == 10.0   # one more, then wait again
    clock.now += 600 * SECOND                 # idle: the bucket is full again, not fuller
    assert [limit.wait("a") for _ in range(7)] == [0.0] * 6 + [10.0]
    assert limit.refusal("a", 0.2) == (1, "too many saves from a: this server allows 6 a minute "
                                          "per address (CHAINRULE_SAVE_RATE); try again in 1 s")


def test_the_arithmetic_is_exact_on_any_clock_reading():
    """Integer nanoseconds: a minute's worth is allowed and the next refused
    however large the clock and whatever the rate."""
    clock = Clock()
    for now in (12_345_678_912_345, 987_654_321_123_456_789, 3):
        for rate in (1, 3, 7, 60, 600, 7001):
            clock.now = now
            limit = RateLimit(rate, "saves", "CHAINRULE_SAVE_RATE", clock=clock)
            answers = [limit.wait("a") for _ in range(rate + 1)]
            assert answers[:rate] == [0.0] * rate, (now, rate)
            # the interval is whole nanoseconds, floored: off by under rate ns
            assert answers[rate] == pytest.approx(60 / rate, abs=rate * 1e-9), (now, rate)


def test_an_ipv6_client_counts_by_its_64_block():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff::9") \
        == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert client_key("::ffff:10.0.0.7") == client_key("10.0.0.7") == "10.0.0.7"
    assert client_key("testclient") == "testclient"


def test_clients_with_full_buckets_are_forgotten():
    clock = Clock()
    limit = RateLimit(60, "saves", "CHAINRULE_SAVE_RATE", clock=clock)
    for n in range(20_000):
        limit.wait(f"a{n}")
    assert len(limit._due) == 20_000          # each within its minute: remembered
    clock.now += SECOND                       # one interval at 60 a minute: all full again
    n = 0
    while len(limit._due) >= 20_000:          # the next prune forgets them
        limit.wait(f"b{n}")
        n += 1
    assert len(limit._due) == n and n <= 20_000


def app_with(tmp_path, **settings):
    return create_app(Settings(database=tmp_path / "graphs.db", **settings))


def test_saves_over_the_rate_get_429_with_retry_after_and_the_error_body(tmp_path):
    app = app_with(tmp_path, save_rate=2)
    document = json.loads(TestClient(app).get("/api/examples/simple").text)
    with TestClient(app) as client, TestClient(app, client=("10.0.0.9", 1)) as other:
        statuses = [client.post("/api/graphs", json={**document, "title": f"t{n}"}).status_code
                    for n in range(2)]
        refused = client.post("/api/graphs", json={**document, "title": "t3"})
        assert statuses == [201, 201] and refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        assert 1 <= wait <= 30                # the next of 2 a minute: 30 s after the first
        assert refused.json() == {"detail": {
            "message": f"too many saves from testclient: this server allows 2 a minute per "
                       f"address (CHAINRULE_SAVE_RATE); try again in {wait} s",
            "line": 0, "column": 0}}
        assert other.post("/api/graphs", json={**document, "title": "t3"}).status_code == 201
        assert client.get("/api/examples/simple").status_code == 200   # reads are not limited
        assert client.post("/api/graph", json={"source": "x*y", "values": {"x": 1, "y": 2}}
                           ).status_code == 200


def test_training_runs_over_the_rate_get_429_and_a_rate_of_0_is_no_limit(tmp_path):
    run = {"example": "add-bias", "steps": 1, "max_points": 1}
    with TestClient(app_with(tmp_path, train_rate=1)) as client:
        assert client.post("/api/train", json=run).status_code == 200
        refused = client.post("/api/train", json=run)
        assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["detail"]["message"].startswith(
            "too many training runs from testclient: this server allows 1 a minute per "
            "address (CHAINRULE_TRAIN_RATE); try again in ")
    with TestClient(app_with(tmp_path, train_rate=0, save_rate=0)) as client:
        assert {client.post("/api/train", json=run).status_code for _ in range(5)} == {200}


@pytest.mark.parametrize("trusted,counted_as", [("127.0.0.1", "10.0.0.{}"),
                                                ("192.0.2.1", "127.0.0.1")],
                         ids=["trusted-proxy", "untrusted-proxy"])
def test_x_forwarded_for_names_the_client_only_behind_a_trusted_proxy(trusted, counted_as):
    command = PYTHON_SERVE + ["--save-rate", "2", "--forwarded-allow-ips", trusted]
    with running_server(command, env={"CHAINRULE_TRAIN_RATE": "1"}) as base:
        def from_(client: int, n: int):
            return save(base, n, headers={"X-Forwarded-For": f"10.0.0.{client}"})
        assert [from_(1, 1).status, from_(1, 2).status] == [201, 201]
        refused = from_(1, 3)
        assert refused.status == 429 and "retry-after" in refused.headers
        assert refused.message.startswith(f"too many saves from {counted_as.format(1)}: ")
        # A second address behind the proxy: its own bucket only if the proxy is trusted.
        expected = 201 if "{}" in counted_as else 429
        assert from_(2, 4).status == expected
        run = json.dumps({"example": "add-bias", "steps": 1, "max_points": 1}).encode()
        trained = [call(base, "/api/train", run, headers={"X-Forwarded-For": "10.0.0.5"})
                   for _ in range(2)]
        assert [answer.status for answer in trained] == [200, 429]
        assert trained[1].headers["retry-after"] in {str(s) for s in range(1, 61)}
        assert trained[1].message.startswith(
            f"too many training runs from {counted_as.format(5)}: this server allows 1 a "
            "minute per address (CHAINRULE_TRAIN_RATE); try again in ")
