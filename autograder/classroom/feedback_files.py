"""Each student's feedback from the gradebook, as files to hand back: <student>.html and <student>.txt.

The HTML is a whole page (the same renderer as `grade --format html`, with its title and the
student's total); the text is the terminal report without colour, at a fixed width, so it reads
the same in an e-mail or an LMS comment. Nothing is graded again: these are the stored reports,
with the reproduce command each row was graded with.
"""
from __future__ import annotations

import html
from pathlib import Path

from autograder.classroom.gradebook import Gradebook, GradebookError

TEXT_WIDTH = 100


def write_feedback(book: Gradebook, out: Path | str) -> list[Path]:
    """Write every graded student's two files under `out`; returns them, in student order."""
    from autograder.formats.output import write_text
    from autograder.formats import render

    out = Path(out)
    students = sorted({r.student for r in book.results()})
    if not students:
        raise GradebookError(f"{book.path}: no graded results yet (run `grade batch` first)")
    for student in students:
        if Path(student).name != student or student in (".", ".."):  # a name that would leave `out`
            raise GradebookError(f"{book.path}: student id {student!r} is not a file name")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise GradebookError(f"{out}: cannot create the folder: {e.strerror or e}") from None
    title = book.meta().get("course", "")
    written = []
    for student in students:
        report = book.course_report(student)
        page = _page(f"{title}: {student}" if title else student,
                     f"{student}: {_num(report.score)} / {_num(report.max_score)}", render(report, "html"))
        text = render(report, "text", width=TEXT_WIDTH, color=False)
        for path, data in ((out / f"{student}.html", page), (out / f"{student}.txt", f"{student}\n\n{text}")):
            try:
                write_text(data, path)
            except Exception as e:  # OutputError: one line naming the file
                raise GradebookError(str(e)) from None
            written.append(path)
    return written


def _page(title: str, heading: str, body: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'</head>\n<body>\n<h1>{html.escape(heading)}</h1>\n{body}\n</body></html>\n')


def _num(x: float) -> str:
    return f"{x:g}"
