"""The lecturer's local commands on a live store: `chainrule backup` while
the server saves, and `chainrule graphs list|export|delete` (no HTTP delete)."""

import sqlite3
import threading
from types import SimpleNamespace

import pytest
from http_calls import PYTHON_SERVE, assert_all_load, call, save, save_many
from live_server import running_server

from app.cli import main


@pytest.fixture
def chainrule(capsys):
    """Run the CLI in this process (the server runs in its own): its exit
    status, standard output and standard error."""
    def run(*args) -> SimpleNamespace:
        status = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=status, stdout=out, stderr=err)
    return run


def test_backup_copies_the_store_online_while_the_server_saves(tmp_path, chainrule):
    database, copy = tmp_path / "graphs.db", tmp_path / "copy.db"
    env = {"CHAINRULE_DATABASE": str(database), "CHAINRULE_SAVE_RATE": "0"}
    with running_server(PYTHON_SERVE, env=env) as base:
        kept = save_many(base, range(20))
        stop, statuses = threading.Event(), []

        def keep_saving():
            n = 1000
            while not stop.is_set():
                statuses.append(save(base, n).status)
                n += 1
        writer = threading.Thread(target=keep_saving)
        writer.start()
        try:
            while len(statuses) < 5:      # the writer is under way
                stop.wait(0.02)
            result = chainrule("backup", copy, "--database", database)
            statuses_during = len(statuses)
            while len(statuses) < statuses_during + 5:   # and goes on after the backup
                stop.wait(0.02)
        finally:
            stop.set()
            writer.join()
        assert result.returncode == 0, result.stderr
        assert set(statuses) == {201}
        with sqlite3.connect(copy) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            rows = dict(db.execute("SELECT id, document FROM graphs"))
        assert result.stdout == f"wrote {copy} ({len(rows)} graphs)\n"
        assert {graph_id: rows[graph_id].encode() for graph_id in kept} == kept
        assert len(rows) >= 25
        assert not (tmp_path / "copy.db.partial").exists()
        assert_all_load(base, kept)


def test_graphs_list_export_and_delete_on_the_local_store_only(tmp_path, chainrule):
    database = tmp_path / "graphs.db"
    with running_server(PYTHON_SERVE, env={"CHAINRULE_DATABASE": str(database)}) as base:
        kept = save_many(base, range(3))
        ids = list(kept)
        listed = chainrule("graphs", "list", "--database", database)
        assert listed.returncode == 0
        rows = [line.split("\t") for line in listed.stdout.splitlines()]
        assert [(row[0], int(row[2]), row[3]) for row in rows] == [
            (graph_id, len(kept[graph_id]), f"graph {n}") for n, graph_id in enumerate(ids)]

        exported = chainrule("graphs", "export", ids[1], "--database", database)
        assert exported.stdout.encode() == kept[ids[1]]
        chainrule("graphs", "export", ids[2], "-o", tmp_path / "two.json", "--database", database)
        assert (tmp_path / "two.json").read_bytes() == kept[ids[2]]

        assert call(base, f"/api/graphs/{ids[0]}", method="DELETE").status == 405  # not over HTTP
        deleted = chainrule("graphs", "delete", ids[0], "--database", database)
        assert (deleted.returncode, deleted.stdout) == (0, f"deleted {ids[0]}\n")
        assert call(base, f"/api/graphs/{ids[0]}").status == 404
        assert_all_load(base, {graph_id: kept[graph_id] for graph_id in ids[1:]})

    again = chainrule("graphs", "delete", ids[0], "--database", database)
    assert (again.returncode, again.stderr) == (
        1, f"chainrule: no saved graph '{ids[0]}' in {database}\n")
    missing = chainrule("graphs", "list", "--database", tmp_path / "none.db")
    assert (missing.returncode, missing.stderr) == (
        1, f"chainrule: no saved graphs at {tmp_path / 'none.db'}\n")
