"""Training data as the course notebooks make it: `arange`, seeded uniform
random numbers, a target formula of the other columns, or a small CSV.

A data spec maps each data input of the graph to one column:

    {"x": {"arange": [0, 1, 0.01]},
     "ystar": "exp(0.5*x + 2)"}                       # a formula of other columns
    {"x1": {"uniform": [0, 1], "n": 30, "seed": 0}, ...}
    {"x": {"values": [0.1, 0.2]}, ...}

Formulas are written in the expression language and evaluated by compiling
them (never by Python's eval).
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np

from engine.compile import compile_graph, forward_array
from engine.parser import ParseError, parse

MAX_ROWS = 100_000


class DataError(ValueError):
    """A data spec or CSV that cannot make a table; says which column."""


def make_columns(spec: dict, points: int | None = None) -> dict[str, np.ndarray]:
    """Columns of equal length from a data spec. `points` overrides the `n`
    of random columns (the 300-point exercise of linear regression)."""
    columns: dict[str, np.ndarray] = {}
    formulas: dict[str, str] = {}
    for name, column in spec.items():
        if isinstance(column, str):
            formulas[name] = column
        elif isinstance(column, dict):
            columns[name] = _generated(name, column, points)
        else:
            raise DataError(f"column '{name}': give arange, uniform, values or a formula")
    lengths = {len(c) for c in columns.values()}
    if len(lengths) > 1:
        raise DataError(f"the columns have different lengths: {sorted(lengths)}")
    for name, formula in formulas.items():
        columns[name] = evaluate(formula, columns, name)
    for name, values in columns.items():
        if len(values) == 0 or len(values) > MAX_ROWS:
            raise DataError(f"column '{name}' has {len(values)} rows; 1 to {MAX_ROWS} allowed")
    return {name: columns[name] for name in spec}


def _generated(name: str, column: dict, points: int | None) -> np.ndarray:
    try:
        if "arange" in column:
            start, stop, step = (float(v) for v in column["arange"])
            if step == 0 or (stop - start) / step > MAX_ROWS:
                raise DataError(f"column '{name}': arange gives more than {MAX_ROWS} rows")
            return np.arange(start, stop, step)
        if "uniform" in column:
            low, high = (float(v) for v in column["uniform"])
            n = int(points if points is not None else column.get("n", 100))
            if not 0 < n <= MAX_ROWS:
                raise DataError(f"column '{name}': n must be 1 to {MAX_ROWS}")
            return np.random.default_rng(int(column.get("seed", 0))).uniform(low, high, n)
        if "values" in column:
            return np.asarray([float(v) for v in column["values"]], dtype=float)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"column '{name}': {exc}") from None
    raise DataError(f"column '{name}': give arange, uniform, values or a formula")


def evaluate(formula: str, columns: dict[str, np.ndarray], name: str = "target") -> np.ndarray:
    """A formula of the columns, on every row at once."""
    try:
        parsed = parse(formula, {n: 1.0 for n in columns if _mentions(formula, n)})
    except ParseError as exc:
        raise DataError(f"column '{name}': {exc}") from None
    used = list(parsed.inputs)
    program = compile_graph(parsed.output, [], used)
    with np.errstate(all="ignore"):
        result = forward_array(program)(*(columns[n] for n in used))
    length = len(next(iter(columns.values()))) if columns else 1
    return np.broadcast_to(np.asarray(result, dtype=float), (length,)).copy()


def _mentions(formula: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", formula) is not None


def read_csv(text: str, max_bytes: int = 2_000_000) -> dict[str, np.ndarray]:
    """Columns from a CSV with a header row of names and numbers below."""
    if len(text) > max_bytes:
        raise DataError(f"the CSV is larger than {max_bytes} bytes")
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if len(rows) < 2:
        raise DataError("the CSV needs a header row and at least one row of numbers")
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header) or not all(header):
        raise DataError("the CSV header needs distinct, non-empty column names")
    if len(rows) - 1 > MAX_ROWS:
        raise DataError(f"the CSV has more than {MAX_ROWS} rows")
    columns = {h: [] for h in header}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(f"CSV line {number}: {len(row)} cells, the header has {len(header)}")
        for h, cell in zip(header, row):
            try:
                columns[h].append(float(cell))
            except ValueError:
                raise DataError(f"CSV line {number}, column '{h}': '{cell[:20]}' is not a "
                                "number") from None
    return {h: np.asarray(v) for h, v in columns.items()}
