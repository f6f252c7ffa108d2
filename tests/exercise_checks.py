"""What the per-exercise tests (tests/test_exercises.py) check, as functions of the exercise's name.

- the reference solution agrees with the torch oracle on every space, in-process, over many seeds;
- every mutant shows exactly on the spaces that promise it (Space.triggers), and nowhere else;
- graded for real (sandboxed), the reference gets full marks, the stub 0 with `not-implemented`, and a
  wrong submission (solutions/<exercise>/submissions.yml, see wrong_submissions.py) loses points in exactly
  the concepts whose spaces promise that misconception, each naming it, and keeps full marks elsewhere.
"""
from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path

from conftest import reference_path, the_course
from wrong_submissions import SOLUTIONS

from autograder.content import definition
from autograder.cases.space import Case
from autograder.judging.compare import judge
from autograder.mutants import mutants_for
from autograder.mutants.base import call_in_process, one_thread


def course():
    return the_course()


@lru_cache(maxsize=None)
def spec(name: str):
    return definition(course(), name).spec


@lru_cache(maxsize=None)
def reference(name: str):
    """The reference solution imported by path (the tests may; the grader never does)."""
    module_spec = importlib.util.spec_from_file_location(f"reference_{name}", reference_path(name))
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[module_spec.name] = module
    module_spec.loader.exec_module(module)
    return module


def one_case_per_space(name: str, seeds, *, timed: bool = False) -> list[Case]:
    """For each seed, one case of every space of every concept (the timed speed case only if asked)."""
    out = []
    with one_thread():
        for seed in seeds:
            for concept, spaces in spec(name).concepts.items():
                if any(s.call_options for s in spaces) and not timed:
                    continue
                out += spec(name).cases(concept, seed=seed, count=len(spaces))  # each space once
    return out


def verdict(name: str, case: Case, function):
    """`function` (a reference or a mutant) judged on the case as the grader would, in this process."""
    outcome = call_in_process(function, case.call)
    return (case.space.judge or judge)(spec(name).expected(case), outcome, course().tolerance_for(name))


def reference_failures(name: str, cases) -> list[str]:
    ref = reference(name)
    with one_thread():
        return [f"{c.concept}/{c.space.name} {dict(c.params)}: {v.status} {v.message[:200]}"
                for c in cases for v in [verdict(name, c, getattr(ref, c.function))] if not v.passed]


def trigger_mismatches(name: str, cases) -> list[str]:
    """Mutants that do not show where promised, or show where not promised."""
    wrong = []
    with one_thread():
        for c in cases:
            if c.space.invalid:
                continue
            for m in mutants_for(name):
                if m.function != c.function:
                    continue
                shows = not verdict(name, c, m.impl).passed
                if shows != (m.id in c.space.triggers):
                    wrong.append(f"{m.id} on {c.concept}/{c.space.name} {dict(c.params)}: "
                                 f"{'shows but is not promised' if shows else 'promised but does not show'}")
    return wrong


def promised_but_hidden(name: str, cases) -> list[str]:
    """Mutants that a space promises (Space.triggers) but that pass one of its cases: the one direction
    checked for an exercise whose mistakes also show outside their own spaces (exercise1's missing + 1
    is wrong everywhere)."""
    hidden = []
    with one_thread():
        for c in cases:
            for m in mutants_for(name):
                if m.function == c.function and m.id in c.space.triggers and verdict(name, c, m.impl).passed:
                    hidden.append(f"{m.id} on {c.concept}/{c.space.name} {dict(c.params)}")
    return hidden


def grade(name: str, submission: Path | None, seed: int, sandbox):
    """The real thing: the exercise graded in `sandbox` (the session's warm one); None grades the
    student stub in exercises/."""
    from autograder.judging.grading import grade_exercise
    from autograder.judging.submission import load_submission

    c = course()
    loaded = load_submission(c, c.exercise(name), submission)
    return grade_exercise(c, name, loaded, seed=seed, sandbox=sandbox, reproduce="")


def promised_concepts(name: str, misconception: str) -> set[str]:
    """The concepts with a space that promises the misconception: where a submission making it loses."""
    return {concept for concept, spaces in spec(name).concepts.items()
            if any(misconception in s.triggers for s in spaces) and concept in course().exercise(name).concepts}


def correct_submissions(name: str) -> list[str]:
    """Correct submissions written differently from the reference: solutions/<name>/submissions/correct-*.py."""
    return sorted(p.name for p in (SOLUTIONS / name / "submissions").glob("correct-*.py"))
