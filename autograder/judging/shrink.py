"""Shrink a failing case before showing it (hypothesis's idea, on a case's small integers).

A case is its integer parameters. Shrinking lowers each toward its minimum (to the minimum,
half-way, minus one), `fraction` to 0 (small-integer values), and the seed only to try a few
other values of the same sizes when those are simpler, as long as the case still fails the same
way. A space's minimums still show its concept, so the shrunk case stays in it and sizes go
toward batch 1, one channel, the shortest input, the smallest kernel.

Cost: each round of candidates is one sandbox run (one process), all candidates batched.
- When a known mistake (a mutant, else a lookalike) reproduces the student's result, the search
  runs here on the mutant, at no cost, and one sandbox run checks the whole path on the student's code; the
  example kept still shows that mistake (so the diagnosis can explain the example shown).
- Otherwise, or if the student's code left the predicted path, at most MAX_ROUNDS runs.
Timeouts, stubs, forbidden calls and process crashes are not shrunk (nothing would be learnt).

Bound (tests/test_shrink.py): a shrunk case is never larger (Case.size) than the one it came from,
and one shrunk through mutants is a local minimum: lowering any single parameter no longer shows
every mistake that explained the original (see predicted()). For exercise1's mutants every example
shown has Case.size <= MAX_SHOWN_SIZE.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from autograder.cases.space import SEED_MAX, Case
from autograder.cases.spec import ExerciseSpec
from autograder.judging.compare import judge
from autograder.mutants.base import Mutant
from autograder.pipeline import COMPARABLE, NOT_ARITHMETIC, Outcome, Runner, Status, Trial, Verdict, one_thread
from autograder.tolerance import Tolerance

MAX_ROUNDS = 3
MAX_STEPS = 40  # in-process steps along a mutant's path
CHECKED = 8  # the smallest cases of that path checked on the student's code
OTHER_SEEDS = 3
MAX_SHOWN_SIZE = 24  # exercise1: parameters and arguments of a shown example add up to at most this


def shrink(trial: Trial, run: Runner, *, tol: Tolerance) -> Trial:
    """The smallest trial found that still fails like `trial`, judged with the exercise's tolerance `tol`;
    `run(cases) -> trials` runs in the sandbox (and judges with that same tolerance)."""
    # nothing is learnt from a smaller stub, refusal, timeout or dead process; an exception the student's
    # code raised (verdict crash, outcome raised) is shrunk
    not_shrunk = (Status.NOT_IMPLEMENTED, Status.FORBIDDEN, Status.TIMEOUT)
    if trial.outcome.status in NOT_ARITHMETIC or trial.verdict.status in not_shrunk:
        return trial
    with one_thread():
        return _shrink(trial, run, tol)


def _shrink(trial: Trial, run: Runner, tol: Tolerance) -> Trial:
    known = _known(trial, tol)
    if known:
        path = _mutant_path(trial, known, tol)
        if not path:
            return trial  # already as small as this mistake can show
        tried = run(path[-CHECKED:])
        good = [t for t in tried if _same_failure(t, trial) and _shows(t, known, tol)]
        if good:
            return min(good, key=_key)
        return _by_runs(trial, run, known, tol, MAX_ROUNDS - 1)
    return _by_runs(trial, run, known, tol, MAX_ROUNDS)


def candidates(case: Case, *, seeds: bool = False) -> list[Case]:
    """One step down from `case`: each parameter to its minimum, half-way, minus one; all at once."""
    out: dict[tuple, Case] = {}

    def add(c: Case) -> None:
        out.setdefault(tuple(sorted(c.params.items())), c)

    lowest, halves = {}, {}
    for key, (lo, _hi) in case.space.params.items():
        v = case.params[key]
        for nv in (lo, (lo + v) // 2, v - 1):
            if lo <= nv < v:
                add(case.with_params(**{key: nv}))
        if v > lo:
            lowest[key], halves[key] = lo, (lo + v) // 2
    if len(lowest) > 1:
        add(case.with_params(**lowest))
        add(case.with_params(**halves))
    if seeds and _weight(case) > 0:
        rng = np.random.default_rng(case.params["seed"])
        for s in rng.integers(0, SEED_MAX, OTHER_SEEDS):
            add(case.with_params(seed=int(s)))
    return sorted(out.values(), key=lambda c: (c.size, _weight(c)))


def _by_runs(trial: Trial, run: Runner, known: Sequence[Mutant], tol: Tolerance, rounds: int) -> Trial:
    current = trial
    for r in range(rounds):
        cands = [c for c in candidates(current.case, seeds=r == rounds - 1) if _smaller(c, current.case)]
        if not cands:
            break
        better = [t for t in run(cands) if _same_failure(t, trial) and (not known or _shows(t, known, tol))]
        if not better:
            break
        current = min(better, key=_key)
    return current


def _mutant_path(trial: Trial, known: Sequence[Mutant], tol: Tolerance) -> list[Case]:
    """Greedy descent on the mutants' own results: each step the smallest candidate they still fail."""
    from autograder.cases import registry
    from autograder.mutants import exercise_of

    spec = registry.spec(exercise_of(trial.case.function))
    path: list[Case] = []
    current = trial.case
    for _ in range(MAX_STEPS):
        step = next((c for c in candidates(current, seeds=True)
                     if _smaller(c, current) and predicted(c, spec, trial, known, tol)), None)
        if step is None:
            break
        path.append(step)
        current = step
    return path


