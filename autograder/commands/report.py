"""Write the class report: index.html with plots of scores, concept mastery and misconceptions."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--gradebook", type=Path, default=Path("gradebook.db"), help="default: ./gradebook.db")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for index.html and its plots")


def run(args) -> int:
    from autograder.classroom.class_overview import ClassReportError, write_class_report
    from autograder.classroom.gradebook import Gradebook, GradebookError

    try:
        with Gradebook(args.gradebook, create=False) as book:
            index = write_class_report(book, args.out)
    except (GradebookError, ClassReportError) as e:
        print(f"grade report: {e}", file=sys.stderr)
        return 2
    print(f"wrote {index}", file=sys.stderr)
    return 0
