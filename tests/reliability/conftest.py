"""Fault tests: each starts the real server (tests/support/live_server.py),
drives one fault, checks the answers (status, body, headers), and checks
that every graph saved before the fault loads afterwards, byte for byte."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))   # http_calls.py, the tests' client
