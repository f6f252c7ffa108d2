"""The engine's import graph: every module imports, no two modules import each other (directly or
through others), and config loading stays light.

The graph is read from the source (ast), not from a run, so an import inside a function counts as
much as one at the top: a late import still makes the two modules one tangle to read and to move.
Imports under `if TYPE_CHECKING:` do not count (they never run). Dynamic imports
(importlib.import_module with a computed name) cannot be read this way and do not count.
The box-side scripts of autograder/sandbox/ (zygote.py, child.py, timed.py) run in the student's
process from their own folder and import their siblings by bare name (`import wire`): those
imports are resolved to the siblings for the graph, and the scripts are not imported here.
"""
from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autograder"


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (a package by its __init__.py)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import/ImportFrom node that can run: at the top, in functions, in classes; not under
    `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _imports(node)


BOX = PACKAGE / "sandbox"  # its scripts that run in the box import their siblings by bare name


def _sibling(path: Path, name: str) -> bool:
    return path.parent == BOX and (BOX / f"{name}.py").is_file()


def _box_side(path: Path) -> bool:
    """A sandbox script that imports a sibling by bare name (it runs from its own folder)."""
    return any(isinstance(n, ast.Import) and any(_sibling(path, a.name) for a in n.names)
               for n in _imports(ast.parse(path.read_text(encoding="utf-8"))))


def graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    known = modules()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "autograder":
                        targets.add(resolve(alias.name))
                    elif _sibling(path, alias.name):
                        targets.add(f"autograder.sandbox.{alias.name}")
                continue
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "autograder":
                continue
            for alias in node.names:
                targets.add(resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in known else resolve(base))
        edges[name] = {t for t in targets if t and t != name}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a loop path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(_loop(sorted(component), edges))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(edges) + 100))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _loop(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One import path around the component, from its first module back to it (for the message)."""
    inside = set(component)
    start = component[0]
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(edges[v] & inside):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                todo.append(w)
    return component


# -- the graph reader itself, on small made-up packages ----------------------------------------------

def test_the_cycle_finder_finds_a_loop_through_three_modules_and_names_it():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(edges) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_a_late_import_counts_and_a_type_checking_import_does_not():
    tree = ast.parse("from typing import TYPE_CHECKING\n"
                     "if TYPE_CHECKING:\n    from autograder.x import A\n"
                     "def f():\n    from autograder.y import B\n"
                     "class C:\n    def g(self):\n        import autograder.z\n")
    names = [getattr(n, "module", None) or n.names[0].name for n in _imports(tree)]
    assert names == ["typing", "autograder.y", "autograder.z"]


# -- the package -----------------------------------------------------------------------------------

def test_the_graph_sees_the_known_edges():
    # a regression in the reader would make the cycle test pass on anything
    edges = graph()
    assert "autograder.pipeline" in edges["autograder.judging.compare"]  # top level
    assert "autograder.sandbox.stopwatch" in edges["autograder.sandbox.runner"]  # inside a method
    assert "autograder.sandbox.wire" in edges["autograder.sandbox.child"]  # a box-side bare import
    assert "autograder.cases.space" not in edges["autograder.pipeline"]  # under TYPE_CHECKING only


def test_no_import_cycle_between_the_engines_modules():
    found = cycles(graph())
    assert found == [], "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_every_module_imports():
    edges = graph()
    box_side = {name for name, path in modules().items() if _box_side(path)}
    assert box_side == {f"autograder.sandbox.{n}" for n in ("child", "timed", "zygote")}
    for name in sorted(edges):
        if name in box_side or name == "autograder.__main__":  # __main__ runs the command line
            continue
        importlib.import_module(name)


def _loaded_after(code: str) -> dict:
    """Which heavy libraries a fresh interpreter holds after running `code` in the course's root."""
    probe = (f"import sys, json\n{code}\n"
             "print(json.dumps({k: k in sys.modules for k in ('torch', 'numpy', 'pydantic', 'autograder.cases.registry')}))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_pipeline_types_and_the_config_module_import_neither_torch_nor_numpy():
    assert _loaded_after("import autograder.pipeline, autograder.course") == {
        "torch": False, "numpy": False, "pydantic": True, "autograder.cases.registry": False}


def test_the_sandbox_starts_before_anything_slow_is_imported():
    # `grade` starts the sandbox first, so the student's process imports torch while the grader loads
    assert _loaded_after("from autograder.sandbox.runner import Sandbox\nfrom autograder.pipeline import Status") == {
        "torch": False, "numpy": False, "pydantic": False, "autograder.cases.registry": False}


def test_loading_course_yml_does_not_import_torch():
    assert _loaded_after("from autograder.course import load_course\nload_course('course.yml')")["torch"] is False
