"""Build the Gradescope autograder zip (setup.sh, run_autograder and the course) for this course."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--out", type=Path, default=Path("autograder.zip"), metavar="FILE",
                        help="the zip to write (default: ./autograder.zip)")
    parser.add_argument("--exercise", metavar="NAME", help="grade only this exercise (one Gradescope assignment each)")
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")


def run(args) -> int:
    from autograder.course import load_course
    from autograder.authoring.gradescope_package import PackageError, build_package

    course = load_course(args.course)
    try:
        names = build_package(course, args.out, exercise=args.exercise)
    except PackageError as e:
        print(f"grade gradescope-package: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({len(names)} files); upload it as the assignment's autograder", file=sys.stderr)
    return 0
