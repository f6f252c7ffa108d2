"""exercise2 (convolution as dot products): reference vs oracle, mutants vs triggers, and real grades of the reference, the
stub, the wrong submissions and one written differently; the tests are exercise_checks.exercise_tests."""
from __future__ import annotations

from exercise_checks import exercise_tests

NAME = "exercise2"

globals().update(exercise_tests(NAME, differently_written="correct-lists.py"))  # the tests, as this module's own
