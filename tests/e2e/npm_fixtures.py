"""Browser-test fixtures from the npm registry, installed by tests/run.sh into
tests/.npm (never committed): axe-core, and reveal.js for the deck tests. A
run of pytest alone installs them the same way when npm is there."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / ".npm"
PACKAGES = {"axe-core": ("4.14.1", "axe.min.js"), "reveal.js": ("5.2.1", "dist/reveal.js")}


def npm_file(package: str) -> Path:
    """A file of an npm fixture (installing the fixtures if they are missing)."""
    version, path = PACKAGES[package]
    target = ROOT / "node_modules" / package / path
    if not target.exists():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed (tests/run.sh installs it)")
        subprocess.run(["npm", "install", "--prefix", str(ROOT), "--no-save", "--no-audit", "--no-fund",
                        "--loglevel=error", *(f"{name}@{v}" for name, (v, _) in PACKAGES.items())],
                       check=True, timeout=300)
    return target
