"""Build an nbgrader course directory: nbgrader_config.py and source/<exercise>/<exercise>.ipynb.

The instructor then runs nbgrader as usual from that directory (see docs/nbgrader.md):
generate_assignment, collect, autograde, generate_feedback. Autograde runs no kernel: the
config replaces nbgrader's Execute step with autograder.classroom.nbgrader_grade.GradeInSandbox, which
grades the submitted notebook's code in the sandbox and writes each concept cell's feedback and
score. The test cells' `concept_score` calls only serve students checking their own work.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from autograder.course import Course, CourseError
from autograder.authoring.notebooks_build import notebook_json

CONFIG = '''\
# Written by `grade nbgrader`. nbgrader runs this file.
import os
import sys

c = get_config()  # noqa: F821 (nbgrader defines it)
c.CourseDirectory.course_id = {course_id!r}
{exchange}# Autograde scores outside the student's kernel: no kernel runs the notebook; the grader reads
# the submitted code and grades it in its sandbox (autograder/classroom/nbgrader_grade.py).
c.Autograde.autograde_preprocessors = {preprocessors!r}
c.GradeInSandbox.course = {course_file!r}
# The grading seed is NOT written here or in the notebooks: export CONV_COURSE_SALT (or
# CONV_COURSE_SALT_FILE) before `nbgrader autograde`; seeds mix it with the student and the code.
# nbgrader runs `alembic` by name: make the one installed beside this Python findable.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
'''


def build_course_dir(course: Course, out: Path, *, names: Sequence[str] | None = None,
                     course_id: str | None = None, exchange: Path | None = None) -> list[Path]:
    """Write (or refresh) the nbgrader course directory `out`; returns the files written.
    `course_id` is nbgrader's course id (default: the course folder's name); `exchange` the
    exchange folder release_assignment and collect use (default: nbgrader's own)."""
    out = Path(out)
    names = list(names or course.exercises)
    for name in names:
        course.exercise(name)  # unknown names fail before anything is written
    written = []
    for name in names:
        ex = course.exercise(name)
        path = course.solution_path(name)
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
    from autograder.classroom.nbgrader_grade import autograde_preprocessors

    # nbgrader adds each assignment to its database at generate_assignment (db_assignments is gone
    # since nbgrader 0.7, and only warned)
    root = f"c.Exchange.root = {str(Path(exchange).resolve())!r}\n" if exchange is not None else ""
    config.write_text(CONFIG.format(course_id=course_id or _course_id(course), exchange=root,
                                    preprocessors=autograde_preprocessors(),
                                    course_file=str((course.root / "course.yml").resolve())), encoding="utf-8")
    written.append(config)
    return written


def _course_id(course: Course) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in course.root.resolve().name.lower()) or "course"
