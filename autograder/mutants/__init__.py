"""Misconceptions kept as mutants: small wrong implementations, each exercise's in its folder's
mutants.py (solutions/<name>/, autograder/content.py).

They are the grader's, never in exercises/ or the student copy, and run in the grader's process.
"""
from __future__ import annotations

from autograder.content import known_exercises, loaded
from autograder.content import mutants_for as _of_exercise
from autograder.mutants.base import Mutant


def mutants_for(exercise: str) -> tuple[Mutant, ...]:
    """The exercise's mutants, in declared order; none when it has no mutants.py or is unknown."""
    return _of_exercise(exercise)


def exercise_of(function: str) -> str | None:
    """The exercise whose oracles include `function` (function names are unique in the course)."""
    for name in known_exercises():
        if function in loaded(name).spec.oracles:
            return name
    return None


def mutants_of(function: str) -> tuple[Mutant, ...]:
    """The mutants that replace `function`, in their exercise's declared order."""
    name = exercise_of(function)
    return tuple(m for m in mutants_for(name) if m.function == function) if name else ()
