"""The course examples, as data files (one TOML file each) beside this module.

A file holds `slug`, `title`, `description`, `source` (in the expression
language, with the slides' names), `values`, `data` (the inputs that need no
gradient), `labels` (names on screen, such as ystar → y*) and optionally
`training` (how the course trains it). A lecturer's own files use the same
format.

A file may instead name a `generator` (engine/examples/moons.py's
GENERATORS): Python then writes its source, values, data and labels, for an
example too big to write by hand, such as micrograd's two-moons MLP.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from engine.document import document_of_parsed
from engine.parser import ParseError, ParsedGraph, parse
from engine.schema import Document

BUILTIN_FOLDER = Path(__file__).parent
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class ExampleError(ValueError):
    """A malformed example file: which file, which line, what is wrong."""

    def __init__(self, path: Path | str, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


@dataclass(frozen=True)
class Example:
    slug: str
    title: str
    source: str
    values: dict[str, float]
    data: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    description: str = ""
    training: dict = field(default_factory=dict)

    def parse(self) -> ParsedGraph:
        return parse(self.source, self.values, self.data)

    def document(self) -> Document:
        """The graph document of the example, with its title and names on screen."""
        return document_of_parsed(self.parse(), title=self.title, labels=self.labels)


def _line_of(text: str, key: str) -> int:
    """The line where `key` is set (or its table starts), else 1."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*\[?{re.escape(key)}\b", line):
            return number
    return 1


def load_example(path: Path) -> Example:
    """Read and check one example file; raises ExampleError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExampleError(path, 0, f"cannot read it: {exc}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise ExampleError(path, int(match.group(1)) if match else 1, str(exc)) from None

    def line_of(key: str) -> int:
        return _line_of(text, key)

    if "generator" in raw:
        from engine.examples.moons import GENERATORS
        if raw["generator"] not in GENERATORS:
            raise ExampleError(path, line_of("generator"),
                               f"no generator is named {raw['generator']!r}; "
                               f"there are {', '.join(sorted(GENERATORS))}")
        raw = {**raw, **GENERATORS[raw["generator"]]()}

    for key, kind in (("slug", str), ("title", str), ("source", str), ("values", dict)):
        if not isinstance(raw.get(key), kind):
            raise ExampleError(path, line_of(key), f"'{key}' is missing or not a {kind.__name__}")
    if not _SLUG.match(raw["slug"]):
        raise ExampleError(path, line_of("slug"), "a slug is lower-case letters, digits and -")
    for name, value in raw["values"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ExampleError(path, line_of(name), f"the value of '{name}' is not a number")
    labels = raw.get("labels", {})
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise ExampleError(path, line_of("labels"), "labels map names to text, as ystar = \"y*\"")
    if not isinstance(raw.get("data", []), list) or \
            not all(isinstance(v, str) for v in raw.get("data", [])):
        raise ExampleError(path, line_of("data"), "data is a list of input names")
    source = raw["source"].rstrip()
    blank_lines_before = len(source) - len(source.lstrip("\n"))
    example = Example(slug=raw["slug"], title=raw["title"], source=source.lstrip("\n"),
                      values={k: float(v) for k, v in raw["values"].items()},
                      data=list(raw.get("data", [])), labels=dict(raw.get("labels", {})),
                      description=" ".join(raw.get("description", "").split()),
                      training=dict(raw.get("training", {})))
    try:
        example.parse()
    except ParseError as exc:
        # The source starts on the line after `source = """`.
        source_line = line_of("source") + blank_lines_before + exc.line
        raise ExampleError(path, source_line, f"in the source: {exc.message}") from None
    return example


def load_examples(folder: Path = BUILTIN_FOLDER) -> dict[str, Example]:
    """Every example file in `folder`, by slug, in file-name order."""
    return load_example_paths([folder])


def load_example_paths(paths: list[Path], known: dict[str, Example] | None = None
                       ) -> dict[str, Example]:
    """Example files and folders of them, added after `known` (the built-in
    examples, say); a slug used twice is an error."""
    examples = dict(known or {})
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(path.glob("*.toml"))
        elif path.is_file():
            files = [path]
        else:
            raise ExampleError(path, 0, "no such file or folder")
        for file in files:
            example = load_example(file)
            if example.slug in examples:
                raise ExampleError(file, _line_of(file.read_text(encoding="utf-8"), "slug"),
                                   f"the slug '{example.slug}' is already taken")
            examples[example.slug] = example
    return examples
