"""Saved graphs: documents in SQLite, under ids derived from their content.

The same document always gets the same id, so publishing a graph twice gives
one link. An id is never reused for other content: on the (astronomically
unlikely) collision of a prefix, the id grows. The state lives in the
database file, so every worker process and every restart sees the same
graphs. WAL mode lets readers go on while one process writes, and each save
is one transaction: a process killed mid-save leaves the earlier graphs intact.
"""

from __future__ import annotations

import hashlib
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


class GraphStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._ready = False  # the file is made on first use, not when the app is built

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(sqlite3.connect(self.path, timeout=30)) as db, db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
            self._ready = True
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA busy_timeout=30000")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def save(self, document_json: str) -> tuple[str, bool]:
        """Store a document; answer its id and whether it is new."""
        digest = hashlib.sha256(document_json.encode("utf-8")).hexdigest()
        with closing(self._connect()) as db, db:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time decides the id
            for length in range(ID_LENGTH, len(digest) + 1, 4):
                graph_id = digest[:length]
                row = db.execute("SELECT sha256 FROM graphs WHERE id = ?", (graph_id,)).fetchone()
                if row is None:
                    db.execute("INSERT INTO graphs (id, sha256, document, created) "
                               "VALUES (?, ?, ?, ?)", (graph_id, digest, document_json, time.time()))
                    return graph_id, True
                if row[0] == digest:
                    return graph_id, False
        raise RuntimeError("no free id for this document")  # needs a full sha256 collision

    def load(self, graph_id: str) -> str | None:
        with closing(self._connect()) as db:
            row = db.execute("SELECT document FROM graphs WHERE id = ?", (graph_id,)).fetchone()
        return row[0] if row else None

    def count(self) -> int:
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM graphs").fetchone()[0]
