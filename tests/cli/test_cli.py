"""The command line: `chainrule serve` runs the app on the given port."""

import json
import subprocess
import sys
import urllib.request

from live_server import running_server, script


def test_chainrule_serve_answers_on_its_port():
    executable = script("chainrule")
    assert executable, "the console script is installed with the package"
    with running_server([executable, "serve"]) as base:
        with urllib.request.urlopen(f"{base}/api/examples/simple") as response:
            doc = json.load(response)
    assert doc["gradients"]["w"] == 80.5293954641633


def test_python_dash_m_app_serves_too():
    with running_server() as base:
        with urllib.request.urlopen(f"{base}/healthz") as response:
            assert json.load(response) == {"status": "ok"}


def test_help_lists_serve_and_its_options():
    result = subprocess.run([sys.executable, "-m", "app", "serve", "--help"],
                            capture_output=True, text=True, check=True)
    assert "--host" in result.stdout and "--port" in result.stdout


def test_unknown_command_exits_with_usage():
    result = subprocess.run([sys.executable, "-m", "app", "fly"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage: chainrule" in result.stderr
