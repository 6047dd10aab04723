"""Functions <= 80 lines, modules <= 600 lines (../shared/STYLE.md, the working agreement).

Read from the syntax tree: a function's length runs from its ``def`` line to its last line
(decorators not counted; a nested function counts for itself and inside its parent), a module's
length is its number of lines. A long function is split by job, not by cutting it anywhere.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("flashpoint", "streams", "agents")
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 600

# Functions known to be over the limit while someone splits them. Each entry must still be over
# the limit (test_every_pending_function_is_still_over_the_limit): once it is split, the entry goes.
PENDING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FunctionSize:
    key: str  # "path::Outer.inner", the path relative to the repository root
    lines: int

    def __str__(self) -> str:
        return f"{self.key}: {self.lines} lines"


def function_sizes(source: str, path: str) -> list[FunctionSize]:
    """Every function and method in a module, nested ones included, with its length in lines."""
    sizes: list[FunctionSize] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                end = child.end_lineno if child.end_lineno is not None else child.lineno
                sizes.append(FunctionSize(f"{path}::{name}", end - child.lineno + 1))
                visit(child, f"{name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(source), "")
    return sizes


def source_files(root: Path) -> list[Path]:
    return [p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))]


def all_function_sizes(root: Path) -> list[FunctionSize]:
    return [size for path in source_files(root)
            for size in function_sizes(path.read_text(encoding="utf-8"), path.relative_to(root).as_posix())]


def test_the_walk_finds_the_packages() -> None:
    found = {p.relative_to(ROOT).parts[0] for p in source_files(ROOT)}
    assert found == set(PACKAGES)
    assert len(all_function_sizes(ROOT)) > 500  # a broken walk would pass everything


def test_every_function_is_at_most_80_lines() -> None:
    too_long = [str(s) for s in all_function_sizes(ROOT) if s.lines > MAX_FUNCTION_LINES and s.key not in PENDING]
    assert too_long == []


def test_every_pending_function_is_still_over_the_limit() -> None:
    sizes = {s.key: s.lines for s in all_function_sizes(ROOT)}
    stale = {key: sizes.get(key) for key in PENDING if sizes.get(key, 0) <= MAX_FUNCTION_LINES}
    assert stale == {}, "split (or gone): remove these from PENDING"


def test_every_module_is_at_most_600_lines() -> None:
    too_long = []
    for path in source_files(ROOT):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE_LINES:
            too_long.append(f"{path.relative_to(ROOT).as_posix()}: {lines} lines")
    assert too_long == []


def _function(name: str, body_lines: int, indent: str = "") -> str:
    body = "".join(f"{indent}    x{i} = {i}\n" for i in range(body_lines))
    return f"{indent}def {name}() -> None:\n{body}"


@pytest.mark.parametrize(("source", "expected"), [
    (_function("f", 79), {"m.py::f": 80}),
    (_function("f", 80), {"m.py::f": 81}),
    ("@decorator\n" + _function("f", 2), {"m.py::f": 3}),
    ("class C:\n" + _function("method", 3, "    ").replace("def", "async def"), {"m.py::C.method": 4}),
    (_function("outer", 1) + _function("inner", 2, "    "), {"m.py::outer": 5, "m.py::outer.inner": 3}),
    ("if True:\n" + _function("f", 1, "    "), {"m.py::f": 2}),
], ids=["80-lines", "81-lines", "decorator-not-counted", "async-method", "nested", "under-an-if"])
def test_function_sizes_count_from_def_to_last_line(source: str, expected: dict[str, int]) -> None:
    assert {s.key: s.lines for s in function_sizes(source, "m.py")} == expected
