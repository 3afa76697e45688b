"""The browser of the browser tests here: Debian's Chromium, as everywhere
(tests/support/chromium.py)."""

from chromium import browser_type_launch_args  # noqa: F401 (a fixture)
