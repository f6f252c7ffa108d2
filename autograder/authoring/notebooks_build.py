"""Build an exercise's notebook from its reference (solutions/<name>/): the student's (exercises/) and nbgrader's source.

Text in, notebook JSON text out (a demo is read from the exercise's folder). The cells, in order:
  markdown   the module docstring, then the folder's lesson.md (markdown, pictures embedded, its
             ```python blocks as code cells: autograder.authoring.lesson_build), then per function its
             signature and docstring
  code       given code (imports, helpers): read-only in nbgrader
  code       one cell per function: the solution (nbgrader: with its BEGIN/END markers;
             student: stripped to `raise NotImplementedError`)
  code       a demo, where the folder has one (demo.md, demo.py; student notebook only: it runs their code)
  code       student: `check("exerciseN")`; nbgrader: one autograded test cell per concept
"""
from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import Literal

from autograder.course import Course, CourseError
from autograder.authoring.lesson_build import SETUP, attachment_json, code_cell_source, lesson_blocks
from autograder.judging.notebook import SKIP_MARK
from autograder.authoring.stubs import solution_text, strip_solutions

Flavor = Literal["student", "nbgrader"]


@dataclass(frozen=True)
class Cell:
    kind: Literal["markdown", "code"]
    source: str
    role: Literal["text", "given", "solution", "demo", "lesson", "check", "test"]
    grade_id: str = ""
    points: float = 0.0
    extra: dict = field(default_factory=dict)


def exercise_cells(course: Course, name: str, solution_text: str, *, flavor: Flavor) -> list[Cell]:
    ex = course.exercise(name)
    try:
        tree = ast.parse(solution_text)
    except SyntaxError as e:
        raise CourseError(f"solutions/{name}/{ex.file}:{e.lineno}: {e.msg}") from None
    lines = solution_text.splitlines()
    doc = ast.get_docstring(tree, clean=True) or ex.title
    cells = [_lesson(name, ex.title, doc)] + lesson_cells(course, name)
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    given: list[str] = []
    starts = [_start(n) for n in body] + [len(lines) + 1]
    for node, start, nxt in zip(body, starts, starts[1:]):
        text = "\n".join(lines[start - 1: nxt - 1]).strip("\n")
        public = isinstance(node, ast.FunctionDef) and node.name in ex.functions
        if not public and "### BEGIN SOLUTION" not in text:
            given.append(text)
            continue
        if given:
            cells.append(Cell("code", "\n\n\n".join(given), "given", f"{_id(name)}_given_{len(cells)}"))
            given = []
        fn = node.name if isinstance(node, ast.FunctionDef) else f"block_{len(cells)}"
        if public:
            cells.append(Cell("markdown", _function_text(node), "text", f"{_id(name)}_about_{fn}"))
        code = text if flavor == "nbgrader" else strip_solutions(text + "\n", exercise=name).rstrip("\n")
        cells.append(Cell("code", code, "solution", fn))
    if given:
        cells.append(Cell("code", "\n\n\n".join(given), "given", f"{_id(name)}_given_{len(cells)}"))
    if flavor == "student":
        shown = demo(course, name)
        if shown:
            about, code = shown
            cells += [Cell("markdown", about, "text"), Cell("code", code, "demo")]
        cells += [Cell("markdown", _CHECK_TEXT.format(name=name), "text"),
                  Cell("code", f'# Check your work ({SKIP_MARK}).\nfrom autograder import check\n\ncheck("{name}")',
                       "check")]
    else:
        cells.append(Cell("markdown", _TESTS_TEXT, "text", f"{_id(name)}_tests_about"))
        for concept, cfg in ex.concepts.items():
            cells.append(Cell("code", _test_source(name, concept, cfg.points), "test", test_cell_id(concept),
                              points=float(cfg.points)))
    return cells


