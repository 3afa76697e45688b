"""Process faults on a real server: one worker of `--workers 2` killed with
-9 under load, and SIGTERM while requests are in flight."""

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
from pathlib import Path

from http_calls import PYTHON_SERVE, assert_all_load, call, save, save_many
from live_server import PROJECT_ROOT, free_port, running_server, wait_until_up

NO_RATE_LIMIT = {"CHAINRULE_SAVE_RATE": "0"}
CLIENTS = 4


def workers_of(base) -> set[int]:
    """The uvicorn workers: the server's own children (not multiprocessing's
    resource tracker, nor the workers' document pools, a level further down)."""
    found = set()
    children = []
    for task in Path(f"/proc/{base.pid}/task").iterdir():
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    for pid in children:
        try:
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.add(pid)
        except OSError:
            pass  # gone meanwhile
    return found


def wait_for(condition, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


class Load:
    """CLIENTS threads, each with one request in flight at a time on a new
    connection: a save of a new graph, a load of one saved before, /healthz."""

    def __init__(self, base, kept: dict[str, bytes]):
        self.base, self.kept = base, kept
        self.answers: list[tuple[str, int, str]] = []   # (kind, status, saved id)
        self.failures: list[str] = []                   # connection errors
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(c,)) for c in range(CLIENTS)]

    def _client(self, client: int):
        ids = list(self.kept)
        for i in range(10**6):
            if self.stop.is_set():
                return
            kind = ("save", "load", "health")[i % 3]
            try:
                if kind == "save":
                    answer = save(self.base, 1000 + client * 100_000 + i, timeout=20)
                    saved = answer.json()["id"] if answer.status == 201 else ""
                elif kind == "load":
                    answer = call(self.base, f"/api/graphs/{ids[i % len(ids)]}", timeout=20)
                    saved = ""
                    if answer.status == 200 and answer.body != self.kept[ids[i % len(ids)]]:
                        self.failures.append(f"changed: {ids[i % len(ids)]}")
                else:
                    answer, saved = call(self.base, "/healthz", timeout=20), ""
                self.answers.append((kind, answer.status, saved))
            except (urllib.error.URLError, ConnectionError, http.client.HTTPException) as exc:
                self.failures.append(f"{kind}: {exc!r}")

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def test_a_worker_killed_with_kill_9_under_load(tmp_path):
    with running_server(PYTHON_SERVE + ["--workers", "2"], env=NO_RATE_LIMIT) as base:
        kept = save_many(base, range(12))
        workers = wait_for(lambda: len(workers_of(base)) == 2 and workers_of(base),
                           "two workers")
        with Load(base, kept) as load:
            wait_for(lambda: len(load.answers) >= 60, "60 answers before the kill")
            victim = min(workers)
            os.kill(victim, signal.SIGKILL)
            # The other worker keeps answering while the supervisor replaces the dead one.
            assert [call(base, "/healthz").status for _ in range(10)] == [200] * 10
            replaced = wait_for(lambda: len(workers_of(base) - workers) == 1
                                and workers_of(base), "a new worker", timeout=20)
            # At least 3: on a busy machine uvicorn may also replace a worker slow
            # to answer its health check, and a poll can miss the count passing 3.
            wait_for(lambda: base.log.read_text().count("Application startup complete") >= 3,
                     "the new worker serving", timeout=60)
            at_replacement = len(load.answers)
            wait_for(lambda: len(load.answers) >= at_replacement + 60, "60 answers after")
        # Only the requests in flight on the dead worker failed (one per client at most),
        # and they failed as broken connections, never as an error answer.
        assert len(load.failures) <= CLIENTS, load.failures
        assert all("changed" not in failure for failure in load.failures), load.failures
        assert {status for _, status, _ in load.answers} <= {200, 201}
        assert victim not in replaced and len(replaced) == 2
        saved_under_load = [graph_id for _, _, graph_id in load.answers if graph_id]
        assert len(saved_under_load) >= 30
        for graph_id in saved_under_load:  # each 201 is there
            assert call(base, f"/api/graphs/{graph_id}").status == 200
        assert_all_load(base, kept)
        assert f"Child process [{victim}] died" in base.log.read_text()


def test_no_process_outlives_a_server_of_two_workers_killed_with_kill_9():
    """The supervisor killed outright: its workers (which uvicorn does not
    stop then), their document pools and multiprocessing's resource tracker
    all exit within a few seconds, and the port is free again."""
    with running_server(PYTHON_SERVE + ["--workers", "2"], env=NO_RATE_LIMIT) as base:
        wait_for(lambda: len(workers_of(base)) == 2, "two workers")
        body = json.dumps({"source": "y = w*x", "values": {"w": 2, "x": 3}}).encode()
        for _ in range(4):   # new connections: both workers start their pools
            assert call(base, "/api/graph", body).status == 200
        descendants = [pid for pid in base.process_ids() if pid != base.pid]
        assert len(descendants) >= 3, descendants
        os.kill(base.pid, signal.SIGKILL)
        wait_for(lambda: not any(alive(pid) for pid in descendants),
                 "every process of the server gone", timeout=15)
        port = int(base.rsplit(":", 1)[1])
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0   # no one listens there


def alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


SLOW_SOURCE = " + ".join(f"sin(x*{i})" for i in range(1, 1200))  # about 1 s on one core


def test_sigterm_lets_requests_in_flight_finish_refuses_new_ones_and_exits_cleanly(tmp_path):
    database = tmp_path / "graphs.db"
    env = {**os.environ, **NO_RATE_LIMIT, "CHAINRULE_DATABASE": str(database),
           "CHAINRULE_MAX_SOURCE_CHARS": "100000"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "server.log", "wb")
    server = subprocess.Popen(PYTHON_SERVE + ["--port", str(port), "--graceful-timeout", "20"],
                              cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"{base}/healthz", server)
        kept = save_many(base, range(5))
        in_flight = [http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                     for _ in range(2)]
        for connection in in_flight:
            connection.request("POST", "/api/graph", json.dumps(
                {"source": SLOW_SOURCE, "values": {"x": 1}}), {"content-type": "application/json"})
        # One more round trip: by its answer the server has taken the two requests.
        assert call(base, "/healthz").status == 200
        server.send_signal(signal.SIGTERM)

        def refused() -> bool:
            try:
                call(base, "/healthz", timeout=5)
            except (urllib.error.URLError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                return isinstance(reason, ConnectionRefusedError)
            return False
        wait_for(refused, "new connections refused")
        answers = [connection.getresponse() for connection in in_flight]
        bodies = [answer.read() for answer in answers]
        assert [answer.status for answer in answers] == [200, 200]
        assert all(json.loads(body)["value"] == json.loads(bodies[0])["value"]
                   for body in bodies)
        # After its graceful shutdown uvicorn re-raises the signal it caught, so
        # the status is "terminated by SIGTERM" (143 in a shell), which systemd
        # and Docker count as a clean stop; a crash would be 1, a hang a timeout.
        assert server.wait(timeout=30) == -signal.SIGTERM
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
    text = (tmp_path / "server.log").read_text()
    assert "Finished server process" in text and "Traceback" not in text
    # Both answers were written after the shutdown began: they were in flight.
    assert text.count('"POST /api/graph HTTP/1.1" 200') == 2
    assert text.index("Shutting down") < text.index('"POST /api/graph HTTP/1.1" 200')
    with running_server(env={**NO_RATE_LIMIT, "CHAINRULE_DATABASE": str(database)}) as again:
        assert_all_load(again, kept)
