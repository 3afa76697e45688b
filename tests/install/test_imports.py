"""What importing costs and what it drags in (loads are counted, never timed):
`from engine import Value` stays as light as micrograd's, every public name
of the package still resolves, and the modules of engine/ and app/ import
each other without a cycle when they load."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pytest

from live_server import PROJECT_ROOT

HEAVY = ("networkx", "pydantic", "numpy", "urllib.request", "fastapi")


def loaded_after(statement: str) -> list[str]:
    """The heavy libraries in sys.modules after `statement`, in a fresh Python."""
    probe = f"import sys; {statement}; print(__import__('json').dumps(" \
            f"[m for m in {HEAVY!r} if m in sys.modules]))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, check=True)
    return json.loads(done.stdout)


def test_from_engine_import_value_loads_no_heavy_library():
    assert loaded_after("from engine import Value; Value(2.0) * Value(3.0)") == []


def test_a_heavy_library_comes_with_the_name_that_needs_it():
    assert "pydantic" in loaded_after("from engine import Document")
    assert "networkx" in loaded_after("from engine import to_networkx")
    assert "numpy" in loaded_after("from engine.training import Trainer")


def test_every_public_name_resolves_to_its_module_object():
    import engine
    for name in engine.__all__:
        value = getattr(engine, name)
        home = sys.modules[engine._HOME[name]]
        assert value is getattr(home, name), name
    assert set(engine.__all__) <= set(dir(engine))
    with pytest.raises(AttributeError, match="no attribute 'Valeu'"):
        engine.Valeu  # noqa: B018


def test_no_module_of_the_engine_bears_a_public_name():
    """Importing a submodule sets it as the package's attribute: a module
    engine/publish.py would replace the function engine.publish."""
    import engine
    modules = {p.stem for p in (PROJECT_ROOT / "engine").iterdir()
               if p.suffix == ".py" or (p / "__init__.py").exists()}
    assert not modules & set(engine.__all__)


def _load_time_imports(body: list[ast.stmt], modules: set[str]) -> set[str]:
    """The modules a file imports while it loads: its top level and the
    branches there, not function bodies nor `if TYPE_CHECKING:` blocks."""
    found: set[str] = set()
    for node in body:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:  # `from engine import safe_math` is a module
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                found |= _load_time_imports(node.body + node.orelse, modules)
        elif isinstance(node, (ast.Try, ast.With)):
            found |= _load_time_imports(node.body, modules)
        elif isinstance(node, ast.ClassDef):
            found |= _load_time_imports(node.body, modules)
    return found


def _module_name(path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_engine_and_app_modules_load_without_an_import_cycle():
    files = [*PROJECT_ROOT.glob("engine/**/*.py"), *PROJECT_ROOT.glob("app/**/*.py")]
    modules = {_module_name(p): p for p in files}
    graph = {name: sorted(m for m in _load_time_imports(ast.parse(p.read_text()).body,
                                                        set(modules))
                          if m in modules and m != name)
             for name, p in modules.items()}
    # Depth-first search; a module met again while still on the path closes a cycle.
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in graph[name]:
            if state.get(target) == "open":
                cycle = path[path.index(target):] + [target] if target in path else [target]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if target not in state:
                visit(target, path + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
