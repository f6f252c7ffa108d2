"""The grading pipeline for one exercise: cases -> oracle -> sandbox -> compare -> diagnose -> score.

Everything here but the sandbox's runs (`sandbox.run`, and `sandbox.time` for a timed case, on
inputs drawn from a secret seed) is pure; the sandbox is passed in.
"""
from __future__ import annotations

import secrets
import time
import weakref
from dataclasses import replace
from typing import Any, Callable, Sequence

import numpy as np

from autograder.judging import case_limits, crashes, diagnose, heap, plan_cache, shrink
from autograder.cases.space import Case, Invalid
from autograder.cases.spec import ExerciseSpec
from autograder.judging.compare import judge
from autograder.content import definition
from autograder.course import Course
from autograder.pipeline import Outcome, Runner, Status, Submission, Timing, Trial, one_thread, worst
from autograder.tolerance import Tolerance
from autograder.results import ConceptReport, Example, ExerciseReport
from autograder.judging.result_names import named_items, result_names
from autograder.formats.show import Shown, value_text


def plan(course: Course, name: str, seed: int) -> dict[str, list[Case]]:
    """The cases of every concept of the exercise, smallest first. Pure, so kept for reuse (a batch
    grades many students on one seed; the audit grades every mutant on the same seeds)."""
    ex = course.exercise(name)
    key = (name, seed, ex.model_dump_json())
    if key not in _PLANS:
        spec = definition(course, name).spec  # configured by the exercise's exercise.yml
        public = seed == course.seed  # drawn again by every run of a student grading themselves: kept on disk
        drawn = plan_cache.load(course, name, seed, spec) if public else None
        if drawn is None:
            drawn = {concept: spec.cases(concept, seed=seed, count=cfg.cases) for concept, cfg in ex.concepts.items()}
            heap.give_back()  # the mutants' and oracles' temporaries, before the sandbox's processes start
            if public:
                plan_cache.store(course, name, seed, drawn)
        _PLANS[key] = drawn
        while len(_PLANS) > 64:
            _PLANS.pop(next(iter(_PLANS)))
    return _PLANS[key]


_PLANS: dict[tuple, dict[str, list[Case]]] = {}
_EXPECTED: "weakref.WeakKeyDictionary[Case, Any]" = weakref.WeakKeyDictionary()
_ORACLE_SECONDS: "weakref.WeakKeyDictionary[Case, float]" = weakref.WeakKeyDictionary()


def expected_of(spec: ExerciseSpec, case: Case) -> Any:
    """The oracle's value for a case, computed (and timed, for case_limits) once per case."""
    if case not in _EXPECTED:
        started = time.perf_counter()
        _EXPECTED[case] = spec.expected(case)
        _ORACLE_SECONDS[case] = time.perf_counter() - started
    return _EXPECTED[case]


def _oracle_time(course: Course, name: str, seed: int, spec: ExerciseSpec, cases: Sequence[Case]) -> float:
    """The oracle's slowest call on these cases (case_limits), measured once per exercise and seed."""
    key = (name, seed, course.exercise(name).model_dump_json())
    if key not in _ORACLE_TIME:
        for c in cases:
            expected_of(spec, c)

        def again(case: Case) -> float:
            started = time.perf_counter()
            spec.expected(case)
            return time.perf_counter() - started

        _ORACLE_TIME[key] = case_limits.slowest({c: _ORACLE_SECONDS.get(c, 0.0) for c in cases}, again)
        heap.give_back()
        while len(_ORACLE_TIME) > 64:
            _ORACLE_TIME.pop(next(iter(_ORACLE_TIME)))
    return _ORACLE_TIME[key]


_ORACLE_TIME: dict[tuple, float] = {}


def grade_exercise(course: Course, name: str, submission: Submission, *, seed: int, sandbox,
                   reproduce: str) -> ExerciseReport:
    with one_thread():  # oracles and mutants are thousands of tiny torch calls
        return _grade_exercise(course, name, submission, seed=seed, sandbox=sandbox, reproduce=reproduce)


