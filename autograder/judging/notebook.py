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
CODE_LIMIT = 1 << 20  # characters of code, as for a .py submission
# the part after the indent starts with a non-space, so the two never share characters: a line of
# a million spaces is matched in linear time, not quadratic (this runs in the grader, on student text)
_MAGIC_LINE = re.compile(r"^(?P<indent>\s*)(?:[%!]|[\w.,][\w.,\s]*=\s*[%!])")
_HELP_LINE = re.compile(r"^\s*[\w.]+\?\??\s*$")
_KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)

# The runner deletes itself from the module's globals before the first cell runs, and keeps its
# modules in its own frame: a cell can name nothing of it (no _nb_cell to run a string, no sys).
_PRELUDE = '''\
# Generated from a notebook by autograder.judging.notebook: each code cell runs as its kernel ran it.
def _nb_run(_nb_cells, _nb_exec=exec, _nb_compile=compile, _nb_print=print, _nb_type=type, _nb_len=len):
    import linecache
    import sys
    import traceback

    space = globals()
    del space["_nb_run"]
    for name, source in _nb_cells:
        linecache.cache[name] = (_nb_len(source), None, source.splitlines(True), name)
        code = _nb_compile(source, name, "exec")  # a syntax error is the submission's: it fails to import
        try:
            _nb_exec(code, space)
        except Exception as error:  # a cell that raises stops there; the next cell still runs, as in a kernel
            _nb_print(f"{name} raised (the cells after it still ran):")
            traceback.print_exception(_nb_type(error), error, error.__traceback__.tb_next, file=sys.stdout)


'''
_RUN_CALL = "_nb_run"


class NotebookError(ValueError):
    """The file is not a notebook we can read; str() is one line."""


def notebook_source(path: Path | str) -> str:
    """The code of a .ipynb file's cells as one Python module (see the module docstring)."""
    path = Path(path)
    return notebook_code(path.read_text(encoding="utf-8"), str(path))


def notebook_code(text: str, name: str) -> str:
    """The module for a notebook's JSON text; `name` (the file) leads every NotebookError."""
    named = []
    for number, cell in enumerate(notebook_cells(text, name), start=1):
        if cell.get("cell_type") != "code" or _is_test_cell(cell):
            continue
        source = cell.get("source", "")
        named.append((f"cell {number}", "".join(source) if isinstance(source, list) else source))
    size = sum(len(code) for _, code in named)
    if size > CODE_LIMIT:  # the file may be large with outputs; its code is parsed here, in the grader
        raise NotebookError(f"{name}: its code cells are too large ({size} characters; at most {CODE_LIMIT})")
    return module_from_cells(named, keep_syntax_errors=True)


def notebook_cells(text: str, name: str) -> list[dict]:
    """The cells of an nbformat 4 notebook, checked as far as this module reads them: the file is
    the student's, so anything else is one NotebookError naming it and what is wrong."""
    try:
        nb = json.loads(text)
    except RecursionError:  # json's decoder recurses per nesting level
        raise NotebookError(f"{name}: not a Jupyter notebook (its JSON is nested too deeply)") from None
    except ValueError as e:
        where = f" at line {e.lineno}, column {e.colno}" if isinstance(e, json.JSONDecodeError) else ""
        raise NotebookError(f"{name}: not a Jupyter notebook (invalid JSON{where})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{name}: not a Jupyter notebook (no JSON with a 'cells' list)")
    version = nb.get("nbformat")
    if version != 4 or isinstance(version, bool):
        shown = version if isinstance(version, int) else "missing"
        raise NotebookError(f"{name}: not a notebook of nbformat 4 (nbformat {shown}); save it with Jupyter 4 or later")
    for number, cell in enumerate(nb["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"{name}: cell {number} is not a notebook cell (no 'cell_type')")
        source = cell.get("source", "")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))):
            raise NotebookError(f"{name}: cell {number}'s source is not text")
        if not isinstance(cell.get("metadata", {}), dict) or not isinstance(
                cell.get("metadata", {}).get("nbgrader", {}), dict):
            raise NotebookError(f"{name}: cell {number}'s metadata is not a JSON object")
    return nb["cells"]


def history_source(inputs: Sequence[str]) -> str:
    """The module for a kernel's raw input history (`In`, oldest first; In[0] is empty).

    Inputs that do not parse are dropped: the kernel ran nothing of them either.
    """
    named = [(f"In[{n}]", text) for n, text in enumerate(inputs) if n > 0 and text]
    return module_from_cells(named, keep_syntax_errors=False)


def module_from_cells(cells: Iterable[tuple[str, str]], *, keep_syntax_errors: bool) -> str:
    """The prelude, then one `_nb_run((("cell 1", code), ...))` call (read back by forbidden._parts)."""
    parts = []
    for name, source in cells:
        code = cell_code(source)
        if code is None:
            continue
        try:
            code = _definitions_only(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):  # too deep to parse is not ours to fix
            if not keep_syntax_errors:
                continue
        if code.strip():
            parts.append(f"    ({name!r}, {code!r}),\n")
    return f"{_PRELUDE}{_RUN_CALL}((\n{''.join(parts)}))\n"


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
    tree = ast.parse(code)
    lines = code.splitlines()
    keep = [False] * len(lines)
    drop = [False] * len(lines)
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        flags = keep if isinstance(node, _KEPT) else drop
        for i in range(start - 1, node.end_lineno):
            flags[i] = True
    return "\n".join("" if drop[i] and not keep[i] else line for i, line in enumerate(lines)) + "\n"


def _is_test_cell(cell: dict) -> bool:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return bool(meta.get("grade")) and not meta.get("solution")
