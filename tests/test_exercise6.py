"""exercise6 (padding modes, 'same'): reference vs oracle, mutants vs triggers, and real grades; the tests are
exercise_checks.exercise_tests."""
from __future__ import annotations

from exercise_checks import exercise_tests

NAME = "exercise6"

globals().update(exercise_tests(NAME))  # the shared tests, as this module's own