def _grade_exercise(course: Course, name: str, submission: Submission, *, seed: int, sandbox,
                    reproduce: str) -> ExerciseReport:
    ex = course.exercise(name)
    spec = definition(course, name).spec
    tol = course.tolerance_for(name)
    forbidden = course.forbidden_rules(name)
    limits = course.limits_for(name)  # course.yml's per-exercise limits (exercise8's timed case needs more)
    # one budget for the whole exercise: the first run and every shrinking run after it
    deadline = time.monotonic() + limits.time_per_exercise

    def run(cases: Sequence[Case]) -> list[Trial]:
        expected = [expected_of(spec, c) for c in cases]
        left = deadline - time.monotonic()
        if left <= 0:
            spent = Outcome(Status.TIMEOUT,
                            message=f"not run: the exercise's {limits.time_per_exercise:g} s budget ran out")
            outcomes = [spent] * len(cases)
        else:
            outcomes = sandbox.run(submission, [c.call for c in cases], forbidden=forbidden, limits=limits,
                                   time_total=left)
            outcomes = [timed(c, e, o) if c.call.time_repeats else o for c, e, o in zip(cases, expected, outcomes)]
        return [Trial(c, e, o, (c.space.judge or judge)(e, o, tol)) for c, e, o in zip(cases, expected, outcomes)]

    def timed(case: Case, expected: Any, outcome: Outcome) -> Outcome:
        """A right speed case gets its timing from the sandbox's timed run (the audit's in-process
        sandbox has none: its outcomes carry equal timings already)."""
        if not hasattr(sandbox, "time") or not judge(expected, outcome, tol).passed:
            return outcome
        left = deadline - time.monotonic()
        if left <= 0:
            return replace(outcome, timing=Timing(Status.TIMEOUT, message="the exercise's time budget ran out"))
        return replace(outcome, timing=time_case(sandbox, submission, spec, case, tol, forbidden=forbidden,
                                                 limits=limits, time_total=left))

    cases = plan(course, name, seed)
    flat = [c for group in cases.values() for c in group]
    limits = case_limits.fitted(limits, _oracle_time(course, name, seed, spec, flat),
                                timed=any(c.call.time_repeats for c in flat))
    trials = run(flat)
    heap.give_back()  # what the run and its timed calls freed, before the diagnosis's runs and the next exercise
    by_concept: dict[str, list[Trial]] = {k: [] for k in cases}
    for t in trials:
        by_concept[t.case.concept].append(t)

    hints = {concept: cfg.hint for concept, cfg in ex.concepts.items()}
    reports = tuple(_concept_report(concept, ex.concepts[concept], by_concept[concept], spec, tol, run,
                                    source=course.exercises_dir / ex.file, hints=hints)
                    for concept in ex.concepts)
    score = round(sum(r.score for r in reports), 4)
    return ExerciseReport(exercise=name, title=ex.title, seed=seed, score=score, max_score=ex.points,
                          concepts=reports, reproduce=reproduce)


def time_case(sandbox, submission: Submission, spec: ExerciseSpec, case: Case, tol: Tolerance, **limits) -> Timing:
    """The case's function and its baseline timed on time_repeats + 1 fresh inputs (the first a
    warm-up), drawn from a secret seed so that nothing can be computed before an input arrives;
    every result is compared with the oracle's."""
    rng = np.random.default_rng(secrets.randbits(128))
    arguments = [case.fresh_arguments(rng) for _ in range(case.call.time_repeats + 1)]
    oracle = spec.oracles[case.function]
    result_bytes = int(getattr(oracle(**arguments[0]), "nbytes", 0))  # sizes the timed processes' heap
    heap.give_back()  # what the untimed run freed: the timed processes need the memory more

    def check(k: int, value: Any) -> str:
        verdict = judge(oracle(**arguments[k]), Outcome(Status.RETURNED, value=value), tol)
        heap.give_back()  # the comparison's temporaries, while a timed process runs beside us
        return "" if verdict.passed else verdict.message

    return sandbox.time(submission, case.function, [case.split(a) for a in arguments], baseline=case.call.baseline,
                        check=check, result_bytes=result_bytes, **limits)


