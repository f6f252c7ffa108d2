"""Grade every mutant (a known mistake, as a wrong implementation) as a submission, over several
seeds, and check that each loses points and is named as itself. Exit 1 if one is not.

With --generated: generate first-order mutants of each reference inside its solution markers,
keep the real bugs (those the torch oracle tells apart on a broad probe input set), grade each in
the sandbox and list the survivors (full marks) with the smallest input that tells them apart.
Exit 1 on a survivor."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--seeds", type=int, default=5, metavar="N", help="how many seeds (default 5)")
    parser.add_argument("--exercise", metavar="NAME", help="audit one exercise (default: every one with mutants)")
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")
    parser.add_argument("--generated", action="store_true",
                        help="audit generated mutants of the references instead of the known ones")
    parser.add_argument("exercises", nargs="*", metavar="EXERCISE", help="with --generated: these exercises "
                        "(default: every one)")
    parser.add_argument("--sample", type=int, metavar="N", help="with --generated: N mutants per exercise, spread "
                        "over the reference (default: all)")
    parser.add_argument("--seed", type=int, action="append", metavar="S", help="with --generated: grade at seed S "
                        "(repeatable; default course.yml's seed)")
    parser.add_argument("--probes", type=int, metavar="N", help="with --generated: probe inputs per exercise "
                        "(default 600)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="with --generated: the report")


def run(args) -> int:
    from autograder.course import load_course

    if args.generated:
        return _generated(args, load_course(args.course))
    if args.exercises or args.sample is not None or args.seed or args.probes is not None or args.format != "text":
        print("grade audit: EXERCISE, --sample, --seed, --probes and --format go with --generated "
              "(the known mutants: --exercise NAME, --seeds N)", file=sys.stderr)
        return 2
    from autograder.authoring.audit import audit, exercises_with_mutants, render_table
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


def _generated(args, course) -> int:
    from autograder.authoring.generated_audit import DEFAULT_PROBES, audit_generated, render_json, render_text

    names = list(args.exercises) or ([args.exercise] if args.exercise else list(course.exercises))
    names = [course.exercise(n).name for n in names]  # an unknown name: one line, exit 2
    if args.sample is not None and args.sample < 1 or args.probes is not None and args.probes < 1:
        print("grade audit: --sample and --probes must be at least 1", file=sys.stderr)
        return 2
    seeds = tuple(args.seed or (course.seed,))
    result = audit_generated(course, names, seeds=seeds, sample=args.sample, probes=args.probes or DEFAULT_PROBES,
                             log=lambda line: print(f"grade audit: {line}", file=sys.stderr, flush=True))
    print(render_json(result) if args.format == "json" else render_text(result), end="")
    return 0 if result.ok else 1
