"""`chainrule serve`'s worker count: one per two cores unless told, and the
document pools share the cores among the workers."""

import os
import subprocess
import sys

from app.cli import _share_the_cores, default_workers, main


def test_the_default_is_one_worker_per_two_cores():
    assert default_workers() == max(1, len(os.sched_getaffinity(0)) // 2)
    help_text = subprocess.run([sys.executable, "-m", "app", "serve", "--help"],
                               capture_output=True, text=True, timeout=60).stdout
    assert f"default: one per two cores, {default_workers()} here" in " ".join(help_text.split())


def test_the_workers_share_the_cores_for_documents(monkeypatch):
    monkeypatch.delenv("CHAINRULE_HEAVY_PROCESSES", raising=False)
    _share_the_cores(2)
    assert os.environ["CHAINRULE_HEAVY_PROCESSES"] == str(max(1, len(os.sched_getaffinity(0)) // 2))
    monkeypatch.setenv("CHAINRULE_HEAVY_PROCESSES", "3")   # the user's setting wins
    _share_the_cores(2)
    assert os.environ["CHAINRULE_HEAVY_PROCESSES"] == "3"


def test_one_worker_keeps_the_pool_of_all_the_cores(monkeypatch):
    monkeypatch.delenv("CHAINRULE_HEAVY_PROCESSES", raising=False)
    _share_the_cores(1)
    assert "CHAINRULE_HEAVY_PROCESSES" not in os.environ


def test_no_workers_is_refused(capsys):
    assert main(["serve", "--workers", "0"]) == 2
    assert capsys.readouterr().err == "chainrule: --workers must be at least 1, not 0\n"
