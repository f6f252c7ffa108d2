"""Write each graded student's feedback to hand back: DIR/<student>.html and DIR/<student>.txt."""
from __future__ import annotations

import sys
from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--gradebook", type=Path, default=Path("gradebook.db"), help="default: ./gradebook.db")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="the folder for the students' files")


def run(args) -> int:
    from autograder.classroom.feedback_files import write_feedback
    from autograder.classroom.gradebook import Gradebook, GradebookError

    try:
        with Gradebook(args.gradebook, create=False) as book:
            written = write_feedback(book, args.out)
    except GradebookError as e:
        print(f"grade feedback: {e}", file=sys.stderr)
        return 2
    print(f"wrote {len(written) // 2} students' feedback to {args.out} (an .html and a .txt each)", file=sys.stderr)
    return 0
