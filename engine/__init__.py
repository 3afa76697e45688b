"""chainrule's engine: scalar autodiff with recorded passes.

    from engine import Value          # micrograd's API
    from engine import parse, build_document, to_networkx, publish
"""

from engine.document import build_document, document_of_parsed
from engine.examples import Example, ExampleError, load_examples
from engine.graph import to_networkx
from engine.parser import Limits, ParseError, ParsedGraph, parse
from engine.publish import PublishError, publish
from engine.schema import DOCUMENT_VERSION, Document
from engine.trace import Trace, record
from engine.value import Value, topological_order

__all__ = ["Value", "topological_order", "parse", "ParseError", "ParsedGraph", "Limits",
           "record", "Trace", "build_document", "document_of_parsed", "Document",
           "DOCUMENT_VERSION", "to_networkx", "Example", "ExampleError", "load_examples",
           "publish", "PublishError"]
