"""The names of a function's results, as its docstring gives them to the student, so feedback says
`gy` or `grad_bias` instead of "item 1".

The exercises' docstrings already name what a function returns: they open with the tuple
("(gx, gy) of an image ...", "(left, right) padding ...") or say "Returns (grad_x, grad_weight,
grad_bias), ...". The student's copy in exercises/ is read as text (never imported); names are
used only when their count matches the result's.
"""
from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

_NAMES = r"\(\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*\)"
_OPENING = re.compile(r"^\s*" + _NAMES)
_RETURNS = re.compile(r"\bReturns:?\s+" + _NAMES)


def result_names(path: Path, function: str, count: int) -> tuple[str, ...] | None:
    """The `count` names of `function`'s results in the file at `path`, or None."""
    names = _from_file(str(path)).get(function)
    return names if names is not None and len(names) == count else None


@lru_cache(maxsize=32)
def _from_file(path: str) -> dict[str, tuple[str, ...]]:
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            doc = ast.get_docstring(node) or ""
            match = _OPENING.match(doc) or _RETURNS.search(doc)
            if match:
                found[node.name] = tuple(n.strip() for n in match.group(1).split(","))
    return found


def named_items(message: str, names: tuple[str, ...] | None) -> str:
    """compare's and localise's "item 1: ..." with the result's own name: "gy: ..."."""
    if not names:
        return message
    judged = re.match(r"\(([\w, ]+)\) ", message)  # a judge that compares some of the results says which
    if judged:
        some = tuple(n.strip() for n in judged.group(1).split(","))
        if set(some) <= set(names):
            names = some
    named = re.sub(r"\bitem (\d+):", lambda m: f"{names[int(m.group(1))]}:" if int(m.group(1)) < len(names)
                   else m.group(0), message)
    if judged and named != message:  # each item now says its name: "(grad_bias) grad_bias: ..." once
        named = named[judged.end():]
    return named
