"""exercise9 (conv1d backward): reference vs oracle, mutants vs triggers, and real grades; the tests are
exercise_checks.exercise_tests."""
from __future__ import annotations

from exercise_checks import exercise_tests

NAME = "exercise9"

globals().update(exercise_tests(NAME, min_mean_cases=4))  # the shared tests, as this module's own
