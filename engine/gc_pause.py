"""The cyclic garbage collector paused while a big graph is parsed or its
document built.

Those allocate tens of thousands of objects (ast nodes, Values, strings,
models) that stay alive until the end, none in a reference cycle, so each
collection the allocations trigger scans them all and frees nothing: on a
2,000-node graph that was about half the time. Reference counting still
frees everything; the collector resumes as it was when the last pause ends
(threads may pause at once: a count, not a flag).
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused():
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
