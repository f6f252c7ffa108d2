"""The wrong submissions (solutions/<exercise>/submissions.yml) still apply to the solutions and name mutants."""
from __future__ import annotations

import pytest
from wrong_submissions import misconceptions, wrong_submission_text

from autograder.course import load_course
from autograder.mutants import mutants_for

EXERCISES = list(load_course().exercises)  # every exercise the course lists, none by name here


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_wrong_submission_builds_and_compiles(exercise):
    assert misconceptions(exercise)
    for misconception in misconceptions(exercise):
        text = wrong_submission_text(exercise, misconception)
        compile(text, f"{exercise}/{misconception}.py", "exec")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_wrong_submission_is_named_after_a_mutant(exercise):
    assert set(misconceptions(exercise)) <= {m.id for m in mutants_for(exercise)}
