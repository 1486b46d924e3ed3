"""No module of the project imports, directly or through others, a module that imports it.

A cycle between modules means neither can be read, tested or changed alone, and it
works only by the order Python happens to run them in. The graph is built from the
source with `ast`: every import a module makes when it is loaded (at the top, or in an
`if`/`try` at the top, `if TYPE_CHECKING:` included, since a type-only cycle is still
two modules that need each other), but not imports inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("timeline_spiders", "pipelines", "timeline_jobs", "timeline_site", "bench")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        if (ROOT / package).is_dir()
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def load_time_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports run when the module is loaded: not those inside a function."""
    found: list[ast.Import | ast.ImportFrom] = []
    waiting: list[ast.AST] = list(tree.body)
    while waiting:
        node = waiting.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            waiting += ast.iter_child_nodes(node)
    return found


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The project's modules that `name` imports when it is loaded."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in load_time_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([base] if base else [])])
        found.add(base)
        # `from package import module` loads the module itself.
        found |= {f"{base}.{alias.name}" for alias in node.names}
    return (found & known) - {name}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle of the graph as the modules along it, or [] when there is none."""
    done: set[str] = set()
    for start in sorted(set(graph) - done):
        path, on_path = [start], {start}
        stack = [(start, iter(sorted(graph[start])))]
        while stack:
            node, following = stack[-1]
            nxt = next(following, None)
            if nxt is None:
                stack.pop()
                path.pop()
                on_path.discard(node)
                done.add(node)
            elif nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                stack.append((nxt, iter(sorted(graph.get(nxt, ())))))
                path.append(nxt)
                on_path.add(nxt)
    return []


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "pipelines.tagging.rules" in graph["pipelines.tagging.reading"]
    assert "pipelines.tagging.rule_reading" in graph["pipelines.tagging.reading"]


def test_a_cycle_is_found_however_long():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_load_time_imports_include_type_checking_blocks_but_not_functions():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import x\n"
        "def f():\n    import y\n"
    )
    names = {alias.name for node in load_time_imports(tree) for alias in node.names}
    assert names == {"TYPE_CHECKING", "x"}


def test_no_module_of_the_project_imports_itself_through_others():
    assert find_cycle(import_graph()) == []
