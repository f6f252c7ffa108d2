"""Write exercises/ (the student stubs) from solutions/; optionally a student copy of the course."""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")
    parser.add_argument("--student-copy", type=Path, metavar="DIR",
                        help="also write the course without solutions/ to DIR (what students get)")


def run(args) -> int:
    from autograder.course import load_course
    from autograder.authoring.release import release

    course = load_course(args.course)
    for path in release(course, student_copy=args.student_copy):
        print(f"wrote {path}")
    return 0
