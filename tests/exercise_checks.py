"""What every exercise's tests check (tests/test_exercise1.py ... test_exercise9.py use these).

- the reference solution agrees with the torch oracle on every space, in-process, over many seeds;
- every mutant shows exactly on the spaces that promise it (Space.triggers), and nowhere else;
- graded for real (sandboxed), the reference gets full marks, the stub 0 with `not-implemented`, and a
  wrong submission (tests/submissions/<exercise>.yml, see wrong_submissions.py) loses points in exactly
  the concepts whose spaces promise that misconception, each naming it, and keeps full marks elsewhere.

exercise_tests() makes those checks into the tests exercise1-4 share, for a test module to take as its own.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pytest
from conftest import run_grade
from wrong_submissions import misconceptions, write_wrong_submission

from autograder.cases import registry
from autograder.cases.space import Case
from autograder.compare import judge
from autograder.course import load_course
from autograder.mutants import mutants_for
from autograder.mutants.base import call_in_process, one_thread

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"


@lru_cache(maxsize=None)
def course():
    return load_course(ROOT / "course.yml")


@lru_cache(maxsize=None)
def spec(name: str):
    return registry.spec(name).for_exercise(course().exercise(name))


@lru_cache(maxsize=None)
def reference(name: str):
    """solutions/<name>.py imported by path (the tests may; the grader never does)."""
    path = ROOT / "solutions" / f"{name}.py"
    module_spec = importlib.util.spec_from_file_location(f"reference_{name}", path)
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


def grade(name: str, submission: Path | None, seed: int):
    """The real thing: the exercise graded in the sandbox; None grades the student stub in exercises/."""
    from autograder.grading import grade_exercise
    from autograder.sandbox.runner import Sandbox
    from autograder.submission import load_submission

    c = course()
    loaded = load_submission(c, c.exercise(name), submission)
    with Sandbox() as sandbox:
        return grade_exercise(c, name, loaded, seed=seed, sandbox=sandbox, reproduce="")


def promised_concepts(name: str, misconception: str) -> set[str]:
    """The concepts with a space that promises the misconception: where a submission making it loses."""
    return {concept for concept, spaces in spec(name).concepts.items()
            if any(misconception in s.triggers for s in spaces) and concept in course().exercise(name).concepts}


def wrong_submissions(name: str) -> list[str]:
    """The misconception ids of the exercise's wrong submissions (tests/submissions/<name>.yml)."""
    return misconceptions(name)


def check_wrong_submission(name: str, misconception: str, seed: int, folder: Path) -> None:
    """The wrong submission, written to `folder`, graded for real."""
    report = grade(name, write_wrong_submission(name, misconception, folder), seed)
    lost = {c.name for c in report.concepts if c.score < c.max_score}
    expected = promised_concepts(name, misconception)
    assert expected, f"no space of {name} promises {misconception}"
    assert lost == expected, f"{misconception}: lost {sorted(lost)}, expected {sorted(expected)}"
    named = {c.name: c.misconception for c in report.concepts if c.name in lost}
    assert set(named.values()) == {misconception}, f"{misconception}: named {named}"


def check_reference_graded(name: str, seed: int) -> None:
    report = grade(name, ROOT / "solutions" / f"{name}.py", seed)
    assert report.score == report.max_score, [(c.name, c.status, c.message[:200]) for c in report.concepts if not c.ok]


def check_stub_graded(name: str) -> None:
    report = grade(name, None, course().seed)
    assert report.score == 0
    assert {c.status for c in report.concepts} == {"not-implemented"}
    assert {c.misconception for c in report.concepts} == {"not-implemented"}


def exercise_tests(name: str, *, exact_triggers: bool = True, differently_written: str | None = None,
                   min_mean_cases: int = 6) -> dict[str, Callable]:
    """The tests exercise1-4 share, by name, with the module-scoped `cases` fixture (one case per space
    over 20 seeds); a test module takes them with `globals().update(exercise_tests(NAME, ...))`, and
    pytest collects them there as its own. `exact_triggers=False` leaves out the exact mutant-trigger
    test, for an exercise that checks its mutants otherwise; `differently_written` names a correct
    submission written differently, tests/submissions/<name>/<differently_written>, to grade too;
    `min_mean_cases` is the fewest cases a concept gets on average."""
    tests: dict[str, Callable] = {}

    def test(fn):
        tests[fn.__name__] = fn
        return fn

    def cases():
        return one_case_per_space(name, range(20))

    tests["cases"] = pytest.fixture(scope="module", name="cases")(cases)

    @test
    def test_the_reference_agrees_with_torch_on_every_space_over_20_seeds(cases):
        assert not reference_failures(name, cases)

    if exact_triggers:
        @test
        def test_every_mutant_shows_exactly_where_its_trigger_is_promised(cases):
            assert not trigger_mismatches(name, cases[: len(cases) // 4])  # the first 5 seeds

    @test
    def test_every_concept_of_the_course_has_cases_and_hints():
        ex = course().exercise(name)
        assert min_mean_cases * len(ex.concepts) <= sum(c.cases for c in ex.concepts.values()) <= 80
        assert all(c.hint for c in ex.concepts.values())
        # cases cycle over a concept's spaces: enough of them draw every space, so every trigger, on every seed
        assert all(cfg.cases >= len(spec(name).concepts[c]) for c, cfg in ex.concepts.items())

    @test
    @pytest.mark.slow
    def test_the_reference_gets_full_marks_from_the_command_line_in_json():
        done = run_grade(name, "--submission", ROOT / "solutions" / f"{name}.py", "--format", "json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["exercise"] == name and report["score"] == report["max_score"] == 10
        assert {c["status"] for c in report["concepts"]} == {"passed"}
        assert [c["name"] for c in report["concepts"]] == list(course().exercise(name).concepts)

    @test
    @pytest.mark.slow
    def test_the_reference_gets_full_marks_in_the_sandbox_on_another_seed():
        check_reference_graded(name, 7)

    @test
    @pytest.mark.slow
    def test_the_stub_gets_nothing_and_says_not_implemented():
        check_stub_graded(name)

    @test
    @pytest.mark.slow
    @pytest.mark.parametrize("misconception", wrong_submissions(name))
    def test_a_wrong_submission_loses_exactly_the_concepts_its_mistake_breaks(misconception, tmp_path):
        check_wrong_submission(name, misconception, 20261121, tmp_path)

    if differently_written:
        @test
        @pytest.mark.slow
        def test_a_correct_submission_written_differently_gets_full_marks():
            report = grade(name, SUBMISSIONS / name / differently_written, 20261121)
            assert report.score == report.max_score, [(c.name, c.status, c.message[:200]) for c in report.concepts]

    @test
    def test_there_are_at_least_five_wrong_submissions():
        assert len(wrong_submissions(name)) >= 5

    return tests
