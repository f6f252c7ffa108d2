"""A reference solution (solutions/<file>, the one source) and the student's stub made from it: each
BEGIN/END SOLUTION block becomes a NotImplementedError naming the exercise and function. Pure but for
reading the solution; release.py writes the stubs, notebooks_build.py builds notebooks from the same text."""
from __future__ import annotations

import re

from autograder.course import Course, CourseError, Exercise

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")


def strip_solutions(text: str, *, exercise: str) -> str:
    """Replace each BEGIN/END SOLUTION block by a NotImplementedError naming exercise and function."""
    out: list[str] = []
    inside = False
    function = "?"
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        m = re.match(r"^\s*def\s+(\w+)", line)
        if m and not inside:
            function = m.group(1)
        begin = BEGIN.match(line)
        if begin:
            if inside:
                raise CourseError(f"line {number}: BEGIN SOLUTION inside another solution block")
            inside = True
            out.append(f'{begin.group("indent")}raise NotImplementedError("{exercise}: {function}")\n')
            continue
        if END.match(line):
            if not inside:
                raise CourseError(f"line {number}: END SOLUTION without BEGIN SOLUTION")
            inside = False
            continue
        if not inside:
            out.append(line)
    if inside:
        raise CourseError("BEGIN SOLUTION is never ended")
    return "".join(out)


def solution_text(course: Course, ex: Exercise) -> str:
    """solutions/<name>/<file>, the one source of the stubs and notebooks."""
    path = course.solution_path(ex.name)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise CourseError(f"{path}: cannot read: {e.strerror or e}") from None
