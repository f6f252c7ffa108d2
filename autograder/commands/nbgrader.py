"""Write an nbgrader course directory (nbgrader_config.py, source/<exercise>/<exercise>.ipynb) from solutions/."""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("exercises", nargs="*", help="exercises to build (default: all in course.yml)")
    parser.add_argument("--out", type=Path, default=Path("nbgrader"), help="the course directory (default: ./nbgrader)")
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")


def run(args) -> int:
    from autograder.course import load_course
    from autograder.nbgrader_course import build_course_dir

    course = load_course(args.course)
    for path in build_course_dir(course, args.out, names=args.exercises):
        print(f"wrote {path}")
    return 0
