"""The `grade` command. Thin: each subcommand calls one library function.

Exit status: 0 full marks, 1 points lost, 2 could not grade (one line on stderr).
"""
from __future__ import annotations

import argparse
import atexit
import importlib
import os
import shlex
import sys
from pathlib import Path

EXIT_FULL, EXIT_LOST, EXIT_ERROR = 0, 1, 2

# name -> module with add_arguments(parser) and run(args) -> int
SUBCOMMANDS = {
    "release": "autograder.commands.release",
    "nbgrader": "autograder.commands.nbgrader",
    "audit": "autograder.commands.audit",
    "batch": "autograder.commands.batch",
    "report": "autograder.commands.report",
    "export": "autograder.commands.export",
    "feedback": "autograder.commands.feedback",
    "gradescope-package": "autograder.commands.gradescope_package",
}


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def grade_parser() -> argparse.ArgumentParser:
    from autograder.formats import FORMATS

    p = _Parser(prog="grade", description="Grade the convolution course's exercises. "
                f"Instructor commands: {', '.join(SUBCOMMANDS)} (grade COMMAND --help).")
    p.add_argument("exercise", nargs="?", help="exercise to grade, e.g. exercise3 (default: all)")
    p.add_argument("--submission", type=Path, help="a .py or .ipynb file for that exercise, or a folder laid out like the course")
    p.add_argument("--seed", type=int, help="reproduce a run (default: course.yml's seed; with $CONV_COURSE_SALT "
                   "set, a secret seed from the salt, --student and the code)")
    p.add_argument("--student", metavar="ID", help="the student's id, part of the secret seed (CI routes)")
    p.add_argument("--format", default="text", choices=FORMATS)
    p.add_argument("--output", type=Path, help="write the report to this file instead of standard output")
    p.add_argument("--summary", type=Path, metavar="FILE",
                   help="also append a Markdown summary (one row per concept) to FILE, e.g. $GITHUB_STEP_SUMMARY")
    p.add_argument("--course", type=Path, help="the course folder or its course.yml (default: found from here)")
    p.add_argument("--watch", action="store_true",
                   help="grade again each time the submission is saved, until Ctrl-C (one warm sandbox throughout)")
    return p


def main(argv: list[str] | None = None, *, sandbox=None) -> int:
    """`sandbox`: grade in this running Sandbox instead of a new one (the tests keep one warm)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in SUBCOMMANDS:
            module = importlib.import_module(SUBCOMMANDS[argv[0]])
            parser = _Parser(prog=f"grade {argv[0]}", description=module.__doc__)
            module.add_arguments(parser)
            return module.run(parser.parse_args(argv[1:]))
        return grade(grade_parser().parse_args(argv), sandbox)
    except UsageError as e:
        print(str(e), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("grade: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # a user mistake gets one line; our own bugs keep their traceback
        from autograder.errors import USER_ERRORS

        if isinstance(e, USER_ERRORS):
            print(f"grade: {e}", file=sys.stderr)
            return EXIT_ERROR
        raise


def entry() -> None:
    """The console script (`grade`, `python -m autograder`): main(), then leave without the
    interpreter's teardown. Freeing torch's modules and heap object by object costs 0.4-0.8 s after
    the report is out (a bare `python -c "import torch"` pays it too); the student waits for it for
    nothing. atexit handlers run and output is flushed first; a non-daemon thread still running, or
    output that cannot be flushed, gets the ordinary exit instead, which waits for it or reports it."""
    _leave(main())


def _leave(status: int) -> None:
    import threading

    working = any(not t.daemon for t in threading.enumerate() if t is not threading.main_thread())
    if not isinstance(status, int) or working:  # sys.exit keeps what it makes of the status, and waits
        sys.exit(status)
    atexit._run_exitfuncs()  # logging, multiprocessing, a library's own clean-up (they run once)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(status)  # e.g. a closed pipe: the ordinary exit reports it, as it always did
    os._exit(status)


def reproduce_command(args: argparse.Namespace, exercise: str | None, seed: int | None) -> str:
    """The command that reproduces a report. With a seed, anyone holding the submission can run it;
    without one (several exercises, each with its own secret seed) it derives them again from the
    student and the code, which only works where the salt is set. It never contains the salt."""
    parts = ["grade"]
    if exercise:
        parts.append(exercise)
    if args.submission is not None:
        parts += ["--submission", str(args.submission)]
    if getattr(args, "course", None) is not None:
        parts += ["--course", str(args.course)]
    if seed is not None:
        parts += ["--seed", str(seed)]
    elif getattr(args, "student", None):
        parts += ["--student", args.student]
    return shlex.join(parts)


# formats only an instructor's route asks for: their runs bind the seed to the submission
INSTRUCTOR_FORMATS = ("gradescope", "github")


def grade(args: argparse.Namespace, sandbox=None) -> int:
    from contextlib import nullcontext

    from autograder.sandbox.runner import Sandbox

    # started first: the student's process warms up while we load (a sandbox given is the caller's to close)
    with nullcontext(sandbox) if sandbox is not None else Sandbox() as sandbox:
        from autograder.course import load_course
        from autograder.judging.grading import grade_course
        from autograder.seeding import policy

        course = load_course(args.course)
        names = [course.exercise(args.exercise).name] if args.exercise else list(course.exercises)
        from autograder.content import check

        check(course, names)
        seeds = policy(course.seed, seed=args.seed, student=args.student or "",
                       route=args.format if args.format in INSTRUCTOR_FORMATS else None)

        def once() -> int:
            report = grade_course(course, names, args.submission, seeds=seeds, sandbox=sandbox,
                                  reproduce=lambda exercise, seed: reproduce_command(args, exercise, seed),
                                  requested=args.exercise)
            return _write(args, report, course)

        if args.watch:
            from autograder.watch import watch

            return watch(once, _watched(course, args))
        return once()


def _watched(course, args: argparse.Namespace) -> Path:
    """What --watch looks at: the submission given, else the exercise's file in exercises/ (all of it
    when grading every exercise)."""
    if args.submission is not None:
        return args.submission
    if args.exercise:
        return course.exercises_dir / course.exercise(args.exercise).file
    return course.exercises_dir


def _write(args: argparse.Namespace, report, course) -> int:
    from autograder.formats.output import write_report

    options = {}
    if args.format == "gradescope":  # who sees each test, and when: course.yml's gradescope and exercise.yml
        options = {"visibility": course.gradescope.visibility,
                   "tests_visibility": {(ex.exercise, c.name): course.visibility_for(ex.exercise, c.name)
                                        for ex in report.exercises for c in ex.concepts}}
    write_report(report, args.format, args.output, **options)
    if args.summary is not None:
        from autograder.formats.output import append_text
        from autograder.formats.github import summary

        append_text(summary(report), args.summary)
    sys.stdout.flush()
    return EXIT_FULL if report.score >= report.max_score else EXIT_LOST
