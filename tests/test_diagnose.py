"""diagnose: a failing concept is named after the known mistake that reproduces the student's results,
on the same cases, or described honestly when none does."""
from __future__ import annotations

import json

import pytest

from autograder.cases import registry
from autograder.judging.compare import judge
from autograder.judging.diagnose import agrees, diagnose
from autograder.mutants import mutants_for
from autograder.mutants.base import as_student, call_in_process
from autograder.pipeline import Outcome, Trial
from autograder.tolerance import Tolerance

SPEC = registry.spec("exercise1")


pytestmark = pytest.mark.usefixtures("one_torch_thread")
TOL = Tolerance()


def mutant(id_: str, function: str = "conv_output_length"):
    return next(m for m in mutants_for("exercise1") if m.id == id_ and m.function == function)


def trial(case, outcome: Outcome) -> Trial:
    expected = SPEC.expected(case)
    return Trial(case, expected, outcome, judge(expected, outcome, TOL))


def run_as(impls: dict, concept: str, *, seed: int = 3, count: int = 8) -> list[Trial]:
    """The concept's trials for a submission made of `impls` (function -> impl) and the oracles."""
    out = []
    for case in SPEC.cases(concept, seed=seed, count=count):
        fn = impls.get(case.function) or as_student(SPEC.oracles[case.function])
        out.append(trial(case, call_in_process(fn, case.call)))
    return out


def failing(trials):
    return [t for t in trials if not t.verdict.passed]


@pytest.mark.parametrize("m", mutants_for("exercise1"), ids=lambda m: f"{m.id}@{m.function}")
def test_each_exercise1_mutant_is_named_with_its_explanation_and_line(m):
    concept = next(c for c, spaces in SPEC.concepts.items()
                   if any(s.function == m.function and m.id in s.triggers for s in spaces))
    bad = failing(run_as({m.function: m.impl}, concept))
    assert bad, f"{m.id} shows on no case of {concept}"
    found = diagnose(SPEC, bad, bad[0], TOL)
    assert found.misconception == m.id
    assert m.explanation in found.message and m.line in found.message
    assert f"on {len(bad)} of the {len(bad)} failing" in found.message
    assert "including the example below" in found.message


def test_a_match_must_hold_on_the_same_case():
    # the student's value on each case is the mutant's value on ANOTHER case: no mistake is named
    cases = [c for c in SPEC.cases("kernel", seed=5, count=8) if c.function == "conv_output_length"]
    m = mutant("missing-plus-one")
    theirs = [call_in_process(m.impl, c.call).value for c in cases]
    assert len(set(theirs)) > 1
    rotated = theirs[1:] + theirs[:1]
    trials = [trial(c, Outcome("returned", value=v)) for c, v in zip(cases, rotated)]
    bad = failing(trials)
    assert bad
    named = diagnose(SPEC, bad, bad[0], TOL).misconception
    if named == "missing-plus-one":  # only if a rotated value happens to equal that case's own mutant value
        assert any(call_in_process(m.impl, t.case.call).value == t.outcome.value for t in bad)


def test_the_mistake_explaining_most_cases_wins():
    # a remainder of s - 1 fools round and ceil alike; a remainder of 1 only ceil
    ceil_student = failing(run_as({"conv_output_length": mutant("ceil-not-floor").impl}, "stride"))
    assert diagnose(SPEC, ceil_student, ceil_student[0], TOL).misconception == "ceil-not-floor"
    round_student = failing(run_as({"conv_output_length": mutant("round-not-floor").impl}, "stride"))
    # every round failure is also a ceil result: the tie goes to the declared order (round first)
    assert diagnose(SPEC, round_student, round_student[0], TOL).misconception == "round-not-floor"


def test_wrong_kind_results_match_a_mutant_of_the_same_kind():
    bad = failing(run_as({"conv_output_length": mutant("float-size").impl}, "stride"))
    assert all(isinstance(t.outcome.value, float) for t in bad)
    assert diagnose(SPEC, bad, bad[0], TOL).misconception == "float-size"


@pytest.mark.parametrize("status, id_", [("not-implemented", "not-implemented"), ("forbidden", "forbidden-call"),
                                         ("timeout", "timeout")])
