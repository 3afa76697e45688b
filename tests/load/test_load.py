"""Load on a real server with two workers, on loopback, bounded in count:
5,000 requests from 50 concurrent clients mixing example pages, documents,
form expressions, 1,000-node graphs and training runs. Zero errors, and the
server's memory flat afterwards. The report goes to test-artifacts/.

bench/load_test.py runs the same with more requests (for release checks).
"""

import sys
import urllib.request
from pathlib import Path

from live_server import running_server
from loadgen import rss_kib, run_load_blocking

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SERVE = [sys.executable, "-m", "app", "serve", "--workers", "2"]


def test_5000_requests_at_50_clients_without_errors_or_memory_growth():
    with running_server(SERVE) as base:
        run_load_blocking(base, requests=500, concurrency=50, seed=1)  # warm-up
        before = rss_kib(base.process_ids())
        report = run_load_blocking(base, requests=5000, concurrency=50, seed=2)
        after = rss_kib(base.process_ids())
        server_log = base.log.read_text(errors="replace")
    report.memory_before_kib, report.memory_after_kib = before, after
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load-report.txt").write_text(report.summary() + "\n")
    print(report.summary())
    problems = [line for line in server_log.splitlines()
                if "HTTP/1.1\" 200" not in line and "INFO" not in line]
    assert report.errors == [], (report.errors[:5], problems[-20:])
    assert sum(map(len, report.latencies.values())) == 5000
    # Flat: what the warm-up left grows by less than a quarter (caches are
    # per process and bounded by the examples).
    assert after < before * 1.25, (before, after)


def test_saved_graphs_and_lecture_examples_are_the_same_on_every_worker(tmp_path):
    lecture = tmp_path / "lecture.toml"
    lecture.write_text('slug = "mine"\ntitle = "t"\nsource = "w*x"\n[values]\nw = 2\nx = 3\n')
    with running_server(SERVE + ["--examples", str(lecture)]) as base:
        with urllib.request.urlopen(f"{base}/api/examples/simple") as response:
            document = response.read()
        request = urllib.request.Request(f"{base}/api/graphs", data=document, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request) as response:
            graph_id = __import__("json").load(response)["id"]
        statuses = []
        for _ in range(40):  # a new connection each time: the workers take turns
            for path in (f"/api/graphs/{graph_id}", "/api/examples/mine"):
                with urllib.request.urlopen(f"{base}{path}") as response:
                    statuses.append(response.status)
        assert statuses == [200] * 80
