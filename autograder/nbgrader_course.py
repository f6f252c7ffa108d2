"""Build an nbgrader course directory: nbgrader_config.py and source/<exercise>/<exercise>.ipynb.

The instructor then runs nbgrader as usual from that directory (see docs/nbgrader.md):
generate_assignment, collect, autograde, generate_feedback. Test cells call
autograder.jupyter.concept_score; the kernels find the course through $CONV_COURSE_ROOT,
which nbgrader_config.py sets (the kernels inherit nbgrader's environment).
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from autograder.course import Course, CourseError
from autograder.notebooks_build import notebook_json

CONFIG = '''\
# Written by `grade nbgrader`. nbgrader runs this file, and its kernels inherit the environment.
import os
import sys

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.db_assignments = [{assignments}]
# Each test cell has this long; the first one grades the whole exercise within it and caches it.
os.environ.setdefault("CONV_COURSE_CELL_TIMEOUT", "30")
c.Execute.timeout = int(os.environ["CONV_COURSE_CELL_TIMEOUT"])
# Where the kernels find course.yml. The grading seed is NOT written here or in the notebooks:
# export CONV_COURSE_SALT (or CONV_COURSE_SEED) before `nbgrader autograde`.
os.environ.setdefault("CONV_COURSE_ROOT", {root!r})
# nbgrader runs `alembic` by name: make the one installed beside this Python findable.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
'''


def build_course_dir(course: Course, out: Path, *, names: Sequence[str] | None = None) -> list[Path]:
    """Write (or refresh) the nbgrader course directory `out`; returns the files written."""
    out = Path(out)
    names = list(names or course.exercises)
    for name in names:
        course.exercise(name)  # unknown names fail before anything is written
    written = []
    for name in names:
        ex = course.exercise(name)
        path = course.solutions_dir / ex.file
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise CourseError(f"{path}: cannot read: {e.strerror or e}") from None
        target = out / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(notebook_json(course, name, text, flavor="nbgrader"), encoding="utf-8")
        written.append(target)
    config = out / "nbgrader_config.py"
    if config.is_file() and not config.read_text(encoding="utf-8").startswith(CONFIG.splitlines()[0]):
        return written  # the instructor's own config (its first line was changed): theirs to keep
    assignments = ", ".join(f"dict(name={n!r})" for n in names)
    config.write_text(CONFIG.format(course_id=_course_id(course), assignments=assignments,
                                    root=str(course.root.resolve())), encoding="utf-8")
    written.append(config)
    return written


def _course_id(course: Course) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in course.root.resolve().name.lower()) or "course"
