#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (Debian's
# chromium for the browser tests and nodejs for the JavaScript unit tests,
# axe-core and reveal.js from the npm registry as browser-test fixtures,
# the Python packages in .venv), then runs every test: first the JavaScript
# unit tests (node --test tests/js/), then pytest, one worker per core
# (pytest-xdist). Extra arguments go to pytest: bash tests/run.sh tests/engine -x
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian's chromium for the browser tests"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-liberation >/dev/null
fi

if ! command -v node >/dev/null 2>&1; then
    echo "== installing Debian's nodejs for the JavaScript unit tests"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv
fi
echo "== installing chainrule and its test dependencies"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,bench]'

if ! command -v npm >/dev/null 2>&1; then
    echo "== installing Debian's npm, to fetch the browser tests' npm fixtures"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq npm >/dev/null
fi
# Test fixtures from the npm registry, never committed (.gitignore): axe-core for the
# accessibility checks, reveal.js for the clicker-driven deck (tests/e2e/npm_fixtures.py).
if [ ! -f tests/.npm/node_modules/axe-core/axe.min.js ] || [ ! -f tests/.npm/node_modules/reveal.js/dist/reveal.js ]; then
    echo "== installing axe-core and reveal.js for the browser tests (tests/.npm)"
    npm install --prefix tests/.npm --no-save --no-audit --no-fund --loglevel=error \
        axe-core@4.14.1 reveal.js@5.2.1 >/dev/null
fi

echo "== running the JavaScript unit tests"
# Their fixtures are made by the app itself, with this Python (tests/js/fixtures.py).
CHAINRULE_PYTHON="$PWD/.venv/bin/python" node --test --test-reporter=spec tests/js/

echo "== running the tests"
export PATH="$PWD/.venv/bin:$PATH"  # console scripts: chainrule, hadolint
# One worker per core (PYTEST_WORKERS=0: in this process), each test file whole
# on one worker: its module fixtures (a built site, a lecture server) are made once.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" --dist loadfile --durations=10 "$@"