def test_non_mutant_statuses_keep_their_ids(status, id_):
    case = SPEC.cases("kernel", seed=1, count=1)[0]
    t = trial(case, Outcome(status, message=f"the {status} message"))
    found = diagnose(SPEC, [t], t, TOL)
    assert found.misconception == id_ and found.message == f"the {status} message"


def test_crash_keeps_the_students_traceback():
    case = SPEC.cases("kernel", seed=1, count=1)[0]
    t = trial(case, Outcome("raised", error="IndexError", message='  File "exercise1.py", line 3\nIndexError: boom'))
    found = diagnose(SPEC, [t], t, TOL)
    assert found.misconception == "crash" and "IndexError: boom" in found.message


def test_no_validation_is_named():
    case = next(c for c in SPEC.cases("validation", seed=1, count=8) if c.function == "conv_output_length")
    t = trial(case, Outcome("returned", value=3))
    found = diagnose(SPEC, [t], t, TOL)
    assert found.misconception == "no-validation" and "ValueError" in found.message


def test_no_known_mistake_says_so_and_localises():
    cases = SPEC.cases("padding", seed=2, count=6)
    trials = [trial(c, Outcome("returned", value=SPEC.expected(c) + 7 if isinstance(SPEC.expected(c), int)
                               else tuple(v + 7 for v in SPEC.expected(c)))) for c in cases]
    found = diagnose(SPEC, trials, trials[0], TOL)
    assert found.misconception is None
    assert "None of the mistakes the grader knows" in found.message
    assert "7 more than PyTorch's" in found.message or "7 more" in found.message


def test_message_shows_nothing_of_other_cases():
    # a named diagnosis says what the mistake is and how many cases it explains: no values at all
    bad = failing(run_as({"conv_output_length": mutant("padding-once").impl}, "padding"))
    m = mutant("padding-once")
    found = diagnose(SPEC, bad, bad[0], TOL)
    expected_text = (f"{m.explanation}\nThe line that differs:\n    {m.line}\nYour results match this mistake on "
                     f"{len(bad)} of the {len(bad)} failing cases, including the example below.")
    assert found.message == expected_text
    assert "seed" not in found.message.lower()


def test_agrees_compares_kinds_exactly():
    o = lambda v: Outcome("returned", value=v)  # noqa: E731
    assert agrees(o(3), o(3), 4, TOL)
    assert not agrees(o(3.0), o(3), 4, TOL)  # a float is not an int
    assert agrees(o(3.5), o(3.5), 4, TOL)  # both of the wrong kind, equal
    assert not agrees(o((1, 2)), o((2, 1)), (3, 3), TOL)
    assert agrees(Outcome("raised", error="ValueError"), Outcome("raised", error="ValueError"), 1, TOL)
    assert not agrees(Outcome("raised", error="IndexError"), Outcome("raised", error="ValueError"), 1, TOL)


@pytest.fixture(scope="module")
def audited(course):
    """Every exercise1 mutant graded as a submission on one seed (in process: a few seconds)."""
    from autograder.authoring.audit import audit

    return audit(course, ["exercise1"], [course.seed])


def test_key_words_of_each_explanation_reach_the_text_and_json_reports(audited):
    from autograder.formats import json as json_render
    from autograder.formats import text as text_render
    from autograder.results import CourseReport

    for row in audited:
        report = CourseReport((row.results[0].report,), requested="exercise1")
        text = " ".join(text_render.render(report, width=100).split())
        data = json.loads(json_render.render(report))
        named = [c for c in data["concepts"] if c["misconception"] == row.mutant.id]
        assert named, f"{row.mutant.id} not in the JSON report"
        for c in named:
            assert row.mutant.explanation in c["message"] and row.mutant.line in c["message"]
        assert f"Looks like: {row.mutant.id}" in text
        assert " ".join(row.mutant.explanation.split()) in text


def test_the_example_shown_is_explained_by_the_named_mistake(audited):
    assert audited
    for row in audited:
        named = [c for c in row.results[0].report.concepts if c.misconception == row.mutant.id]
        assert named, f"{row.mutant.id} is named by no concept"
        for c in named:
            assert "including the example below" in c.message, (row.mutant.id, c.name, c.message)