def _concept_report(concept: str, cfg, trials: list[Trial], spec: ExerciseSpec, tol: Tolerance, run: Runner, *,
                    source=None, hints=None) -> ConceptReport:
    """`source`: the student's copy of the exercise (exercises/), whose docstrings name the results;
    `hints`: every concept's hint (concept -> text), one of which may fit the mistake better than this one's."""
    passed = sum(t.verdict.passed for t in trials)
    total = len(trials)
    status = worst(t.verdict.status for t in trials)
    score = round(cfg.points * sum(t.verdict.earned for t in trials) / total, 4) if total else 0.0
    if passed == total and all(t.verdict.earned >= 1.0 for t in trials):
        output = next((t.outcome.output for t in trials if t.outcome.output), "")  # not shown; kept for tools
        return ConceptReport(concept, score, cfg.points, passed, total, Status.PASSED, hint=cfg.hint, output=output)
    failing = [t for t in trials if not t.verdict.passed]
    if _worth_shrinking(failing[0]):
        smallest = shrink.shrink(failing[0], run, tol=tol)
    else:
        smallest = failing[0]
    if not _ran(smallest):  # a case skipped after a timeout never ran: show the one that did, else none
        smallest = next((t for t in failing if _ran(t)), smallest)
    found = diagnose.diagnose(spec, failing, smallest, tol, concept=concept, hints=hints or {concept: cfg.hint})
    shown = smallest.verdict.status != Status.NOT_IMPLEMENTED and _ran(smallest)
    names = None
    if source is not None and isinstance(smallest.expected, tuple):
        names = result_names(source, smallest.case.function, len(smallest.expected))
    return ConceptReport(
        name=concept, score=score, max_score=cfg.points, passed=passed, total=total, status=status,
        misconception=found.misconception, message=named_items(found.message, names) + _invalid_kinds(failing),
        example=example(smallest) if shown else None,
        hint=found.hint, output=smallest.outcome.output,  # the example's own prints, never another case's
        shown=show_trial(smallest, names) if shown else None,
        crashes=crashes.distinct(t.verdict.message for t in failing if t.verdict.status == Status.CRASH),
        mistake=found.mistake,
    )


def _invalid_kinds(failing: list[Trial]) -> str:
    """Every kind of invalid configuration the code mishandled, not only the example's: one run
    shows a learner all the checks to add."""
    kinds = sorted({t.case.space.name for t in failing if t.case.space.invalid})
    if len(kinds) < 2:
        return ""
    return f" Invalid configurations not refused with ValueError: {', '.join(kinds)}."


def _ran(trial: Trial) -> bool:
    return not trial.outcome.message.startswith("not run:")


def _worth_shrinking(trial: Trial) -> bool:
    # a timed case is slow by design: shrinking it would rerun the workload for nothing
    return trial.verdict.status in (Status.FAILED, Status.CRASH) and not trial.case.call.time_repeats


def example(trial: Trial) -> Example:
    case, outcome = trial.case, trial.outcome

    def got() -> Any:  # only when shown: a timed workload's values as lists took 20 s and were thrown away
        if outcome.status == Status.RETURNED:
            return plain(trial.verdict.got) if trial.verdict.got is not None else plain(outcome.value)
        return f"raised {outcome.error}" if outcome.status == Status.RAISED else outcome.status

    if case.call.time_repeats:  # a timed workload: its thousands of values teach nothing, its shapes do
        shown_got = _shape_of(trial.verdict.got) if trial.verdict.got is not None else got()
        return Example(call=case.describe(), inputs={k: _shape_of(v) for k, v in case.arguments.items()},
                       expected=_shape_of(trial.expected), got=shown_got)
    if isinstance(trial.expected, Invalid):
        expected: Any = f"ValueError ({trial.expected})"
    else:
        expected = plain(trial.expected)
    return Example(call=case.describe(), inputs={k: plain(v) for k, v in case.arguments.items()},
                   expected=expected, got=got())


