"""Export the gradebook: a CSV row per student x exercise x concept (--csv), or one row per student
with each exercise's score and the total, ready for an LMS gradebook (--wide)."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--gradebook", type=Path, default=Path("gradebook.db"), help="default: ./gradebook.db")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="write the long CSV (one row per concept) here")
    parser.add_argument("--wide", type=Path, metavar="FILE",
                        help="write the wide CSV (student, one column per exercise, total, max_total) here")


def run(args) -> int:
    from autograder.classroom.gradebook import Gradebook, GradebookError

    if args.csv is None and args.wide is None:
        print("grade export: say what to write: --csv FILE, --wide FILE or both", file=sys.stderr)
        return 2
    try:
        with Gradebook(args.gradebook, create=False) as book:
            if args.csv is not None:
                count = book.export_csv(args.csv)
                print(f"wrote {count} rows to {args.csv}", file=sys.stderr)
            if args.wide is not None:
                count = book.export_wide(args.wide)
                print(f"wrote {count} students to {args.wide}", file=sys.stderr)
    except GradebookError as e:
        print(f"grade export: {e}", file=sys.stderr)
        return 2
    return 0
