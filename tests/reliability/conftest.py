"""Fault tests: each starts the real server (tests/support/live_server.py),
drives one fault, checks the answers (status, body, headers), and checks
that every graph saved before the fault loads afterwards, byte for byte.
The page's side of a 429 runs in Debian's Chromium, as tests/e2e does."""

import sys
from pathlib import Path

import pytest
from chromium import browser_type_launch_args  # noqa: F401 (a fixture)

sys.path.insert(0, str(Path(__file__).parent))   # http_calls.py, the tests' client



