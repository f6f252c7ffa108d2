"""Name what went wrong in a failing concept. (Mutant matching arrives with the diagnosis issue.)"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnosis:
    misconception: str | None
    message: str


def diagnose(spec, failing, smallest, tol) -> Diagnosis:
    """`failing`: the concept's failing trials, smallest first; `smallest`: the shrunk one to show."""
    verdict = smallest.verdict
    return Diagnosis(verdict.misconception, verdict.message)
