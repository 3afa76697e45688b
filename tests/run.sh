#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what it needs (Debian's
# chromium for the browser tests, the Python packages in .venv), then runs
# every test. Extra arguments go to pytest: bash tests/run.sh tests/engine -x
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Debian's chromium for the browser tests"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium fonts-liberation >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv"
    python3 -m venv .venv
fi
echo "== installing chainrule and its test dependencies"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,bench]'

echo "== running the tests"
export PATH="$PWD/.venv/bin:$PATH"  # console scripts: chainrule, hadolint
exec .venv/bin/python -m pytest "$@"
