"""One student's exercise never costs the grader more than that exercise's grade.

Grading reads the student's files and decodes what their process sent back; a submission the
grader cannot read (a link, a FIFO, a malformed notebook) or one that trips a bug in the grader
itself (a RecursionError on a 1,500-deep attribute chain) must end as a `crash` grade for that
exercise, with one line saying why: never a traceback, never the loss of the other exercises or,
in a batch, of the other students.
"""
from __future__ import annotations

from typing import Callable

from autograder.course import Course
from autograder.pipeline import STATUS_MISCONCEPTION, Status
from autograder.results import ConceptReport, ExerciseReport
from autograder.formats.safe_text import one_line, safe_text

GRADER_FAILED = "the grader failed on this submission ({}): graded as a crash; tell your instructor"


def crash_report(course: Course, name: str, seed: int, reproduce: str, why: str) -> ExerciseReport:
    """Every concept of the exercise at 0 points, status crash, `why` as its message and note."""
    ex = course.exercise(name)
    why = safe_text(why, cap=500)
    # no hint: a concept's hint is about its arithmetic, not about what stopped the grading
    concepts = tuple(ConceptReport(c, 0.0, cfg.points, 0, cfg.cases, Status.CRASH, STATUS_MISCONCEPTION[Status.CRASH],
                                   why)
                     for c, cfg in ex.concepts.items())
    return ExerciseReport(name, ex.title, seed, 0.0, ex.points, concepts, reproduce, notes=(why,))


def contained(course: Course, name: str, seed: int, reproduce: str,
              grade: Callable[[], ExerciseReport]) -> ExerciseReport:
    """`grade()`, or a crash report if it raises anything but a refused or missing submission
    (those are the caller's to report: exit 2 for one exercise, a row in a batch)."""
    from autograder.judging.submission import SubmissionError

    try:
        return grade()
    except SubmissionError:
        raise
    except Exception as e:  # any bug on this student's data costs this exercise only
        return crash_report(course, name, seed, reproduce, GRADER_FAILED.format(one_line(e)))


def missing_report(course: Course, name: str, seed: int, reproduce: str, why: str) -> ExerciseReport:
    """Every concept of the exercise at 0 points, status not-implemented: `why` says what is missing."""
    ex = course.exercise(name)
    stub = Status.NOT_IMPLEMENTED
    concepts = tuple(ConceptReport(c, 0.0, cfg.points, 0, cfg.cases, stub, STATUS_MISCONCEPTION[stub],
                                   f"not submitted: {why}", hint=cfg.hint) for c, cfg in ex.concepts.items())
    return ExerciseReport(name, ex.title, seed, 0.0, ex.points, concepts, reproduce, notes=(f"not submitted: {why}",))


def unreadable_report(course: Course, name: str, seed: int, reproduce: str, error: Exception) -> ExerciseReport:
    """A submission that is missing (not submitted: 0, not-implemented) or refused (crash, with its reason)."""
    from autograder.judging.submission import SubmissionRefused

    if isinstance(error, SubmissionRefused):
        return crash_report(course, name, seed, reproduce, str(error))
    return missing_report(course, name, seed, reproduce, str(error))
