"""shrink: smaller failing cases, the same failure, few sandbox runs, and the mistake still shown."""
from __future__ import annotations

import pytest

from autograder.judging import shrink as shrinking
from autograder.cases import registry
from autograder.judging.compare import judge
from autograder.judging.diagnose import matches
from autograder.mutants import mutants_for, mutants_of
from autograder.mutants.base import as_student, call_in_process
from autograder.pipeline import Outcome, Submission, Trial
from autograder.tolerance import Tolerance

SPEC = registry.spec("exercise1")


pytestmark = pytest.mark.usefixtures("one_torch_thread")
TOL = Tolerance()
SEEDS = range(5)


def trial(case, outcome: Outcome) -> Trial:
    expected = SPEC.expected(case)
    return Trial(case, expected, outcome, judge(expected, outcome, TOL))


class Runner:
    """Stands in for grading's run(): one call is one sandbox run."""

    def __init__(self, impls: dict):
        self.impls, self.calls = impls, []

    def __call__(self, cases):
        self.calls.append(len(cases))
        return [trial(c, call_in_process(self.fn(c.function), c.call)) for c in cases]

    def fn(self, name):
        return self.impls.get(name) or as_student(SPEC.oracles[name])


def concept_of(m) -> str:
    return next(c for c, spaces in SPEC.concepts.items()
                if any(s.function == m.function and m.id in s.triggers for s in spaces))


def largest_failure(run: Runner, concept: str, seed: int):
    trials = run(SPEC.cases(concept, seed=seed, count=8))
    run.calls.clear()
    bad = [t for t in trials if not t.verdict.passed]
    return max(bad, key=lambda t: t.case.size) if bad else None


@pytest.mark.parametrize("m", mutants_for("exercise1"), ids=lambda m: f"{m.id}@{m.function}")
def test_a_known_mistake_shrinks_in_one_run_to_a_local_minimum_that_still_shows_it(m):
    run = Runner({m.function: m.impl})
    for seed in SEEDS:
        original = largest_failure(run, concept_of(m), seed)
        assert original is not None
        small = shrinking.shrink(original, run, tol=TOL)
        assert len(run.calls) <= 1  # the search ran on the mutant; one run checks it on the "student"
        run.calls.clear()
        assert not small.verdict.passed and matches(small, m, TOL)
        assert small.case.size <= original.case.size
        assert small.case.size <= shrinking.MAX_SHOWN_SIZE, (seed, small.case.params)
        assert small.case.params["seed"] == original.case.params["seed"]  # no tensors: the seed is never touched
        # a local minimum: lowering any one parameter no longer shows every mistake the original showed
        known = [k for k in mutants_of(m.function) if matches(original, k, TOL)]
        assert m in known
        for c in shrinking.candidates(small.case):
            assert not shrinking.predicted(c, SPEC, small, known, TOL), (seed, c.params)


def test_an_unknown_mistake_shrinks_by_real_runs_within_the_round_limit():
    off_by_seven = lambda *a, **k: as_student(SPEC.oracles["conv_output_length"])(*a, **k) + 7  # noqa: E731
    run = Runner({"conv_output_length": off_by_seven})
    original = largest_failure(run, "kernel", seed=4)
    small = shrinking.shrink(original, run, tol=TOL)
    assert 1 <= len(run.calls) <= shrinking.MAX_ROUNDS
    assert not small.verdict.passed and small.outcome.value == small.expected + 7
    assert small.case.size < original.case.size


def test_a_student_who_leaves_the_predicted_path_is_still_shrunk_honestly():
    # like missing-plus-one, but only on long inputs: the mutant's path is not the student's
    right = as_student(SPEC.oracles["conv_output_length"])

    def sometimes(length, kernel_size, *a, **k):
        return right(length, kernel_size, *a, **k) - (1 if length > 6 else 0)

    run = Runner({"conv_output_length": sometimes})
    original = largest_failure(run, "kernel", seed=2)
    if original is None or original.case.arguments["length"] <= 6:
        pytest.skip("this seed has no long kernel case")
    small = shrinking.shrink(original, run, tol=TOL)
    assert len(run.calls) <= shrinking.MAX_ROUNDS
    assert not small.verdict.passed and small.case.arguments["length"] > 6


@pytest.mark.parametrize("status", ["timeout", "not-implemented", "forbidden", "crash"])
def test_nothing_to_learn_is_not_shrunk(status):
    case = SPEC.cases("kernel", seed=1, count=8)[-1]
    t = trial(case, Outcome(status, message="x"))
    run = Runner({})
    assert shrinking.shrink(t, run, tol=TOL) is t and run.calls == []


def test_candidates_go_down_toward_each_minimum():
    case = max(SPEC.cases("dilation", seed=0, count=8), key=lambda c: c.size)
    cands = shrinking.candidates(case)
    assert cands and all(c.params["seed"] == case.params["seed"] for c in cands)
    for c in cands:
        for key, (lo, _hi) in case.space.params.items():
            assert lo <= c.params[key] <= case.params[key]
    lowest = {k: lo for k, (lo, _) in case.space.params.items()}
    if sum(case.params[k] > lo for k, lo in lowest.items()) > 1:
        assert any(all(c.params[k] == lo for k, lo in lowest.items()) for c in cands)


def test_an_exercise_with_a_loose_tolerance_shrinks_with_that_tolerance(course):
    """grade_exercise shrinks with the exercise's own tolerance, not compare's default: under the
    default, the mutant's path descends into cases the exercise's tolerance counts as right, and the
    example shown is a larger one found by plain runs."""
    from autograder.judging import grading
    from autograder.authoring.audit import MutantSandbox

    name = "exercise3"
    loose = Tolerance(rtol=0.0, atol=1.0)
    assert course.tolerance_for(name) != loose
    ex = course.exercises[name].model_copy(update={"tolerance": loose})
    loose_course = course.model_copy(update={"exercises": {**course.exercises, name: ex}})
    mutant = next(m for m in mutants_for(name) if m.id == "bias-per-tap" and m.function == "conv1d")
    sandbox = MutantSandbox(registry.spec(name), mutant)
    report = grading.grade_exercise(loose_course, name, Submission(name, {}), seed=0, sandbox=sandbox,
                                    reproduce="grade exercise3 --seed 0")
    bias = next(c for c in report.concepts if c.name == "bias")
    assert bias.status == "failed" and bias.misconception == "bias-per-tap"
    assert bias.message.endswith("including the example below.")
    # the smallest case that shows a bias added once per tap: two taps, one output value
    x, weight = bias.example.inputs["x"], bias.example.inputs["weight"]
    assert len(weight[0][0]) == 2 and len(x[0][0]) == 2, bias.example
    assert bias.example.expected != bias.example.got
