"""Every exercise course.yml names: the reference against the torch oracle, the mutants against the
triggers their spaces promise, and real grades (in the session's warm sandbox) of the reference, the
stub, the wrong submissions (solutions/<exercise>/submissions.yml) and the correct ones written differently
(solutions/<exercise>/submissions/correct-*.py). Each test is parametrized by the exercise's name, so
`pytest -k exercise5` runs one exercise's. The checks are in exercise_checks.py; what differs between
exercises is data (CHECKS) or an explicit test in tests/test_<exercise>.py.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass

import pytest
from conftest import course_exercises, reference_path, run_grade
from exercise_checks import (SOLUTIONS, correct_submissions, course, grade, one_case_per_space,
                             promised_but_hidden, promised_concepts, reference_failures, spec, trigger_mismatches)
from wrong_submissions import misconceptions, write_wrong_submission

from autograder.mutants import mutants_for


@dataclass(frozen=True)
class Checks:
    """What differs between exercises' checks. `exact_triggers=False`: a mutant must show wherever a
    space promises it, and may show elsewhere too (exercise1's size mistakes are wrong everywhere);
    `min_mean_cases`: the fewest cases a concept of the exercise gets on average; `timed`: its grade
    measures CPU time (a speed case), so its tests run with the other timing tests, on one worker."""

    exact_triggers: bool = True
    min_mean_cases: int = 6
    timed: bool = False


CHECKS = {
    "exercise1": Checks(exact_triggers=False),
    "exercise7": Checks(min_mean_cases=4),
    "exercise8": Checks(min_mean_cases=4, timed=True),
    "exercise9": Checks(min_mean_cases=4),
}
EXERCISES = course_exercises()


def marks(name: str):
    return [pytest.mark.xdist_group("timing")] if CHECKS.get(name, Checks()).timed else []


def wrong_marks(name: str, misconception: str):
    """A wrong submission is timed only where its answer is right: on a timed space that does not
    promise its misconception. One whose mistake breaks every timed space measures no CPU time, so
    it need not wait for the timing tests' worker."""
    timed = {concept for concept, spaces in spec(name).concepts.items()
             if any(s.call_options.get("time_repeats") for s in spaces)}
    return marks(name) if timed - promised_concepts(name, misconception) else []


WRONG = [pytest.param(name, m, id=f"{name}-{m}", marks=wrong_marks(name, m))
         for name in EXERCISES for m in misconceptions(name)]
CORRECT = [pytest.param(name, file, id=f"{name}-{file}", marks=marks(name))
           for name in EXERCISES for file in correct_submissions(name)]

# module scope: each exercise's tests run together, and its cases (below) are drawn once
per_exercise = pytest.mark.parametrize("exercise", [pytest.param(name, marks=marks(name)) for name in EXERCISES],
                                       scope="module")


@pytest.fixture(scope="module")
def cases(exercise):
    """One case per space over 20 seeds."""
    return one_case_per_space(exercise, range(20))


def test_every_exercise_with_special_checks_is_in_the_course():
    assert set(CHECKS) <= set(EXERCISES)


@per_exercise
def test_the_reference_agrees_with_torch_on_every_space_over_20_seeds(exercise, cases):
    assert not reference_failures(exercise, cases)


@per_exercise
def test_every_mutant_shows_where_its_trigger_is_promised(exercise, cases):
    """And nowhere else, unless the exercise's checks are loose (Checks.exact_triggers)."""
    first = cases[: len(cases) // 4]  # the first 5 seeds
    if CHECKS.get(exercise, Checks()).exact_triggers:
        assert not trigger_mismatches(exercise, first)
    else:
        assert not promised_but_hidden(exercise, first)


@per_exercise
def test_every_promised_trigger_has_a_mutant(exercise):
    ids = {(m.function, m.id) for m in mutants_for(exercise)}
    promised = {(s.function, t) for spaces in spec(exercise).concepts.values() for s in spaces for t in s.triggers}
    assert promised and not promised - ids


@per_exercise
def test_every_concept_of_the_course_has_cases_and_hints(exercise):
    ex = course().exercise(exercise)
    min_mean_cases = CHECKS.get(exercise, Checks()).min_mean_cases
    assert min_mean_cases * len(ex.concepts) <= sum(c.cases for c in ex.concepts.values()) <= 80
    assert all(c.hint for c in ex.concepts.values())
    # cases cycle over a concept's spaces: enough of them draw every space, so every trigger, on every seed
    assert all(cfg.cases >= len(spec(exercise).concepts[c]) for c, cfg in ex.concepts.items())


@per_exercise
def test_there_are_at_least_five_wrong_submissions(exercise):
    assert len(misconceptions(exercise)) >= 5


@pytest.fixture(scope="session")
def references_from_the_command_line(tmp_path_factory):
    """`grade --submission FOLDER --format json` on a folder of every exercise's reference: one grader
    start for all of them (each costs two torch imports), each exercise's test reads its own report.
    Session scope: xdist hands a worker this module's tests in several batches, and a module fixture
    was graded again for each (three times, 26 s)."""
    folder = tmp_path_factory.mktemp("references")
    for name in EXERCISES:
        shutil.copy(reference_path(name), folder / course().exercise(name).file)
    done = run_grade("--submission", folder, "--format", "json", timeout=600)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, {e["exercise"]: e for e in json.loads(done.stdout)["exercises"]}


@per_exercise
@pytest.mark.slow
def test_the_reference_gets_full_marks_from_the_command_line_in_json(exercise, references_from_the_command_line):
    returncode, reports = references_from_the_command_line
    report = reports[exercise]
    assert report["exercise"] == exercise and report["score"] == report["max_score"] == 10
    assert {c["status"] for c in report["concepts"]} == {"passed"}
    assert [c["name"] for c in report["concepts"]] == list(course().exercise(exercise).concepts)
    assert returncode == 0  # full marks everywhere


@per_exercise
def test_the_reference_gets_full_marks_in_the_sandbox_on_another_seed(exercise, warm_sandbox):
    report = grade(exercise, reference_path(exercise), 7, warm_sandbox)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:200]) for c in report.concepts if not c.ok]


@per_exercise
def test_the_stub_gets_nothing_and_says_not_implemented(exercise, warm_sandbox):
    report = grade(exercise, None, course().seed, warm_sandbox)
    assert report.score == 0
    assert {c.status for c in report.concepts} == {"not-implemented"}
    assert {c.misconception for c in report.concepts} == {"not-implemented"}


@pytest.mark.parametrize("exercise, misconception", WRONG)
def test_a_wrong_submission_loses_exactly_the_concepts_its_mistake_breaks(exercise, misconception, tmp_path,
                                                                          warm_sandbox):
    report = grade(exercise, write_wrong_submission(exercise, misconception, tmp_path), 20261121, warm_sandbox)
    lost = {c.name for c in report.concepts if c.score < c.max_score}
    expected = promised_concepts(exercise, misconception)
    assert expected, f"no space of {exercise} promises {misconception}"
    assert lost == expected, f"{misconception}: lost {sorted(lost)}, expected {sorted(expected)}"
    named = {c.name: c.misconception for c in report.concepts if c.name in lost}
    assert set(named.values()) == {misconception}, f"{misconception}: named {named}"


@pytest.mark.parametrize("exercise, file", CORRECT)
def test_a_correct_submission_written_differently_gets_full_marks(exercise, file, warm_sandbox):
    report = grade(exercise, SOLUTIONS / exercise / "submissions" / file, 20261121, warm_sandbox)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:200]) for c in report.concepts]
