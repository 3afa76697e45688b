"""A database file that cannot be used stops `chainrule serve --workers 2`
before any worker starts: exit status 2 and one line naming the file and the
problem, never a traceback (nor one per worker, again and again)."""

import json
import os
import signal
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from http_calls import PYTHON_SERVE
from live_server import PROJECT_ROOT, free_port

from app.storage import GraphStore


def without_root() -> list[str]:
    """root reads any file: run the server as an ordinary user of a user
    namespace (who owns what root owns, without root's override)."""
    command = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]
    if subprocess.run([*command, "true"], capture_output=True).returncode != 0:
        pytest.skip("root, and no user namespace to drop root in")
    return command


def garbage(path: Path) -> None:
    path.write_bytes(b"these are lecture notes, not a database\n" * 200)


def damaged_page(path: Path) -> None:
    """A real database with a b-tree page overwritten in its middle."""
    store = GraphStore(path)
    for n in range(40):
        store.save(json.dumps({"n": n, "text": "x" * 3000}))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with open(path, "r+b") as file:
        file.seek(4096)  # page 2: the graphs table's root, from its header on
        file.write(b"\xff" * 64)


def a_folder(path: Path) -> None:
    path.mkdir()


def under_a_file(path: Path) -> Path:
    path.write_text("a file where a folder should be")
    return path / "graphs.db"


def unreadable(path: Path) -> None:
    GraphStore(path).save("{}")
    path.chmod(0)


def serve(args: list[str], prefix: list[str] = (), **options) -> subprocess.CompletedProcess:
    """Run `chainrule serve` expecting it to stop; if it serves instead, stop
    it and its workers (one process group) and fail."""
    process = subprocess.Popen([*prefix, *PYTHON_SERVE, *args, "--port", str(free_port())],
                               cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True,
                               **options)
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        pytest.fail(f"the server started instead of refusing: {stderr[-500:]}")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.mark.parametrize("damage,problem", [
    (garbage, "cannot be used: file is not a database"),
    (damaged_page, "is corrupted (SQLite's quick_check: "),
    (a_folder, "is not a file"),
    (under_a_file, "cannot be made: its folder cannot be created (File exists)"),
    (unreadable, "cannot be read and written: permission denied"),
], ids=["garbage", "damaged-page", "a-folder", "under-a-file", "unreadable"])
def test_a_database_that_cannot_be_used_stops_the_start_in_one_line(damage, problem):
    folder = Path(tempfile.mkdtemp(prefix="chainrule-start-"))
    folder.chmod(0o755)   # searchable by the unprivileged user below
    database = damage(folder / "graphs.db") or folder / "graphs.db"
    prefix = without_root() if damage is unreadable and os.getuid() == 0 else []
    result = serve(["--workers", "2", "--database", str(database)], prefix)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    line = result.stderr.strip()
    assert line.startswith(f"chainrule: the database {database} ") and problem in line, line
    assert "Traceback" not in line


def test_a_setting_that_is_not_a_number_stops_the_start_in_one_line():
    result = serve([], env={**os.environ, "CHAINRULE_SAVE_RATE": "lots",
                            "CHAINRULE_DATABASE": str(Path(tempfile.mkdtemp()) / "g.db")})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("chainrule: CHAINRULE_SAVE_RATE: Input should be a valid "
                                    "integer"), result.stderr
    assert result.stderr.count("\n") == 1
