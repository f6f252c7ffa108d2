"""Grade every student's folder over every exercise, in parallel, into an SQLite gradebook.

SUBMISSIONS_DIR holds one folder per student (laid out like exercises/, or flat). A rerun
grades only what the gradebook lacks (--force: everything). Each submission's seed comes from
the secret $CONV_COURSE_SALT (or $CONV_COURSE_SALT_FILE), the student id and the code; without
a salt, from course.yml's public seed instead, with a warning.
"""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    from autograder.classroom.batch import default_jobs

    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR", help="one folder per student")
    parser.add_argument("--jobs", "-j", type=int, default=default_jobs(),
                        help="students graded at once (default: the number of cores)")
    parser.add_argument("--gradebook", type=Path, default=Path("gradebook.db"),
                        help="the SQLite gradebook (default: ./gradebook.db)")
    parser.add_argument("--force", action="store_true", help="regrade what the gradebook already has")
    parser.add_argument("--exercise", nargs="+", default=[], metavar="NAME", help="only these exercises")
    parser.add_argument("--course", type=Path, help="the course folder or its course.yml")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on standard error")
    parser.add_argument("--cluster", metavar="ADDRESS",
                        help="grade on a Dask distributed cluster, e.g. tcp://host:8786 (docs/cluster.md); "
                             "the gradebook and the salt stay here")


def run(args) -> int:
    from autograder.classroom.batch import BatchError, run_batch
    from autograder.course import load_course
    from autograder.classroom.gradebook import GradebookError

    if args.jobs < 1:
        print("grade batch: --jobs must be at least 1", file=sys.stderr)
        return 2
    remote = None
    if args.cluster:
        try:
            import distributed  # noqa: F401
        except ImportError:
            print("grade batch: --cluster needs Dask distributed: pip install 'conv-course[cluster]'", file=sys.stderr)
            return 2
        from autograder.classroom.cluster import on_cluster

        remote = on_cluster(args.cluster)
    try:
        course = load_course(args.course)
        summary = run_batch(course, args.submissions, args.gradebook, jobs=args.jobs, exercises=args.exercise,
                            force=args.force, course_arg=args.course,
                            progress=not args.no_progress and sys.stderr.isatty(), remote=remote)
    except (BatchError, GradebookError) as e:
        print(f"grade batch: {e}", file=sys.stderr)
        return 2
    print(f"{summary.students} students: graded {summary.graded}, already in the gradebook {summary.skipped}, "
          f"in {summary.seconds:.1f} s -> {args.gradebook}", file=sys.stderr)
    for name, count in summary.regraded.items():
        print(f"grade batch: {name}: course.yml, its folder or the grader changed since {count} of its rows "
              f"were graded: regraded them", file=sys.stderr)
    for line in summary.grader_failures:
        print(f"grade batch: the grader failed on {line} (saved as a crash; the others were graded)", file=sys.stderr)
    for line in summary.errors:
        print(f"grade batch: could not grade {line}", file=sys.stderr)
    return 2 if summary.errors else 0
