"""exercise6 (padding modes, 'same'): reference vs oracle, mutants vs triggers, and real grades."""
from __future__ import annotations

import pytest

from exercise_checks import (check_reference_graded, check_stub_graded, check_wrong_submission,
                             one_case_per_space, reference_failures, trigger_mismatches, wrong_submissions)

NAME = "exercise6"


@pytest.fixture(scope="module")
def cases():
    return one_case_per_space(NAME, range(20))


def test_the_reference_agrees_with_torch_on_every_space_over_20_seeds(cases):
    assert not reference_failures(NAME, cases)


def test_every_mutant_shows_exactly_where_its_trigger_is_promised(cases):
    assert not trigger_mismatches(NAME, cases[: len(cases) // 4])  # the first 5 seeds


@pytest.mark.slow
@pytest.mark.parametrize("seed", [20261121, 7])
def test_the_reference_gets_full_marks_in_the_sandbox(seed):
    check_reference_graded(NAME, seed)


@pytest.mark.slow
def test_the_stub_gets_nothing_and_says_not_implemented():
    check_stub_graded(NAME)


@pytest.mark.slow
@pytest.mark.parametrize("misconception", wrong_submissions(NAME))
def test_a_wrong_submission_loses_exactly_the_concepts_its_mistake_breaks(misconception, tmp_path):
    check_wrong_submission(NAME, misconception, 20261121, tmp_path)


def test_there_are_at_least_five_wrong_submissions():
    assert len(wrong_submissions(NAME)) >= 5
