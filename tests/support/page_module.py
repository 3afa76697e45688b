"""The page's own ES modules (static/js) run in node, so that a Python test
can hold them to what the engine writes: one helper for every test that
does."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"


def run_page_module(module: str, names: str, expression: str, payload: str) -> Any:
    """`expression` evaluated in node over `input` (the JSON `payload`, read
    from stdin) with `names` imported from static/js/`module`; its value,
    back through JSON. Skips the test when node is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (tests/run.sh installs it)")
    script = (f"import({json.dumps((STATIC_JS / module).as_uri())}).then(({{ {names} }}) => {{"
              " const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              f" console.log(JSON.stringify({expression})); }});")
    result = subprocess.run([node, "-e", script], input=payload, capture_output=True, text=True,
                            timeout=120, check=True)
    return json.loads(result.stdout)
