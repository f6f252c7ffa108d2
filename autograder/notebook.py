"""A notebook's code as one Python module, the way its kernel would have run it.

Used three ways, with one rule so they agree: `grade --submission x.ipynb` (cells read from the
file), `check()` in Jupyter and the nbgrader test cells (cells read from the kernel's history).

- Each code cell runs in order, as in a kernel: a cell that raises stops there and the next
  cell still runs (what `Run All` and nbgrader's autograde do). The error is printed, so it
  shows under "Your code printed".
- Only definitions are kept: imports, `def`, `class` and assignments. Other top-level
  statements (calls such as `check("exercise3")` or `plt.show()`, loops, asserts) are blanked:
  they are experiments, and running them in the grader could recurse or loop forever.
- Magics and shell lines (`%time`, `!ls`, `%%bash` cells) are blanked.
- A cell whose first line is a comment containing "not part of your submission" is left out:
  the course's own demo, check and test cells say so.
- Line numbers stay meaningful: each cell is compiled as its own file named `cell N` (or
  `In[N]` from history), so a traceback says `File "cell 4", line 3`.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Iterable, Sequence

SKIP_MARK = "not part of your submission"
_MAGIC_LINE = re.compile(r"^(?P<indent>\s*)(?:[%!]|[\w.,\s]+=\s*[%!])")
_HELP_LINE = re.compile(r"^\s*[\w.]+\?\??\s*$")
_KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)

_PRELUDE = '''\
# Generated from a notebook by autograder.notebook: each code cell runs as its kernel ran it.
import linecache as _nb_linecache
import sys as _nb_sys
import traceback as _nb_traceback


def _nb_cell(_nb_name, _nb_source):
    _nb_linecache.cache[_nb_name] = (len(_nb_source), None, _nb_source.splitlines(True), _nb_name)
    _nb_code = compile(_nb_source, _nb_name, "exec")  # a syntax error is the submission's: it fails to import
    try:
        exec(_nb_code, globals())
    except Exception as _nb_error:  # a cell that raises stops there; the next cell still runs, as in a kernel
        print(f"{_nb_name} raised (the cells after it still ran):")
        _nb_traceback.print_exception(type(_nb_error), _nb_error, _nb_error.__traceback__.tb_next, file=_nb_sys.stdout)

'''


class NotebookError(ValueError):
    """The file is not a notebook we can read; str() is one line."""


def notebook_source(path: Path | str) -> str:
    """The code of a .ipynb file's cells as one Python module (see the module docstring)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError):
        raise NotebookError(f"{path}: not a Jupyter notebook (no JSON with a 'cells' list)") from None
    named = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code" or _is_test_cell(cell):
            continue
        source = cell.get("source", "")
        named.append((f"cell {number}", "".join(source) if isinstance(source, list) else str(source)))
    return module_from_cells(named, keep_syntax_errors=True)


def history_source(inputs: Sequence[str]) -> str:
    """The module for a kernel's raw input history (`In`, oldest first; In[0] is empty).

    Inputs that do not parse are dropped: the kernel ran nothing of them either.
    """
    named = [(f"In[{n}]", text) for n, text in enumerate(inputs) if n > 0 and text]
    return module_from_cells(named, keep_syntax_errors=False)


def module_from_cells(cells: Iterable[tuple[str, str]], *, keep_syntax_errors: bool) -> str:
    parts = [_PRELUDE]
    for name, source in cells:
        code = cell_code(source)
        if code is None:
            continue
        try:
            ast.parse(code)
        except SyntaxError:
            if not keep_syntax_errors:
                continue
        else:
            code = _definitions_only(code)
        if code.strip():
            parts.append(f"_nb_cell({name!r}, {code!r})\n")
    return "".join(parts)


def cell_code(source: str) -> str | None:
    """The cell's code with magics blanked, or None for a cell that is left out."""
    lines = source.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("%%") or (first.lstrip().startswith("#") and SKIP_MARK in first.lower()):
        return None
    out = []
    for line in lines:
        m = _MAGIC_LINE.match(line)
        if m or _HELP_LINE.match(line):
            # `pass` keeps an indented block valid when its only line was a magic
            out.append(f"{m.group('indent') if m else ''}pass" if m and m.group("indent") else "")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def _definitions_only(code: str) -> str:
    """Blank the lines of top-level statements that are not definitions (line numbers stay)."""
    lines = code.splitlines()
    keep = [False] * len(lines)
    drop = [False] * len(lines)
    for node in ast.parse(code).body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        flags = keep if isinstance(node, _KEPT) else drop
        for i in range(start - 1, node.end_lineno):
            flags[i] = True
    return "\n".join("" if drop[i] and not keep[i] else line for i, line in enumerate(lines)) + "\n"


def _is_test_cell(cell: dict) -> bool:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return bool(meta.get("grade")) and not meta.get("solution")
