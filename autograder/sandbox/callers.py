"""Which of a submission's functions call which, read from its source (never run).

A function that ran past its time limit once is not run again through its callers: a loop in
conv_output_length would otherwise cost the limit again in conv2d_output_shape, which calls it.
The sandbox runs callees' cases before their callers' (the loop is then found where it is) and,
after a timeout, gives the callers' remaining cases the same timeout without running them.

Only names used inside a function's body count (a call, or the function passed on); an alias
made at module level escapes this and costs one more time limit, nothing more. The source is
the student's: it is only parsed, and a file that does not parse has no graph (the sandbox then
reports its import error as usual).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Mapping, Sequence


@dataclass(frozen=True)
class CallGraph:
    """`reaches[f]`: the module's functions f calls, directly or through others (f itself excluded)."""

    reaches: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def callers(self, function: str) -> frozenset[str]:
        """Every function that reaches `function`: its cases would run it again."""
        return frozenset(g for g, reached in self.reaches.items() if function in reached and g != function)

    def order(self, functions: Sequence[str]) -> list[int]:
        """Indices of `functions` (one per call, in call order), callees' calls first; stable otherwise."""
        return sorted(range(len(functions)), key=lambda i: len(self.reaches.get(functions[i], ())))


def call_graph(source: str) -> CallGraph:
    """The graph of the module-level functions of `source`; empty if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return CallGraph()
    functions = {node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    direct = {}
    for name, node in functions.items():
        used = {n.id for part in node.body for n in ast.walk(part) if isinstance(n, ast.Name)}
        direct[name] = (used & functions.keys()) - {name}
    reaches = {}
    for name in functions:
        seen: set[str] = set()
        todo = list(direct[name])
        while todo:
            g = todo.pop()
            if g not in seen:
                seen.add(g)
                todo.extend(direct[g])
        reaches[name] = frozenset(seen - {name})
    return CallGraph(reaches)
