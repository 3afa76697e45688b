"""Saved graphs: documents in SQLite, under ids derived from their content.

The same document always gets the same id, so publishing a graph twice gives
one link. An id is never reused for other content: on the (astronomically
unlikely) collision of a prefix, the id grows. The state lives in the
database file, so every worker process and every restart sees the same
graphs. WAL mode lets readers go on while one process writes, and each save
is one transaction: a process killed mid-save leaves the earlier graphs intact.

Durable: `synchronous=FULL` syncs the WAL at every commit, so a save that was
answered 201 survives a power cut, not only a killed process (the cost per
save is measured by bench/bench_saves.py). Bounded: `max_page_count` caps the
file at `max_bytes`, so SQLite itself refuses the save that would pass the
quota, atomically across every worker; a real full disk fails the same way.
Failures come out as the three exceptions below, each with a sentence for
the user: the router turns them into 507, 503 and 503.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS graphs (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    document TEXT NOT NULL,
    created REAL NOT NULL
)
"""
ID_LENGTH = 12
_FULL, _BUSY, _LOCKED = sqlite3.SQLITE_FULL, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED


class StorageError(Exception):
    """A failure of the store, with a sentence that says what and where."""


class StorageFull(StorageError):
    """The quota is reached or the disk is full: nothing was written."""


class StorageBusy(StorageError):
    """Another process holds the write lock for longer than the busy timeout."""


class StorageUnavailable(StorageError):
    """The file cannot be opened, read or written (corrupted, permissions, I/O)."""


def _code(exc: sqlite3.Error) -> int:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF  # the primary code of an extended one


