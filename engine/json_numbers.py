"""Numbers in strict JSON: a non-finite float is written as the string
"Infinity", "-Infinity" or "NaN", never as a bare token. Shared by the
document's schema and its codec, which both read and write numbers."""

from __future__ import annotations

import math

NON_FINITE = ("Infinity", "-Infinity", "NaN")


def encode_number(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")


def decode_number(x):
    """The three strings stand for the non-finite floats; anything else is
    checked strictly (no true/false, no numeric strings)."""
    return float(x) if isinstance(x, str) and x in NON_FINITE else x
