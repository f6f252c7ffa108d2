"""Grade every mutant (a known mistake, as a wrong implementation) as a submission, over several
seeds, and check that each loses points and is named as itself. Exit 1 if one is not."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--seeds", type=int, default=5, metavar="N", help="how many seeds (default 5)")
    parser.add_argument("--exercise", metavar="NAME", help="audit one exercise (default: every one with mutants)")
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")


def run(args) -> int:
    from autograder.audit import audit, exercises_with_mutants, render_table
    from autograder.course import load_course
    from autograder.content import definition

    if args.seeds < 1:
        print("grade audit: --seeds must be at least 1", file=sys.stderr)
        return 2
    course = load_course(args.course)
    names = [course.exercise(args.exercise).name] if args.exercise else exercises_with_mutants(course)
    if args.exercise and not definition(course, args.exercise).mutants:
        print(f"{args.exercise} has no mutants (solutions/{args.exercise}/mutants.py)")
        return 0
    rows = audit(course, names, [course.seed + i for i in range(args.seeds)])
    print(render_table(rows), end="")
    return 0 if all(r.ok for r in rows) else 1
