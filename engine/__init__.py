"""chainrule's engine: scalar autodiff with recorded passes.

    from engine import Value          # micrograd's API
    from engine import parse, build_document, to_networkx, publish
    from engine import group, nn     # with group("layer 1"): …; nn.MLP(2, [16, 16, 1])

Each name is imported from its module on first use (PEP 562), so `from engine
import Value` loads value.py alone, as light as micrograd; networkx, pydantic
and numpy come with the first name that needs them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself costs a few ms: not imported for this

# Public name → the module that defines it. No module may bear a public
# name: importing engine.publish would have replaced the function publish.
_HOME = {
    "Value": "engine.value", "topological_order": "engine.value",
    "parse": "engine.parser", "ParseError": "engine.parser",
    "ParsedGraph": "engine.parser", "Limits": "engine.parser",
    "record": "engine.trace", "Trace": "engine.trace",
    "build_document": "engine.document", "document_of_parsed": "engine.document",
    "Document": "engine.schema", "DOCUMENT_VERSION": "engine.schema",
    "to_networkx": "engine.graph",
    "Example": "engine.examples", "ExampleError": "engine.examples",
    "load_examples": "engine.examples",
    "publish": "engine.publishing", "PublishError": "engine.publishing",
    "group": "engine.groups", "Group": "engine.groups",
}

__all__ = list(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    # __import__ rather than importlib.import_module: -X importtime counts it.
    value = getattr(__import__(_HOME[name], fromlist=[name]), name)
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


if TYPE_CHECKING:  # what type checkers and readers see
    from engine.document import build_document, document_of_parsed
    from engine.examples import Example, ExampleError, load_examples
    from engine.graph import to_networkx
    from engine.groups import Group, group
    from engine.parser import Limits, ParseError, ParsedGraph, parse
    from engine.publishing import PublishError, publish
    from engine.schema import DOCUMENT_VERSION, Document
    from engine.trace import Trace, record
    from engine.value import Value, topological_order
