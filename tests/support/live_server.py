"""A real uvicorn server in a subprocess on a free port, for tests that need
one (the CLI, the browser): started, polled until it answers, then stopped."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def script(name: str) -> str | None:
    """A console script installed beside this Python (the venv's bin), or on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no answer from {url} after {timeout} s")


class Server(str):
    """A server's base URL that also knows the server's process id and log."""
    pid: int
    log: Path

    def process_ids(self) -> list[int]:
        """The server and its worker processes (uvicorn --workers)."""
        found, stack = [], [self.pid]
        while stack:
            pid = stack.pop()
            found.append(pid)
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    stack.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
        return found


@contextmanager
def running_server(command: list | None = None, env: dict | None = None,
                   cwd: Path = PROJECT_ROOT):
    """Yield the base URL of a server started with `command` (default:
    `chainrule serve` through `python -m app`) in `cwd` on a free port, with
    its saved graphs in a fresh temporary database unless `env` names one."""
    port = free_port()
    command = command or [sys.executable, "-m", "app", "serve"]
    scratch = tempfile.mkdtemp(prefix="chainrule-test-")
    environment = {**os.environ, "CHAINRULE_DATABASE": os.path.join(scratch, "graphs.db"),
                   **(env or {})}
    log = open(os.path.join(scratch, "server.log"), "wb")
    process = subprocess.Popen(command + ["--host", "127.0.0.1", "--port", str(port)],
                               cwd=cwd, env=environment, stdout=log,
                               stderr=subprocess.STDOUT)
    base = Server(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    base.log = Path(log.name)
    try:
        wait_until_up(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