def predicted(case: Case, spec: ExerciseSpec, trial: Trial, known: Sequence[Mutant], tol: Tolerance) -> bool:
    """Would a student making these mistakes still fail this case, the same way? Every mistake that
    explained the original case must fail here with one same result, so that the example keeps
    every explanation the original had (the diagnosis may pick any of them)."""
    from autograder.judging.diagnose import agrees, mutant_outcome

    expected = spec.expected(case)
    outcomes = [mutant_outcome(m, case) for m in known]
    for outcome in outcomes:
        verdict = (case.space.judge or judge)(expected, outcome, tol)
        if verdict.passed or _kind(verdict, outcome) != _kind(trial.verdict, trial.outcome):
            return False
    return all(agrees(o, outcomes[0], expected, tol) for o in outcomes[1:])


def _known(trial: Trial, tol: Tolerance) -> list[Mutant]:
    """The mutants that reproduce the trial; else its exercise's lookalikes that do (as diagnose tries them)."""
    from autograder.content import lookalikes_for
    from autograder.judging.diagnose import matches
    from autograder.mutants import exercise_of, mutants_of

    if trial.outcome.status not in COMPARABLE:
        return []
    found = [m for m in mutants_of(trial.case.function) if matches(trial, m, tol)]
    if found:
        return found
    name = exercise_of(trial.case.function)
    return [m for m in (lookalikes_for(name) if name else ())
            if m.function == trial.case.function and matches(trial, m, tol)]


def _shows(trial: Trial, known: Sequence[Mutant], tol: Tolerance) -> bool:
    from autograder.judging.diagnose import matches

    return any(matches(trial, m, tol) for m in known)


def _kind(verdict: Verdict, outcome: Outcome) -> tuple:
    return (verdict.status, verdict.misconception, outcome.status, outcome.error)


def _same_failure(t: Trial, original: Trial) -> bool:
    return not t.verdict.passed and _kind(t.verdict, t.outcome) == _kind(original.verdict, original.outcome)


def _smaller(c: Case, than: Case) -> bool:
    return (c.size, _weight(c)) < (than.size, _weight(than))


def _key(t: Trial) -> tuple:
    return (t.case.size, _weight(t.case))


def _weight(case: Case) -> float:
    """How hard the values are to read: their magnitudes, and a fraction costs more than an integer."""
    total = 0.0
    for v in case.arguments.values():
        if hasattr(v, "shape"):
            a = np.asarray(v, dtype=np.float64)
            total += float(np.abs(a).sum()) + 4.0 * float((a != np.round(a)).sum())
    return total
