"""Name what went wrong in a failing concept.

The grader keeps each misconception it knows as a mutant (solutions/<name>/mutants.py: an id, an
explanation and the line that differs). When a concept fails, the exercise's mutants for the
functions involved run here, in the grader's process (they are ours), on the same failing cases.
A misconception explains a case when one of its mutants' result on that very case equals the
student's (within the tolerance) while PyTorch's does not. A mistake is named only when it reproduces
the example shown (a name its own evidence refutes would mislead); among those, the one explaining
the most failing cases (ties: declared order), with its explanation, the line that differs and a hint
about that mistake. The exercise's lookalikes (other ways of writing a mistake, mutants.py's
LOOKALIKES) are tried after its mutants. When none fits, the message describes the pattern of the
difference instead (localise.py), and the hint follows that pattern. Statuses that are not mistakes
in the code's arithmetic (not-implemented, forbidden,
timeout, a crash no lookalike raises) keep their own ids and messages.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from autograder.judging import localise
from autograder.cases.space import Case
from autograder.cases.spec import ExerciseSpec
from autograder.judging.compare import KindError, close, judge, normalize
from autograder.content import lookalikes_for
from autograder.mutants import mutants_for
from autograder.mutants.base import Lookalike, Mutant, call_in_process
from autograder.pipeline import COMPARABLE, NOT_ARITHMETIC, Outcome, Status, Trial, one_thread
from autograder.tolerance import Tolerance
from autograder.sandbox.wire import TaggedArray

MAX_TRIALS = 16  # failing cases examined per concept: bounds the mutants' runs in the grader


@dataclass(frozen=True)
class Diagnosis:
    """One explanation of the example shown: its misconception id (or None), the message and the hint,
    all about that same case."""

    misconception: str | None
    message: str
    hint: str = ""
    mistake: str = ""  # the named mutant's or lookalike's key, also where misconceptions.md has no id for it


def diagnose(spec: ExerciseSpec, failing: Sequence[Trial], smallest: Trial, tol: Tolerance, *,
             concept: str = "", hints: Mapping[str, str] | None = None) -> Diagnosis:
    """`failing`: the concept's failing trials, smallest first; `smallest`: the shrunk one to show;
    `concept` and `hints` (concept -> its hint in exercise.yml): the hint is chosen by what went wrong."""
    hints = hints or {}
    own = hints.get(concept, "")
    verdict = smallest.verdict
    raised = verdict.status == Status.CRASH and smallest.outcome.status == Status.RAISED
    if verdict.status in NOT_ARITHMETIC and not raised:  # they say what happened better than any mutant could
        return Diagnosis(verdict.misconception, verdict.message,
                         own if verdict.status == Status.NOT_IMPLEMENTED else "")
    if judge(smallest.expected, smallest.outcome, tol).passed:  # right values, failed on its space's own judge (speed)
        return Diagnosis(None, verdict.message, own)
    trials = [t for t in failing[:MAX_TRIALS] if t.outcome.status in COMPARABLE]
    functions = {t.case.function for t in trials} | {smallest.case.function}
    known = False
    # the misconceptions first; then other ways of writing them, and mistakes without an id
    for group in (mutants_for(spec.name), lookalikes_for(spec.name)):
        mutants = [m for m in group if m.function in functions]
        known = known or bool(mutants)
        found = _best(mutants, trials, smallest, tol)
        if found is not None:
            mutant, count, total = found
            reported = mutant.reported if isinstance(mutant, Lookalike) else mutant.id
            hint = mutant.hint or _owner_hint(spec, reported, hints)
            return Diagnosis(reported, _named(mutant, count, total), hint, mistake=mutant.id)
    if raised:  # an error no known mistake raises: the traceback is the explanation
        return Diagnosis(verdict.misconception, verdict.message, "")
    return _unexplained(smallest, known, tol, own=own, hints=hints)


def _best(mutants: Sequence[Mutant], trials: Sequence[Trial], smallest: Trial,
          tol: Tolerance) -> tuple[Mutant, int, int] | None:
    """The mutant that reproduces the example shown and at least half of the failing cases and, among
    those, the most failing cases:
    (it, how many failing cases it explains, how many there are), the example counted once."""
    if not mutants:
        return None
    with one_thread():
        hits = explained(mutants, trials, tol)
        if any(t is smallest for t in trials):  # not shrunk: its matches are known already
            at = next(i for i, t in enumerate(trials) if t is smallest)
            shown = {k for k, v in hits.items() if at in v}
            extra = 0
        else:
            shown = set(explained(mutants, [smallest], tol))
            extra = 1  # the shrunk example is one more failing case, explained by whatever is named
    total = len(trials) + extra
    # a name whose evidence leaves out the example, or most of the failing cases, would mislead
    shown = {k for k in shown if 2 * (len(hits.get(k, ())) + extra) >= total}
    if not shown:
        return None
    order = {m.id: i for i, m in reversed(list(enumerate(mutants)))}
    best = min(shown, key=lambda k: (-len(hits.get(k, ())), order[k]))
    same = [m for m in mutants if m.id == best]
    mutant = next((m for m in same if m.function == smallest.case.function), same[0])
    return mutant, len(hits.get(best, ())) + extra, total


def _owner_hint(spec: ExerciseSpec, mid: str | None, hints: Mapping[str, str]) -> str:
    """The hint of the first concept whose cases are drawn to show this misconception: the concept about
    it (bias-missing's is `bias`, wherever else it also shows), not the one the case came from."""
    if mid is None:
        return ""
    owners = [c for c, spaces in spec.concepts.items() if any(mid in s.triggers for s in spaces)]
    return next((hints[c] for c in owners if hints.get(c)), "")


def explained(mutants: Sequence[Mutant], trials: Sequence[Trial], tol: Tolerance) -> dict[str, set[int]]:
    """misconception id (a lookalike's own key) -> indices of the trials one of its mutants reproduces
    (and PyTorch does not)."""
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
    return close(*_open(ours, theirs), tol)


def _open(ours: Any, theirs: Any) -> tuple[Any, Any]:
    """A lookalike's NaN matches anything: those positions take the student's value (shapes agree by now)."""
    if isinstance(theirs, tuple):
        pairs = [_open(o, t) for o, t in zip(ours, theirs)]
        return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)
    if isinstance(theirs, np.ndarray) and theirs.dtype.kind == "f" and np.shape(ours) == theirs.shape:
        gap = np.isnan(theirs)
        if gap.any():
            return ours, np.where(gap, ours, theirs)
    return ours, theirs


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


