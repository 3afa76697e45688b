"""Storage faults on a real server: the quota, a really full disk (a small
tmpfs), and a database locked by another process. Nothing saved before is
lost, and the answer says what happened."""

import shutil
import sqlite3
import subprocess
import sys

import pytest
from http_calls import PYTHON_SERVE, assert_all_load, call, save, save_many
from live_server import running_server

from app.cli import main

NO_RATE_LIMIT = {"CHAINRULE_SAVE_RATE": "0"}


def fill(base, first: int) -> tuple[dict[str, bytes], object]:
    """Save new graphs until the server refuses one: (what was kept, the refusal)."""
    kept = {}
    for n in range(first, first + 400):
        answer = save(base, n)
        if answer.status != 201:
            return kept, answer
        kept[answer.json()["id"]] = call(base, f"/api/graphs/{answer.json()['id']}").body
    raise AssertionError("400 graphs saved and the storage never filled")


def test_a_save_past_the_quota_gets_507_and_every_earlier_graph_still_loads(tmp_path, capsys):
    database = tmp_path / "graphs.db"
    with running_server(PYTHON_SERVE + ["--max-database-bytes", "65536"],
                        env={**NO_RATE_LIMIT, "CHAINRULE_DATABASE": str(database)}) as base:
        kept, refused = fill(base, 0)
        assert len(kept) >= 3
        assert refused.status == 507
        assert refused.headers["content-type"] == "application/json"
        assert refused.json() == {"detail": {
            "message": "storage is full: the saved graphs have reached this server's limit of "
                       "65536 bytes (CHAINRULE_MAX_DATABASE_BYTES); nothing was saved, and "
                       "every graph saved before still loads", "line": 0, "column": 0}}
        assert save(base, 10_000).status == 507          # and stays refused
        assert save(base, 0).status == 200               # a graph saved before: its id again
        assert_all_load(base, kept)
        # The lecturer deletes two graphs: their pages take the next save.
        gone = list(kept)[:2]
        assert [main(["graphs", "delete", graph_id, "--database", str(database)])
                for graph_id in gone] == [0, 0]
        capsys.readouterr()
        assert save(base, 10_000).status == 201
        assert_all_load(base, {graph_id: kept[graph_id] for graph_id in list(kept)[2:]})


def small_tmpfs_command(mount_point, size: str) -> list[str]:
    """`chainrule serve` in its own user and mount namespace with a tmpfs of
    `size` on `mount_point` (no root needed; the test sees the same port)."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to mount a small tmpfs")
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size={size} "
                            f"tmpfs {mount_point}"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces cannot mount a tmpfs here: {probe.stderr.strip()}")
    return ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=$0 tmpfs "$1" && '
            'shift && exec "$@"', size, str(mount_point), sys.executable, "-m", "app", "serve"]


def test_a_full_disk_gets_507_not_500_and_loses_nothing(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    command = small_tmpfs_command(disk, "192k")
    env = {**NO_RATE_LIMIT, "CHAINRULE_DATABASE": str(disk / "graphs.db")}
    with running_server(command, env=env) as base:
        kept, refused = fill(base, 0)
        assert len(kept) >= 3
        assert (refused.status, refused.headers["content-type"]) == (507, "application/json")
        assert refused.json() == {"detail": {
            "message": "storage is full: the server's disk has no room for this graph; "
                       "nothing was saved, and every graph saved before still loads",
            "line": 0, "column": 0}}
        assert save(base, 10_000).status == 507
        assert call(base, "/healthz").status == 200
        assert_all_load(base, kept)
        assert "Traceback" not in base.log.read_text()


def test_a_locked_database_answers_503_with_retry_after_while_reads_go_on(tmp_path):
    database = tmp_path / "graphs.db"
    env = {**NO_RATE_LIMIT, "CHAINRULE_DATABASE": str(database),
           "CHAINRULE_DATABASE_BUSY_SECONDS": "0.5"}
    with running_server(PYTHON_SERVE, env=env) as base:
        kept = save_many(base, range(5))
        # A lecturer's sqlite3 shell in the middle of a write transaction.
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        refused = save(base, 99)
        assert (refused.status, refused.headers["retry-after"]) == (503, "2")
        assert refused.json() == {"detail": {
            "message": "the saved graphs are locked by another process (more than 0.5 s): "
                       "retry in a moment", "line": 0, "column": 0}}
        assert_all_load(base, kept)               # WAL: readers do not wait for the writer
        holder.execute("ROLLBACK")
        # Now one that locks the readers out too (exclusive locking mode).
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        some_id = next(iter(kept))
        for path in (f"/api/graphs/{some_id}", f"/graphs/{some_id}"):
            locked = call(base, path)
            assert (locked.status, locked.headers["retry-after"]) == (503, "2"), path
            assert "locked by another process" in locked.message
        holder.execute("ROLLBACK")
        holder.close()
        saved = save(base, 99)
        assert saved.status == 201
        kept[saved.json()["id"]] = call(base, f"/api/graphs/{saved.json()['id']}").body
        assert_all_load(base, kept)
    assert sorted(kept) == sorted(row[0] for row in
                                  sqlite3.connect(database).execute("SELECT id FROM graphs"))
