"""The package's layout holds: imports point one way, surfaces stay apart, nothing builds on import.

The imports are read from the source with ``ast`` (those inside functions too), so a lazy import
that closes a cycle or crosses a layer is caught as surely as one at the top of a module.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pertouch"

#: What each layer may import of ours (DESIGN.md, "Imports point one way").
LAYERS = {
    "core": set(),
    "providers": {"core"},
    "backbone": {"core"},
    "tools": {"core", "backbone", "providers"},
    "memory": {"core", "providers"},
    "graph": {"core", "backbone", "tools", "memory", "providers"},
    "training": {"core", "backbone", "tools"},
    "settings": {"core"},
    "services": {"core", "backbone", "tools", "memory", "providers", "graph", "settings"},
    "batch": {"core", "backbone", "tools", "memory", "providers", "graph", "settings", "services"},
}
#: The surfaces: what people run. None of them imports another, except that the command
#: launches them: the app and the MCP server from ``cli.serve`` (``pertouch ui`` / ``pertouch
#: mcp``), the batch from ``cli.batch`` (``pertouch batch``).
SURFACES = ("cli", "ui", "mcp_server", "batch")
LAUNCHERS = {
    "pertouch.cli.serve": ("pertouch.ui.app", "pertouch.mcp_server"),
    "pertouch.cli.batch": ("pertouch.batch.",),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _owner(name: str) -> str:
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _imports(name: str, path: Path) -> set[str]:
    """Modules of ours that ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):  # imports for type checkers only run nothing
        if isinstance(block, ast.If) and ast.unparse(block.test).endswith("TYPE_CHECKING"):
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parents = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parents, *([node.module] if node.module else [])])
            # `from pkg import submodule` depends on the submodule, not on pkg's __init__
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            targets = subs if len(subs) == len(node.names) else [base, *subs]
        else:
            continue
        out.update(_owner(t) for t in targets if t == "pertouch" or t.startswith("pertouch."))
    out.discard(name)
    out.discard("pertouch")  # the top package only re-exports lazily
    return out


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _part(name: str) -> str:
    parts = name.split(".")
    part = parts[1] if len(parts) > 1 else ""
    # the MCP surface's three modules
    return "mcp_server" if part in ("mcp_schemas", "mcp_trust") else part


def test_there_are_no_import_cycles():
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert cycles == []


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_layer_imports_only_the_layers_below_it(layer):
    crossing = {
        name: sorted(d for d in deps if _part(d) not in LAYERS[layer] | {layer})
        for name, deps in GRAPH.items()
        if _part(name) == layer
    }
    assert {name: deps for name, deps in crossing.items() if deps} == {}


def test_no_surface_imports_another_surface():
    crossing = {}
    for name, deps in GRAPH.items():
        own = _part(name)
        if own not in SURFACES:
            continue
        others = sorted(d for d in deps if _part(d) in SURFACES and _part(d) != own)
        launched = LAUNCHERS.get(name, ())
        others = [
            d
            for d in others
            if not any(d == t or (t.endswith(".") and d.startswith(t)) for t in launched)
        ]
        if others:
            crossing[name] = others
    assert crossing == {}


def test_the_app_and_mcp_share_the_service_layer_not_each_other():
    assert "pertouch.studio" in GRAPH["pertouch.mcp_server"]
    assert "pertouch.studio" in GRAPH["pertouch.ui.handlers"]
    assert not any(_part(d) in SURFACES for d in GRAPH["pertouch.studio"])


def test_importing_the_graph_builds_nothing_and_creates_no_folder(tmp_path):
    code = (
        "import pertouch, pertouch.graph.graph, pertouch.deployment, pertouch.api, pertouch.cli\n"
        "import sys; print(sorted(m for m in ('torch', 'diffusers', 'gradio', 'chromadb') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "PERTOUCH_HOME": str(tmp_path / "home"), "TMPDIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == "[]"
    assert list(tmp_path.iterdir()) == []


def test_modules_over_300_lines_say_why_at_the_top():
    long = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        docstring = (ast.get_docstring(ast.parse(text)) or "").lower()
        if text.count("\n") > 300 and "longer than 300 lines" not in docstring:
            long.append(name)
    assert long == []
