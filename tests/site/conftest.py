"""The static course site (`chainrule build-site`): built once per session,
served by `python -m http.server`, read as files and in Debian's Chromium."""

import subprocess
import sys

import pytest
from chromium import browser_type_launch_args  # noqa: F401 (a fixture)
from live_server import free_port, wait_until_up


def run_build_site(out, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "build-site", str(out), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def build():
    """`chainrule build-site OUT ARGS...`, as a user runs it."""
    return run_build_site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site of the course examples, with no server configured."""
    out = tmp_path_factory.mktemp("site")
    result = run_build_site(out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def static_host(site):
    """`python -m http.server` serving the site: a static host, no chainrule."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                                "127.0.0.1", "--directory", str(site)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/index.html", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
