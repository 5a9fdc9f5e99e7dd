"""Layering of the apps (issue 12), read from the source: every `import` and `from … import`
of every module under src/lindung, including the lazy ones inside functions and those under
`if TYPE_CHECKING` (a dependency all the same), parsed with `ast`, never executed.

The allowed direction, lowest first; an app may import the apps before it, never after:

    core ← regions ← accounts ← audit ← registry ← programs ← imports ← contributions ← claims
    ← outreach ← monitoring ← reports ← notifications ← api ← demo

- `core` is the kernel: it imports no other app of Lindung.
- The app dependency graph has no cycle; a failure prints the cycle and where each of its
  imports is. The registry reaches the enrolments above it only through the seam the
  programmes declare (`registry.links`), never by importing `programs`.

- Every import follows that order (ORDER): no back edge is left (the last three, accounts ->
  audit, accounts -> api and contributions -> reports, were broken with signals and by moving
  the API token pages and the bill statement to the app they belong to).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import lindung

SRC = Path(lindung.__file__).parent
APPS = sorted(p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists())

ORDER = [
    "core",
    "regions",
    "accounts",
    "audit",
    "registry",
    "programs",
    "imports",
    "contributions",
    "claims",
    "outreach",
    "monitoring",
    "reports",
    "notifications",
    "api",
    "demo",
]


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) of every import statement of the module, at any depth."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "lindung":  # from lindung import registry
                out += [(f"lindung.{alias.name}", node.lineno) for alias in node.names]
            else:
                out.append((node.module, node.lineno))
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: relative import; write lindung.<app>")
    return out


def app_graph() -> dict[str, dict[str, list[str]]]:
    """importer app -> imported app -> ["registry/services.py:12", ...]."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or parts[0] not in APPS:
            continue  # settings, urls, wsgi, cli: the project, above every app
        app = parts[0]
        for module, line in _imports(path):
            names = module.split(".")
            if names[0] == "lindung" and len(names) > 1 and names[1] in APPS and names[1] != app:
                graph[app][names[1]].append(f"{path.relative_to(SRC)}:{line}")
    return graph


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as [a, b, …, a], or None (depth-first search, colouring)."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle_and_none_in_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_lazy_imports_inside_functions_count(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from lindung.programs.models import Enrolment\n    import lindung.claims\n"
        "from lindung import registry\n"
    )
    assert _imports(module) == [
        ("lindung.registry", 4),
        ("lindung.programs.models", 2),
        ("lindung.claims", 3),
    ]


def test_core_imports_no_other_app():
    graph = app_graph()
    assert not graph["core"], "core imports " + "; ".join(
        f"{app} ({', '.join(where)})" for app, where in sorted(graph["core"].items())
    )


def test_the_registry_imports_no_programme():
    graph = app_graph()
    assert "programs" not in graph["registry"], graph["registry"]["programs"]


def test_the_app_graph_has_no_cycle():
    graph = app_graph()
    cycle = find_cycle({app: set(deps) for app, deps in graph.items()})
    assert cycle is None, (
        "import cycle: "
        + " -> ".join(cycle)
        + "\n"
        + "\n".join(
            f"  {a} -> {b}: {', '.join(graph[a][b][:3])}"
            for a, b in zip(cycle, cycle[1:], strict=False)
        )
    )


def test_every_import_follows_the_order():
    """An app imports only the apps before it in ORDER (the README's order), and ORDER names
    every app."""
    graph = app_graph()
    assert sorted(ORDER) == APPS, "ORDER must name every app once"
    against = [
        f"{app} -> {dep}: {', '.join(where[:3])}"
        for app, deps in graph.items()
        for dep, where in deps.items()
        if ORDER.index(dep) > ORDER.index(app)
    ]
    assert not against, "imports against the order:\n" + "\n".join(against)
