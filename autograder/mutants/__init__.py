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
