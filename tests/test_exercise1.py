"""exercise1 (output size): reference vs oracle, promised triggers, and real grades."""
from __future__ import annotations

import json

import pytest
from conftest import run_grade

from autograder.mutants import mutants_for
from autograder.mutants.base import one_thread
from exercise_checks import (ROOT, check_reference_graded, check_stub_graded, check_wrong_submission, course,
                             one_case_per_space, reference_failures, spec, verdict, wrong_submissions)

NAME = "exercise1"


@pytest.fixture(scope="module")
def cases():
    return one_case_per_space(NAME, range(20))


def promised_but_hidden(cases) -> list[str]:
    """Mutants that a space promises (Space.triggers) but that pass one of its cases. exercise1's size
    mistakes also show outside their own spaces (a missing + 1 is wrong everywhere), so only this
    direction is checked here."""
    hidden = []
    with one_thread():
        for c in cases:
            for m in mutants_for(NAME):
                if m.function == c.function and m.id in c.space.triggers and verdict(NAME, c, m.impl).passed:
                    hidden.append(f"{m.id} on {c.concept}/{c.space.name} {dict(c.params)}")
    return hidden


def test_the_reference_agrees_with_torch_on_every_space_over_20_seeds(cases):
    assert not reference_failures(NAME, cases)


def test_every_promised_trigger_shows_on_every_seed(cases):
    assert not promised_but_hidden(cases[: len(cases) // 4])  # the first 5 seeds


def test_every_promised_trigger_has_a_mutant():
    ids = {(m.function, m.id) for m in mutants_for(NAME)}
    missing = {(s.function, t) for spaces in spec(NAME).concepts.values() for s in spaces for t in s.triggers} - ids
    assert not missing


@pytest.mark.slow
def test_the_reference_gets_full_marks_from_the_command_line_in_json():
    done = run_grade(NAME, "--submission", ROOT / "solutions" / f"{NAME}.py", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["score"] == report["max_score"] == 10
    assert [c["name"] for c in report["concepts"]] == list(course().exercise(NAME).concepts)


@pytest.mark.slow
def test_the_reference_gets_full_marks_in_the_sandbox_on_another_seed():
    check_reference_graded(NAME, 7)


@pytest.mark.slow
def test_the_stub_gets_nothing_and_says_not_implemented():
    check_stub_graded(NAME)


@pytest.mark.slow
@pytest.mark.parametrize("path", wrong_submissions(NAME), ids=lambda p: p.stem)
def test_a_wrong_submission_loses_exactly_the_concepts_its_mistake_breaks(path):
    check_wrong_submission(NAME, path, 20261121)


def test_there_are_at_least_five_wrong_submissions():
    assert len(wrong_submissions(NAME)) >= 5
