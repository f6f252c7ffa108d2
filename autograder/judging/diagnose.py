"""Name what went wrong in a failing concept.

The grader keeps each misconception it knows as a mutant (solutions/<name>/mutants.py: an id, an
explanation and the line that differs). When a concept fails, the exercise's mutants for the
functions involved run here, in the grader's process (they are ours), on the same failing cases.
A misconception explains a case when one of its mutants' result on that very case equals the
student's (within the tolerance) while PyTorch's does not. The one explaining the most failing
cases is named (ties: the example shown, then declared order), with its explanation and the line
that differs. When none does, the message says so and describes the pattern of the difference
instead (localise.py). Statuses that are not mistakes in the code's arithmetic (not-implemented,
forbidden, timeout, crash) keep their own ids and messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from autograder.judging import localise
from autograder.cases.space import Case
from autograder.cases.spec import ExerciseSpec
from autograder.judging.compare import KindError, close, judge, normalize
from autograder.mutants import mutants_for
from autograder.mutants.base import Mutant, call_in_process
from autograder.pipeline import COMPARABLE, NOT_ARITHMETIC, Outcome, Status, Tolerance, Trial, one_thread
from autograder.sandbox.wire import TaggedArray

MAX_TRIALS = 16  # failing cases examined per concept: bounds the mutants' runs in the grader


@dataclass(frozen=True)
class Diagnosis:
    misconception: str | None
    message: str


def diagnose(spec: ExerciseSpec, failing: Sequence[Trial], smallest: Trial, tol: Tolerance) -> Diagnosis:
    """`failing`: the concept's failing trials, smallest first; `smallest`: the shrunk one to show."""
    verdict = smallest.verdict
    if verdict.status in NOT_ARITHMETIC:  # they say what happened better than any mutant could
        return Diagnosis(verdict.misconception, verdict.message)
    if judge(smallest.expected, smallest.outcome, tol).passed:  # right values, failed on its space's own judge (speed)
        return Diagnosis(None, verdict.message)
    trials = [t for t in failing[:MAX_TRIALS] if t.outcome.status in COMPARABLE]
    functions = {t.case.function for t in trials} | {smallest.case.function}
    mutants = [m for m in mutants_for(spec.name) if m.function in functions]
    with one_thread():
        hits = explained(mutants, trials, tol)
        if any(t is smallest for t in trials):  # not shrunk: its matches are known already
            at = next(i for i, t in enumerate(trials) if t is smallest)
            shown = {k: {0} for k, v in hits.items() if at in v}
        else:
            shown = explained(mutants, [smallest], tol)
    if hits or shown:
        order = {m.id: i for i, m in reversed(list(enumerate(mutants)))}
        best = min(set(hits) | set(shown), key=lambda i: (-len(hits.get(i, ())), i not in shown, order[i]))
        return Diagnosis(best, _named(best, mutants, smallest, len(hits.get(best, ())), len(trials), best in shown, tol))
    return Diagnosis(verdict.misconception, _unexplained(smallest, bool(mutants), tol))


def explained(mutants: Sequence[Mutant], trials: Sequence[Trial], tol: Tolerance) -> dict[str, set[int]]:
    """misconception id -> indices of the trials one of its mutants reproduces (and PyTorch does not)."""
    hits: dict[str, set[int]] = {}
    for i, t in enumerate(trials):
        if t.verdict.passed or t.outcome.status not in COMPARABLE:
            continue
        for m in mutants:
            if m.function == t.case.function and m.id not in {k for k, v in hits.items() if i in v}:
                if matches(t, m, tol):
                    hits.setdefault(m.id, set()).add(i)
    return hits


def matches(trial: Trial, mutant: Mutant, tol: Tolerance) -> bool:
    """Does the mutant, run on this trial's own case, do what the student's code did?"""
    if mutant.function != trial.case.function:
        return False
    theirs = mutant_outcome(mutant, trial.case)
    if judge(trial.expected, theirs, tol).passed:  # the mistake does not show on this case
        return False
    return agrees(trial.outcome, theirs, trial.expected, tol)


def mutant_outcome(mutant: Mutant, case: Case) -> Outcome:
    return call_in_process(mutant.impl, case.call)


def agrees(student: Outcome, mutant: Outcome, expected: Any, tol: Tolerance) -> bool:
    """The two outcomes are the same: the same exception type, or values equal within tolerance
    (read in the expected's kind, each keeping its own shape, so a wrong shape can agree too)."""
    if student.status != mutant.status or student.status not in COMPARABLE:
        return False
    if student.status == Status.RAISED:
        return student.error == mutant.error
    like = localise.template(expected, mutant.value)
    try:
        theirs = normalize(mutant.value, like)
    except (KindError, TypeError):  # both of a wrong kind (a float size, say): compare as returned
        return same_raw(student.value, mutant.value, tol)
    try:
        ours = normalize(student.value, like)
    except (KindError, TypeError):
        return False
    return close(ours, theirs, tol)


def same_raw(a: Any, b: Any, tol: Tolerance) -> bool:
    """Plain decoded values equal in type, shape and value (floats within tolerance)."""
    if isinstance(a, TaggedArray) and isinstance(b, TaggedArray):
        x, y = a.array, b.array
        if x.shape != y.shape or x.dtype.kind != y.dtype.kind:
            return False
        if x.dtype.kind in "fc":
            return bool(np.allclose(x, y, rtol=tol.rtol, atol=tol.atol))
        return bool(np.array_equal(x, y))
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return bool(np.isclose(a, b, rtol=tol.rtol, atol=tol.atol))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_raw(x, y, tol) for x, y in zip(a, b))
    return a == b


def _named(mid: str, mutants: Sequence[Mutant], smallest: Trial, count: int, total: int, in_shown: bool,
           tol: Tolerance) -> str:
    same = [m for m in mutants if m.id == mid]
    mutant = next((m for m in same if m.function == smallest.case.function), same[0])
    parts = [mutant.explanation]
    if mutant.line:
        parts.append(f"The line that differs:\n    {mutant.line}")
    cases = "case" if total == 1 else "cases"
    if in_shown:
        parts.append(f"Your results match this mistake on {count} of the {total} failing {cases}, "
                     f"including the example below.")
    else:
        where = localise.describe(smallest.expected, smallest.outcome.value, tol) or smallest.verdict.message
        parts.append(f"Your results match this mistake on {count} of the {total} failing {cases}; the "
                     f"example below differs in another way: {where}")
    return "\n".join(parts)


def _unexplained(smallest: Trial, known: bool, tol: Tolerance) -> str:
    verdict = smallest.verdict
    head = ("None of the mistakes the grader knows for this function gives your results."
            if known else "")
    where = ""
    if smallest.outcome.status == Status.RETURNED:
        where = localise.describe(smallest.expected, smallest.outcome.value, tol)
    parts = [p for p in (head, verdict.message, where) if p]
    kept = {}  # "12 of 12 values differ" once, with or without its period
    for p in parts:
        kept.setdefault(p.rstrip("."), p)
    return "\n".join(kept.values())
