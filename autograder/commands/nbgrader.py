"""Write an nbgrader course directory (nbgrader_config.py, source/<exercise>/<exercise>.ipynb) from solutions/."""
from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("exercises", nargs="*", help="exercises to build (default: all in course.yml)")
    parser.add_argument("--out", type=Path, default=Path("nbgrader"), help="the course directory (default: ./nbgrader)")
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")
    parser.add_argument("--course-id", help="nbgrader's course id (default: the course folder's name)")
    parser.add_argument("--exchange", type=Path,
                        help="the exchange folder for release_assignment and collect (default: nbgrader's)")


def run(args) -> int:
    from autograder.course import CourseError, load_course
    from autograder.authoring.nbgrader_course import build_course_dir

    course = load_course(args.course)
    if args.course_id is not None and not args.course_id.strip():
        raise CourseError("--course-id must not be empty")
    for path in build_course_dir(course, args.out, names=args.exercises, course_id=args.course_id,
                                 exchange=args.exchange):
        print(f"wrote {path}")
    return 0
