#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (Debian's
# chromium for the browser tests and nodejs for the JavaScript unit tests,
# the Python packages in .venv), then runs every test: first the JavaScript
# unit tests (node --test tests/js/), then pytest. Extra arguments go to
# pytest: bash tests/run.sh tests/engine -x
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

echo "== running the JavaScript unit tests"
# Their fixtures are made by the app itself, with this Python (tests/js/fixtures.py).
CHAINRULE_PYTHON="$PWD/.venv/bin/python" node --test --test-reporter=spec tests/js/

echo "== running the tests"
export PATH="$PWD/.venv/bin:$PATH"  # console scripts: chainrule, hadolint
exec .venv/bin/python -m pytest "$@"
