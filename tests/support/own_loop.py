"""asyncio code from a test, in a thread of its own: the test's thread may
already run an event loop (Playwright's sync API leaves one), where
asyncio.run() refuses to start."""

from __future__ import annotations

import asyncio
import threading


def run_in_own_loop(scenario):
    """`asyncio.run(scenario())` in a new thread; its result, or its exception."""
    result, failure = [], []

    def target():
        try:
            result.append(asyncio.run(scenario()))
        except BaseException as exc:  # handed to the caller
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]
