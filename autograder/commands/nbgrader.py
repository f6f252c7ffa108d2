"""Write an nbgrader course directory (nbgrader_config.py, source/<exercise>/<exercise>.ipynb) from solutions/."""
from __future__ import annotations

import sys
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
    from autograder.seeding import SALT_ENV, SALT_FILE_ENV, read_salt

    salt = read_salt()  # a salt file that cannot be read stops here, before anything is written
    for path in build_course_dir(course, args.out, names=args.exercises, course_id=args.course_id,
                                 exchange=args.exchange):
        print(f"wrote {path}")
    if salt is None:  # the salt is read at autograde, not now: say so while there is time
        print(f"grade nbgrader: warning: no ${SALT_ENV} (or ${SALT_FILE_ENV}) set: export it before "
              "`nbgrader autograde`, or seeds come from course.yml's public seed, which anyone can compute",
              file=sys.stderr)
    return 0
