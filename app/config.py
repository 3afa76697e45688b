"""Settings of a running server, read once from the environment.

Tests build their own Settings and pass them to create_app; the running
server reads CHAINRULE_* environment variables (see the README)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseModel):
    max_source_chars: int = 20_000
    max_nodes: int = 10_000
    max_depth: int = 500
    max_body_bytes: int = 1_000_000
    static_dir: Path = PROJECT_ROOT / "static"
    templates_dir: Path = PROJECT_ROOT / "templates"

    @classmethod
    def from_env(cls) -> Settings:
        """CHAINRULE_MAX_NODES=2000 sets max_nodes, and so on for each field."""
        values = {}
        for name in cls.model_fields:
            raw = os.environ.get(f"CHAINRULE_{name.upper()}")
            if raw is not None:
                values[name] = raw
        return cls(**values)


@lru_cache
def get_settings() -> Settings:
    return Settings.from_env()