class GraphStore:
    def __init__(self, path: Path, max_bytes: int | None = None, busy_seconds: float = 5.0):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self.busy_seconds = busy_seconds
        self._ready = False  # the file is made on first use, not when the app is built

    # --- connections --------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageUnavailable(f"the database {self.path} cannot be made: its folder "
                                         f"cannot be created ({exc.strerror})") from exc
            with closing(sqlite3.connect(self.path, timeout=self.busy_seconds)) as db, db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
            self._ready = True
        db = sqlite3.connect(self.path, timeout=self.busy_seconds)
        db.execute("PRAGMA synchronous=FULL")
        if self.max_bytes is not None:
            page_size = db.execute("PRAGMA page_size").fetchone()[0]
            db.execute(f"PRAGMA max_page_count={max(1, self.max_bytes // page_size)}")
        return db

    def _failure(self, exc: sqlite3.Error, needed: int = 0) -> StorageError:
        """The store's own exception for an SQLite error, with its sentence."""
        code = _code(exc)
        if code == _FULL:
            if self.max_bytes is not None and self._used_bytes() + needed > self.max_bytes:
                return StorageFull(f"storage is full: the saved graphs have reached this "
                                   f"server's limit of {self.max_bytes} bytes "
                                   f"(CHAINRULE_MAX_DATABASE_BYTES); nothing was saved, and "
                                   f"every graph saved before still loads")
            return StorageFull("storage is full: the server's disk has no room for this graph; "
                               "nothing was saved, and every graph saved before still loads")
        if code in (_BUSY, _LOCKED):
            return StorageBusy(f"the saved graphs are locked by another process (more than "
                               f"{self.busy_seconds:g} s): retry in a moment")
        # No path here: the sentence goes to web clients (the start check names the file).
        return StorageUnavailable(f"the saved graphs cannot be used: {exc}")

    def _used_bytes(self) -> int:
        try:
            with closing(sqlite3.connect(self.path, timeout=self.busy_seconds)) as db:
                pages, size = (db.execute(f"PRAGMA {name}").fetchone()[0]
                               for name in ("page_count", "page_size"))
            return pages * size
        except sqlite3.Error:
            return 0

    # --- the server's operations -----------------------------------------------------

    def save(self, document_json: str) -> tuple[str, bool]:
        """Store a document; answer its id and whether it is new."""
        digest = hashlib.sha256(document_json.encode("utf-8")).hexdigest()
        try:
            with closing(self._connect()) as db, db:
                db.execute("BEGIN IMMEDIATE")  # one writer at a time decides the id
                for length in range(ID_LENGTH, len(digest) + 1, 4):
                    graph_id = digest[:length]
                    row = db.execute("SELECT sha256 FROM graphs WHERE id = ?",
                                     (graph_id,)).fetchone()
                    if row is None:
                        db.execute("INSERT INTO graphs (id, sha256, document, created) "
                                   "VALUES (?, ?, ?, ?)",
                                   (graph_id, digest, document_json, time.time()))
                        return graph_id, True
                    if row[0] == digest:
                        return graph_id, False
        except sqlite3.Error as exc:
            raise self._failure(exc, len(document_json.encode("utf-8"))) from exc
        raise RuntimeError("no free id for this document")  # needs a full sha256 collision

    def load(self, graph_id: str) -> str | None:
        try:
            with closing(self._connect()) as db:
                row = db.execute("SELECT document FROM graphs WHERE id = ?",
                                 (graph_id,)).fetchone()
        except sqlite3.Error as exc:
            raise self._failure(exc) from exc
        return row[0] if row else None

    def count(self) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM graphs").fetchone()[0]

    # --- the lecturer's operations (chainrule check, backup, graphs) -----------------

    def check(self) -> None:
        """Before the server starts: the file opens, is a database, passes SQLite's
        quick_check and can be written. Raise StorageUnavailable with one line
        naming the file and the problem otherwise."""
        where = f"the database {self.path}"
        try:
            exists = self.path.exists()
        except OSError as exc:  # a folder on the way that may not be searched
            raise StorageUnavailable(f"{where} cannot be reached: {exc.strerror}") from exc
        if exists and not self.path.is_file():
            raise StorageUnavailable(f"{where} is not a file")
        if exists and not os.access(self.path, os.R_OK | os.W_OK):
            raise StorageUnavailable(f"{where} cannot be read and written: permission denied")
        try:
            with closing(self._connect()) as db:
                problems = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
        except sqlite3.Error as exc:
            if _code(exc) in (_BUSY, _LOCKED):
                return  # in use by another process: not a fault of the file
            raise StorageUnavailable(f"{where} cannot be used: {exc}") from exc
        if problems != ["ok"]:
            found = "; ".join(line.strip() for problem in problems
                              for line in problem.splitlines() if not line.startswith("***"))
            raise StorageUnavailable(f"{where} is corrupted (SQLite's quick_check: {found}); "
                                     "restore a backup or move it away to start with an "
                                     "empty one")

    def backup(self, out: Path) -> int:
        """Copy the database to `out` with SQLite's online backup API, while
        servers go on reading and writing; answer the number of graphs copied.
        The copy is written beside `out` and renamed, so `out` is never half
        written."""
        out = Path(out)
        if out.resolve() == self.path.resolve():
            raise StorageUnavailable(f"the backup would overwrite the database itself ({out})")
        partial = out.with_name(out.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            with closing(self._connect()) as source, closing(sqlite3.connect(partial)) as copy:
                source.backup(copy)
                count = copy.execute("SELECT COUNT(*) FROM graphs").fetchone()[0]
            with open(partial, "rb+") as written:
                os.fsync(written.fileno())
        except sqlite3.Error as exc:
            partial.unlink(missing_ok=True)
            raise self._failure(exc) from exc
        os.replace(partial, out)
        return count

    def listing(self) -> list[tuple[str, float, int, str]]:
        """(id, created, bytes, title) of every saved graph, oldest first."""
        with closing(self._connect()) as db:
            return db.execute("SELECT id, created, length(CAST(document AS BLOB)), "
                              "coalesce(json_extract(document, '$.title'), '') "
                              "FROM graphs ORDER BY created, id").fetchall()

    def delete(self, graph_id: str) -> bool:
        """Remove one graph; its pages are reused by later saves (under the quota)."""
        try:
            with closing(self._connect()) as db, db:
                return db.execute("DELETE FROM graphs WHERE id = ?", (graph_id,)).rowcount > 0
        except sqlite3.Error as exc:
            raise self._failure(exc) from exc
