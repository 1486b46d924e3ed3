"""The shape the code keeps: data flows one way, spiders only fetch and parse, functions
stay small. These read the source, so a change that breaks a rule fails here first."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Lowest first: each package may import only packages before it in this list.
LAYERS = ("timeline_spiders", "pipelines", "timeline_jobs", "timeline_site")
MAX_FUNCTION_LINES = 40
#: How a longer function says why it is long, in its docstring.
LONG_BECAUSE = "Longer than 40 lines because"
SQL = re.compile(r"\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b", re.I)


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def test_no_package_imports_a_package_above_it():
    wrong = []
    for layer, package in enumerate(LAYERS):
        for path in modules(package):
            above = {p for p in imported_packages(path) if LAYERS.index(p) > layer}
            wrong += [f"{path.relative_to(ROOT)} imports {p}" for p in sorted(above)]
    assert wrong == []


def test_the_import_graph_between_packages_has_no_cycle():
    edges: dict[str, set[str]] = defaultdict(set)
    for package in LAYERS:
        for path in modules(package):
            edges[package] |= imported_packages(path) - {package}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in edges[start]
        )

    assert [package for package in LAYERS if reaches(package, package, {package})] == []


def test_spiders_and_parsers_hold_no_sql_and_open_no_database():
    offenders = []
    for path in modules("timeline_spiders"):
        text = path.read_text(encoding="utf-8")
        if SQL.search(text) or "sqlite" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_function_is_longer_than_40_lines_without_saying_why():
    long = []
    for package in LAYERS:
        for path in modules(package):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    reason = LONG_BECAUSE in (ast.get_docstring(node) or "")
                    if length > MAX_FUNCTION_LINES and not reason:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {length}")
    assert long == []