def show_trial(trial: Trial, names: tuple[str, ...] | None = None) -> Shown:
    """The example as a student would type it (show.py); the JSON keeps example()'s plain values.
    `names`: the results' names, when the function returns several arrays (gx, gy)."""
    case, outcome = trial.case, trial.outcome
    if case.call.time_repeats:
        inputs = tuple((k, str(_shape_of(v))) for k, v in case.arguments.items())
        return Shown(inputs, str(_shape_of(trial.expected)), str(_shape_of(outcome.value)))
    inputs = tuple((k, value_text(v)) for k, v in case.arguments.items())
    if isinstance(trial.expected, Invalid):
        expected = f"raises ValueError ({trial.expected})"
    else:
        expected = _named_text(trial.expected, names)
    if outcome.status == "returned":
        got = _named_text(outcome.value, names)
    elif outcome.status == "raised":
        got = "raised " + crashes.crash(outcome.message).headline if outcome.message else f"raised {outcome.error}"
    else:
        got = f"{outcome.status}: {outcome.message}" if outcome.message else outcome.status
    return Shown(inputs, expected, got)


def _named_text(value: Any, names: tuple[str, ...] | None) -> str:
    """Several arrays one per line, each by its name (`gy = tensor(...)`); anything else as one value."""
    items = list(value) if isinstance(value, (tuple, list)) else None
    if names and items is not None and len(items) == len(names) and all(np.ndim(_array_of(v)) for v in items):
        return "\n".join(f"{n} = {value_text(v)}" for n, v in zip(names, items))
    return value_text(value)


def _array_of(value: Any) -> Any:
    from autograder.sandbox.wire import TaggedArray

    return value.array if isinstance(value, TaggedArray) else value if isinstance(value, np.ndarray) else 0


def _shape_of(value: Any) -> Any:
    from autograder.sandbox.wire import TaggedArray

    if isinstance(value, TaggedArray):  # what the student's process returned: its array has the shape
        value = value.array
    shape = getattr(value, "shape", None)
    return f"tensor of shape {tuple(shape)}" if shape is not None else plain(value)


def plain(value: Any) -> Any:
    """JSON-ready: tensors and arrays as nested lists, tuples as lists, NaN and infinities as strings."""
    from autograder.sandbox.wire import TaggedArray, Unsupported

    if isinstance(value, TaggedArray):
        value = value.array
    if isinstance(value, Unsupported):
        return f"<{value}>"
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v != v:
            return "nan"
        if v in (float("inf"), float("-inf")):
            return "inf" if v > 0 else "-inf"
        return v
    if isinstance(value, complex):
        return str(value)
    return value


def grade_course(course: Course, names: Sequence[str], submission_path, *, seeds, sandbox,
                 reproduce: Callable[[str | None, int | None], str], requested: str | None = None):
    """Every named exercise of one submission. An exercise missing from a folder scores 0; a grader
    failure on this submission is a crash grade for that exercise, not a traceback.

    `seeds` is a seeding.SeedPolicy: each exercise's seed comes from its own submitted code.
    `reproduce(exercise, seed)` is the command that reproduces a report (exercise None, seed None:
    the whole run, for whoever holds the salt)."""
    from autograder.judging.contain import contained, unreadable_report
    from autograder.results import CourseReport
    from autograder.judging.submission import SubmissionError, load_submission

    reports = []
    for name in names:
        ex = course.exercise(name)
        again = requested if requested is not None else name
        try:
            submission = load_submission(course, ex, submission_path)
        except SubmissionError as e:
            if requested is not None:
                raise
            seed = seeds.seed_for({})
            reports.append(unreadable_report(course, name, seed, reproduce(again, seed), e))
            continue
        seed = seeds.seed_for(submission.sources)
        reports.append(contained(course, name, seed, reproduce(again, seed),
                                 lambda: grade_exercise(course, name, submission, seed=seed, sandbox=sandbox,
                                                        reproduce=reproduce(again, seed))))
    if requested is not None or not seeds.per_submission:
        whole = reproduce(requested, reports[0].seed if reports else seeds.seed_for({}))
    else:
        whole = reproduce(None, None)  # one seed per exercise: the salt derives them again
    return CourseReport(tuple(reports), requested=requested, reproduce=whole)

