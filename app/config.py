"""Settings of a running server, read once from the environment.

Tests build their own Settings and pass them to create_app; the running
server reads CHAINRULE_* environment variables (see the README)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field

from app import paths


def default_database() -> Path:
    """Per user: $XDG_DATA_HOME/chainrule/graphs.db (~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "chainrule" / "graphs.db"


class Settings(BaseModel):
    max_source_chars: int = 20_000
    max_nodes: int = 10_000
    max_depth: int = 200
    max_body_bytes: int = 5_000_000
    max_document_bytes: int = 4_000_000
    max_heavy_jobs: int = 2          # graph documents and training runs at once, per process
    heavy_queue_seconds: float = 10.0
    job_time_limit: float = 20.0     # seconds a training run may take
    database: Path = Field(default_factory=default_database)
    max_database_bytes: int = Field(1 << 30, ge=1)      # quota of the saved graphs (507 above)
    database_busy_seconds: float = Field(5.0, gt=0)     # a save waits this long for a lock (503)
    save_rate: int = Field(60, ge=0)      # saves a minute per client address (429 above); 0: off
    train_rate: int = Field(600, ge=0)    # training runs a minute per client address; 0: off
    examples: list[Path] = Field([], description="Lecture example files or folders")
    static_dir: Path = Field(default_factory=paths.static_dir)
    templates_dir: Path = Field(default_factory=paths.templates_dir)
    cache_bytes: int = 64 * 2**20    # per worker: documents and pages kept (app/cache.py)
    bundle_modules: bool = True      # one script per page; False: the readable modules (dev)
    heavy_processes: int = Field(default_factory=lambda: len(os.sched_getaffinity(0)),
                                 description="documents built in this many worker processes "
                                             "per server worker; 0: in threads")
    max_waiting_heavy_jobs: int = 256  # queued past this, a heavy request gets 503 at once
    requests_per_turn: int = Field(16, ge=0)  # begun per event-loop iteration (app/turns.py); 0: all

    @classmethod
    def from_env(cls) -> Settings:
        """CHAINRULE_MAX_NODES=2000 sets max_nodes, and so on for each field;
        CHAINRULE_EXAMPLES lists paths separated by the system's path separator."""
        values: dict = {}
        for name in cls.model_fields:
            raw = os.environ.get(f"CHAINRULE_{name.upper()}")
            if raw is not None:
                values[name] = [p for p in raw.split(os.pathsep) if p] if name == "examples" \
                    else raw
        return cls(**values)


@lru_cache
def get_settings() -> Settings:
    return Settings.from_env()
