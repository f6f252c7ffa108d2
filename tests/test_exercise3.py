"""exercise3 (many channels): reference vs oracle, mutants vs triggers, and real grades."""
from __future__ import annotations

import json

import pytest
from conftest import run_grade

from exercise_checks import (ROOT, SUBMISSIONS, check_reference_graded, check_stub_graded, check_wrong_submission,
                             course, grade, one_case_per_space, reference_failures, trigger_mismatches,
                             wrong_submissions)

NAME = "exercise3"


@pytest.fixture(scope="module")
def cases():
    return one_case_per_space(NAME, range(20))


def test_the_reference_agrees_with_torch_on_every_space_over_20_seeds(cases):
    assert not reference_failures(NAME, cases)


def test_every_mutant_shows_exactly_where_its_trigger_is_promised(cases):
    assert not trigger_mismatches(NAME, cases[: len(cases) // 4])  # the first 5 seeds


def test_every_concept_of_the_course_has_cases_and_hints():
    ex = course().exercise(NAME)
    assert 6 * len(ex.concepts) <= sum(c.cases for c in ex.concepts.values()) <= 80
    assert all(c.hint for c in ex.concepts.values())


@pytest.mark.slow
def test_the_reference_gets_full_marks_from_the_command_line_in_json():
    done = run_grade(NAME, "--submission", ROOT / "solutions" / f"{NAME}.py", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["exercise"] == NAME and report["score"] == report["max_score"] == 10
    assert {c["status"] for c in report["concepts"]} == {"passed"}
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


@pytest.mark.slow
def test_a_correct_submission_written_differently_gets_full_marks():
    report = grade(NAME, SUBMISSIONS / NAME / "correct-numpy.py", 20261121)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:200]) for c in report.concepts]


def test_there_are_at_least_five_wrong_submissions():
    assert len(wrong_submissions(NAME)) >= 5
