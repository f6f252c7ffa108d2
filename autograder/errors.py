"""The errors that are the user's mistake: `grade` prints them as one line and exits 2."""
from __future__ import annotations

from autograder.course import CourseError
from autograder.judging.submission import SubmissionError


class OutputError(Exception):
    """The report could not be written where asked."""


USER_ERRORS = (CourseError, SubmissionError, OutputError)
