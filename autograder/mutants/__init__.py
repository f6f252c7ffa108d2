"""Misconceptions kept as mutants: small wrong implementations, one module per exercise.

They are the grader's, never in solutions/ or exercises/, and run in the grader's process.
"""
from __future__ import annotations

import importlib
from functools import lru_cache

from autograder.mutants.base import Mutant


@lru_cache(maxsize=None)
def mutants_for(exercise: str) -> tuple[Mutant, ...]:
    try:
        module = importlib.import_module(f"autograder.mutants.{exercise}")
    except ModuleNotFoundError as e:
        if e.name == f"autograder.mutants.{exercise}":
            return ()
        raise
    return tuple(module.MUTANTS)


@lru_cache(maxsize=None)
def exercise_of(function: str) -> str | None:
    """The exercise whose oracles include `function` (function names are unique in the course)."""
    from autograder.cases import registry

    for name in registry.KNOWN:
        try:
            spec = registry.spec(name)
        except KeyError:
            continue
        if function in spec.oracles:
            return name
    return None


def mutants_of(function: str) -> tuple[Mutant, ...]:
    """The mutants that replace `function`, in their exercise's declared order."""
    name = exercise_of(function)
    return tuple(m for m in mutants_for(name) if m.function == function) if name else ()
