"""The wrong submissions (tests/submissions/<exercise>.yml) still apply to the solutions and name mutants."""
from __future__ import annotations

import pytest
from wrong_submissions import misconceptions, wrong_submission_text

from autograder.mutants import mutants_for

EXERCISES = [f"exercise{n}" for n in range(1, 10)]


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_wrong_submission_builds_and_compiles(exercise):
    assert misconceptions(exercise)
    for misconception in misconceptions(exercise):
        text = wrong_submission_text(exercise, misconception)
        compile(text, f"{exercise}/{misconception}.py", "exec")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_wrong_submission_is_named_after_a_mutant(exercise):
    assert set(misconceptions(exercise)) <= {m.id for m in mutants_for(exercise)}
