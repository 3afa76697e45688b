"""Install chainrule as its users do, then serve it.

Each path starts from a copy of what a clone holds (pyproject.toml, README,
engine/, app/, static/, templates/), installs chainrule into a venv of its
own outside the checkout and runs that venv's `chainrule serve` from a
folder outside it too, so nothing can be imported from the repository by
accident:

- `wheel`: `pip wheel --no-deps .`, then `pip install chainrule-*.whl`;
- `source`: `pip install .` (not editable).

The venv's dependencies come from the package index once per module (pip's
cache makes that quick), as installing the wheel resolved them: installing
them, not chainrule, was most of each path's time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from live_server import PROJECT_ROOT, running_server

pytestmark = pytest.mark.install

# No bytecode for the dependencies (numpy, networkx...): compiling them took
# half of each install, and what is tested is what chainrule ships and serves.
PIP_INSTALL = ("-q", "--no-compile")

# What the build may read: anything else a clone holds must not be needed.
SHIPPED = ("pyproject.toml", "README.md", "engine", "app", "static", "templates")
SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def run(command: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def clean_environment(home: Path) -> dict:
    """This session's variables less those that would let the venv see the
    checkout or the test venv; saved graphs go to a scratch folder."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(PROJECT_ROOT)))
    env["XDG_DATA_HOME"] = str(home)
    env["CHAINRULE_DATABASE"] = str(home / "graphs.db")
    return env


def copy_of_checkout(target: Path) -> Path:
    target.mkdir()
    for name in SHIPPED:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=SKIPPED)
        else:
            shutil.copy2(source, target / name)
    return target


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=20) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


@pytest.fixture(scope="module")
def install_venv(tmp_path_factory):
    """The wheel of a copy of the checkout (and pip's words building it), and
    a venv holding chainrule's dependencies: chainrule was installed there
    from that wheel, which resolved them, then uninstalled. Each path then
    installs chainrule alone, pip checking that the dependencies are
    satisfied."""
    home = tmp_path_factory.mktemp("install")
    env = clean_environment(home)
    source = copy_of_checkout(home / "clone")
    venv = home / "venv"
    python = venv / "bin" / "python"
    run([sys.executable, "-m", "venv", venv], home, env)
    built = run([python, "-m", "pip", "wheel", "--no-deps", "-v", "-w", home / "dist", source], home, env)
    wheel, = (home / "dist").glob("chainrule-*.whl")
    run([python, "-m", "pip", "install", *PIP_INSTALL, wheel], home, env)
    run([python, "-m", "pip", "uninstall", "-y", "-q", "chainrule"], home, env)
    return {"venv": venv, "wheel": wheel, "build_log": built.stdout + built.stderr}


@pytest.mark.parametrize("how", ["wheel", "source"])
def test_an_installed_chainrule_serves_its_pages(how, tmp_path, install_venv):
    env = clean_environment(tmp_path)
    venv = install_venv["venv"]
    python = venv / "bin" / "python"
    started = time.monotonic()

    if how == "wheel":
        # A folder of static/ that pyproject does not list is still copied
        # today, with a warning that a later setuptools will drop it.
        unlisted = re.findall(r"Package '([^']+)' is absent from the `packages`", install_venv["build_log"])
        assert not unlisted, f"list these folders in pyproject's packages: {unlisted}"
        names = set(zipfile.ZipFile(install_venv["wheel"]).namelist())
        for folder, inside in (("static", "app/_static/"), ("templates", "app/_templates/")):
            missing = {f for f in files_under(PROJECT_ROOT / folder) if inside + f not in names}
            assert not missing, f"the wheel lacks {folder}/ files: {sorted(missing)[:5]}"
        run([python, "-m", "pip", "install", *PIP_INSTALL, install_venv["wheel"]], tmp_path, env)
    else:   # a copy of its own: building the wheel left build/ and an egg-info in the fixture's
        run([python, "-m", "pip", "install", *PIP_INSTALL, copy_of_checkout(tmp_path / "clone")], tmp_path, env)
    installed = time.monotonic() - started
    try:
        serves_its_pages(venv, tmp_path, env)
    finally:
        run([python, "-m", "pip", "uninstall", "-y", "-q", "chainrule"], tmp_path, env)
    print(f"\n{how}: install in {installed:.1f} s, all in {time.monotonic() - started:.1f} s")


def serves_its_pages(venv: Path, tmp_path: Path, env: dict) -> None:
    python = venv / "bin" / "python"
    # The app and its folders come from the venv, not from the checkout.
    where = run([python, "-c", "import app.paths as p; print(p.__file__); "
                 "print(p.static_dir()); print(p.templates_dir())"], tmp_path, env)
    site_packages = str(venv / "lib")
    assert all(line.startswith(site_packages) for line in where.stdout.split()), where.stdout

    with running_server([venv / "bin" / "chainrule", "serve"], env=env, cwd=tmp_path) as base:
        status, kind, index = fetch(f"{base}/")
        assert status == 200 and kind.startswith("text/html")
        assert b'href="/examples/simple"' in index
        # The page's own links to its assets, content hash and all.
        assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', index)
        assert any(a.startswith((b"/static/js/", b"/static/bundle/")) for a in assets), \
            index[:500]
        for asset in assets:
            status, kind, body = fetch(base + asset.decode().replace("&amp;", "&"))
            assert status == 200 and body, asset
        status, kind, katex = fetch(f"{base}/static/vendor/katex-0.16.22.min.js")
        assert status == 200 and kind.startswith(("text/javascript", "application/javascript"))
        assert katex == (PROJECT_ROOT / "static/vendor/katex-0.16.22.min.js").read_bytes()
        status, kind, page = fetch(f"{base}/examples/simple")
        assert status == 200 and kind.startswith("text/html")
        assert b'id="graph-document"' in page and b'"gradients"' in page
    # The offline export reads the same folders: the player's modules and KaTeX.
    run([venv / "bin" / "chainrule", "export", "simple", "--format", "html",
         "-o", tmp_path / "simple.html"], tmp_path, env)
    offline = (tmp_path / "simple.html").read_text(encoding="utf-8")
    assert "katex" in offline and "graph-document" in offline