def _named(mutant: Mutant, count: int, total: int) -> str:
    parts = [mutant.explanation]
    if mutant.line:
        parts.append(f"The line that differs:\n    {mutant.line}")
    cases = "case" if total == 1 else "cases"
    parts.append(f"Your results match this mistake on {count} of the {total} failing {cases}, "
                 f"including the example below.")
    return "\n".join(parts)


def _unexplained(smallest: Trial, known: bool, tol: Tolerance, *, own: str = "",
                 hints: Mapping[str, str] | None = None) -> Diagnosis:
    """What the difference looks like on the example, with the hint of what it points at: the concept
    named like the pattern's topic (padding, bias, stride) if the exercise has one, else the concept's own."""
    verdict = smallest.verdict
    where, topic = "", ""
    if smallest.outcome.status == Status.RETURNED:
        where, topic = localise.explain(smallest.expected, smallest.outcome.value, tol)
    # a status of its own (wrong-shape, no-validation) is an explanation: no "none of the mistakes" beside it
    head = ("None of the mistakes the grader knows for this function gives your results."
            if known and not verdict.misconception else "")
    said = verdict.message
    if where and topic == "size" and verdict.misconception == "wrong-shape":
        said = ""  # "returned shape (1, 2), expected (1, 3)" is what the localiser's sentence says again
    mistake = ""
    if topic in localise.HINTS:  # a pattern that says what the code did (a loop stopped early): it, once
        head, said, mistake = "", "", f"pattern:{topic}"
    parts = [p for p in (head, said, where) if p]
    kept = {}  # "12 of 12 values differ" once, with or without its period
    for p in parts:
        kept.setdefault(p.rstrip("."), p)
    hint = own
    if topic and verdict.misconception != "no-validation":
        hint = (hints or {}).get(topic) or localise.HINTS.get(topic) or own
    return Diagnosis(verdict.misconception, "\n".join(kept.values()), hint, mistake=mistake)