def notebook_json(course: Course, name: str, solution_text: str, *, flavor: Flavor) -> str:
    """The .ipynb text: deterministic (cell ids from the exercise and position) so a test can compare."""
    cells = []
    for i, cell in enumerate(exercise_cells(course, name, solution_text, flavor=flavor)):
        out = {"cell_type": cell.kind, "id": f"{_id(name)}-{i:02d}", "metadata": {}, "source": _lines(cell.source)}
        if cell.kind == "code":
            out.update(execution_count=None, outputs=[])
        if cell.kind == "code" and cell.role in ("solution", "demo", "lesson"):
            # Jupyter's Run all (and nbclient) go on past an error in a cell tagged so: a student's cell
            # that does not even define its function still lets check() below say what is wrong
            out["metadata"]["tags"] = ["raises-exception"]
        if cell.extra.get("attachments"):
            out["attachments"] = cell.extra["attachments"]
        if flavor == "nbgrader" and cell.role not in ("demo", "lesson"):  # the student's to run and edit
            out["metadata"]["nbgrader"] = _nbgrader_meta(cell)
        cells.append(out)
    nb = {"cells": cells, "metadata": {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def lesson_cells(course: Course, name: str) -> list[Cell]:
    """solutions/<name>/lesson.md as cells: markdown (pictures attached), a setup cell before the
    first code block, code blocks marked "not part of your submission" (the grader leaves them out)."""
    cells: list[Cell] = []
    for block in lesson_blocks(course.folder(name), name):
        if block.kind == "markdown":
            cells.append(Cell("markdown", block.source, "lesson", extra={"attachments": attachment_json(block)}))
            continue
        if not any(c.kind == "code" for c in cells):
            cells.append(Cell("code", SETUP, "lesson"))
        cells.append(Cell("code", code_cell_source(block), "lesson"))
    return cells


def _nbgrader_meta(cell: Cell) -> dict:
    meta = {"grade": cell.role == "test", "grade_id": cell.grade_id, "locked": cell.role != "solution",
            "schema_version": 3, "solution": cell.role == "solution", "task": False}
    if cell.role == "test":
        meta["points"] = cell.points
    return meta


def test_cell_id(concept: str) -> str:
    """The grade_id of a concept's nbgrader test cell (autograder.classroom.nbgrader_grade finds it by this)."""
    return f"test_{_id(concept)}"


def _test_source(exercise: str, concept: str, points: float) -> str:
    # Test cells are shown in feedback: no seed or secret here (it comes from the environment).
    return (f"# Autograder test for {concept!r}, {points:g} point(s) ({SKIP_MARK}).\n"
            "from autograder.jupyter import concept_score\n\n"
            f"concept_score({exercise!r}, {concept!r}, points={points!r})")


def _lesson(name: str, title: str, doc: str) -> Cell:
    first, _, rest = doc.partition("\n")
    # the docstring's own title line ("Exercise 1 — Output size.", "Questions — Numbers ..."), whatever the folder's name
    titled = first.lower().startswith("exercise") or first.rstrip(".").endswith(f"— {title}")
    heading = first.rstrip(".") if titled else f"{name} — {title}"
    return Cell("markdown", f"# {heading}\n{_escape_stars(_keep_layout(rest))}".rstrip(), "text", f"{_id(name)}_lesson")


def _function_text(node: ast.FunctionDef) -> str:
    signature = ast.unparse(node.args)
    doc = inspect.cleandoc(ast.get_docstring(node) or "")
    return f"## `{node.name}({signature})`\n\n{_markdown_doctests(_escape_stars(_keep_layout(doc)))}".rstrip()


# `L_out = ...` or `out[n, o, i] = ...` at the start of a line: a formula, laid out line by line
_FORMULA = re.compile(r"^\s*[A-Za-z_][\w.]*(\[[^\]]*\]|\([^)]*\))?\s*=\s")


def _keep_layout(doc: str) -> str:
    """Docstring paragraphs whose line breaks mean something become fenced blocks.

    Markdown joins the lines of a paragraph into one (a "soft" break): aligned matrices
    (`[[2, 3, 4],` over `[1, 1, 1]]`) and formulas written one per line would run together.
    A paragraph is kept as typed when it is indented, when a line after its first is indented
    (an aligned continuation), or when it has several lines and one of them is a formula."""
    out = []
    for para in re.split(r"\n[ \t]*\n", doc):
        lines = para.splitlines()
        if not lines or lines[0].lstrip().startswith(">>>"):
            out.append(para)
        elif all(line.startswith("    ") for line in lines):
            out.append("```\n" + textwrap.dedent(para) + "\n```")
        elif len(lines) > 1 and (any(line[:1].isspace() for line in lines[1:])
                                 or any(_FORMULA.match(line) for line in lines)):
            out.append("```\n" + para + "\n```")
        else:
            out.append(para)
    return "\n\n".join(out)


def _escape_stars(text: str) -> str:
    """`2*p - d*(K-1)` is a formula and `__name__` a name, not emphasis: escape * and __ outside code."""
    out = []
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if fenced or line.startswith(("    ", ">>>", "```")):
            out.append(line)
            continue
        pieces = line.split("`")
        out.append("`".join(p.replace("*", "\\*").replace("__", "\\_\\_") if i % 2 == 0 else p
                            for i, p in enumerate(pieces)))
    return "\n".join(out)


def _markdown_doctests(doc: str) -> str:
    """Doctest lines (>>> and their results) become a code block, so markdown keeps them as typed."""
    out, block = [], []
    for line in doc.splitlines() + [""]:
        if line.startswith(">>>") or (block and line.strip()):
            block.append(line)
            continue
        if block:
            out += ["```python", *block, "```"]
            block = []
        out.append(line)
    return "\n".join(out)


def _start(node: ast.stmt) -> int:
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def _id(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)


def _lines(text: str) -> list[str]:
    parts = text.splitlines(keepends=True)
    return parts


_CHECK_TEXT = """\
## Check your work

Run the cell below. It grades the functions defined in this notebook (the cells you ran),
in a separate process, on the same cases as `grade {name}` on the command line, and shows
per concept what works, the smallest case that fails and a hint. Experiments (calls, plots)
are not graded: only imports, definitions and assignments are."""

_TESTS_TEXT = """\
## Autograder tests

Each cell below grades one concept of your functions on randomized cases (in a separate
process: an endless loop costs only the time limit) and prints what it found."""


def demo(course: Course, name: str) -> tuple[str, str] | None:
    """The exercise's demo, what is better seen than read: (markdown, code) from its folder's demo.md
    and demo.py, or None. The code runs the student's own functions in their notebook, so it must say
    it is not part of the submission (SKIP_MARK: the grader then leaves the cell out)."""
    folder = course.folder(name)
    if not (folder / "demo.py").is_file():
        return None
    about = folder / "demo.md"
    code = (folder / "demo.py").read_text(encoding="utf-8").strip("\n")
    if SKIP_MARK not in code.splitlines()[0]:
        raise CourseError(f"{folder / 'demo.py'}:1: a demo's first line must say '{SKIP_MARK}' "
                          f"(e.g. '# Try it ({SKIP_MARK}): ...')")
    text = about.read_text(encoding="utf-8").strip("\n") if about.is_file() else "## See it"
    return text, code


def student_notebooks(course: Course) -> dict[str, str]:
    """exercises/<exercise>.ipynb text for every exercise, from solutions/ (what `grade release` writes)."""
    out = {}
    for name, ex in course.exercises.items():
        out[f"{ex.module}.ipynb"] = notebook_json(course, name, solution_text(course, ex), flavor="student")
    return out
