"""Export the gradebook: one CSV row per student x exercise x concept."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--gradebook", type=Path, default=Path("gradebook.db"), help="default: ./gradebook.db")
    parser.add_argument("--csv", type=Path, required=True, metavar="FILE", help="write the CSV here")


def run(args) -> int:
    from autograder.classroom.gradebook import Gradebook, GradebookError

    try:
        with Gradebook(args.gradebook, create=False) as book:
            count = book.export_csv(args.csv)
    except GradebookError as e:
        print(f"grade export: {e}", file=sys.stderr)
        return 2
    print(f"wrote {count} rows to {args.csv}", file=sys.stderr)
    return 0
