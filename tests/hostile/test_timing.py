"""Forging exercise8's speed: each attack is the slow-but-correct loop (solutions/exercise8/submissions/
slow-loop.py) with timing/<attack>.py appended, and must get no more speed credit than that loop.

Twice over: graded through the real pipeline (grade_exercise in a real sandbox), where the static
policy may refuse an attack before it runs; and at the measurement layer (grading.time_case ->
Sandbox.time, which applies no static policy), where each attack runs inside the timed process
(its printed marker proves it) and the measurement must hold anyway. The reference keeps full
speed marks every time. No student process outlives a test.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.content import definition
from autograder.judging.grading import grade_exercise, plan, time_case
from autograder.tolerance import Tolerance
from autograder.sandbox.runner import Sandbox, Submission

# the timing tests, one after another on one worker: they measure CPU time
pytestmark = pytest.mark.xdist_group("timing")

ROOT = Path(__file__).resolve().parents[2]
ATTACKS = Path(__file__).parent / "timing"
SLOW = (ROOT / "solutions" / "exercise8" / "submissions" / "slow-loop.py").read_text()
REFERENCE = (ROOT / "solutions" / "exercise8" / "exercise8.py").read_text()
NAME, SEED = "exercise8", 20261121
# On a loaded machine two honest runs of the same loop can differ by 1.5x in ratio: an attack may not
# beat the honest loop's fastest ratio by more than that (a working one beats it by 5x or more)
SLOWER = 1.5


def _descendants() -> set[int]:
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                parents[int(name)] = int(Path(f"/proc/{name}/stat").read_bytes().rsplit(b")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    mine, grew = {os.getpid()}, True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    return mine - {os.getpid()}


@pytest.fixture(scope="module")
def small(course):
    """exercise8 with one case per concept, and 3 timed calls (not 5) on course.yml's workload."""
    ex = course.exercise(NAME)
    concepts = {k: c.model_copy(update={"cases": 1}) for k, c in ex.concepts.items()}
    ex = ex.model_copy(update={"concepts": concepts, "speed": ex.speed.model_copy(update={"repeats": 3})})
    return course.model_copy(update={"exercises": {**course.exercises, NAME: ex}})


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as box:
        box._ready()
        box.baseline = _descendants()  # bwrap and the zygote
        yield box
    assert not _descendants() - box.baseline


@pytest.fixture(autouse=True)
def left_clean(sandbox):
    yield
    assert _descendants() == sandbox.baseline, "a student process outlived its run"


def _submission(attack: str | None) -> Submission:
    text = SLOW if attack is None else SLOW + "\n" + (ATTACKS / f"{attack}.py").read_text()
    return Submission(NAME, {NAME: text})


def _speed(report):
    return next(c for c in report.concepts if c.name == "speed")


def _timing(small, sandbox, submission):
    from autograder.cases import registry

    case = plan(small, NAME, SEED)["speed"][0]
    return time_case(sandbox, submission, registry.spec(NAME), case, Tolerance(),
                     forbidden=small.forbidden_rules(NAME), limits=small.limits_for(NAME))


def _ratio(timing) -> float:
    student, baseline = timing.fastest()
    return student / baseline


@pytest.fixture(scope="module")
def honest(small, sandbox):
    """The slow loop graded through the pipeline, and its ratio at the measurement layer (the lowest
    of two runs); the most speed points an attack on it may get: the credit of a 1.5x lower ratio."""
    speed_credit = definition(small, NAME).cases.speed_credit

    report = grade_exercise(small, NAME, _submission(None), seed=SEED, sandbox=sandbox, reproduce="")
    timings = [_timing(small, sandbox, _submission(None)) for _ in range(2)]
    assert all(t.status == "returned" for t in timings), [t.message for t in timings]
    ratio = min(_ratio(t) for t in timings)
    speed = small.exercise(NAME).speed
    ceiling = _speed(report).max_score * speed_credit(ratio / SLOWER, speed.full_at, speed.zero_at)
    return ceiling, ratio, report


def test_the_slow_loop_keeps_its_correctness_points_and_partial_speed_credit(small, honest):
    ceiling, ratio, report = honest
    scores = {c.name: (c.score, c.max_score) for c in report.concepts}
    assert all(score == top for name, (score, top) in scores.items() if name != "speed"), scores
    assert 0 < _speed(report).score < _speed(report).max_score, _speed(report).message
    assert "x F.conv2d" in _speed(report).message and "CPU time" in _speed(report).message
    # the loop is slow for real, and an attack that worked (full marks) would be above the ceiling
    assert 6 <= ratio <= 60 and ratio / SLOWER > small.exercise(NAME).speed.full_at and ceiling < _speed(report).max_score


def test_the_reference_keeps_full_speed_marks_every_time(small, sandbox):
    for _ in range(3):
        report = grade_exercise(small, NAME, Submission(NAME, {NAME: REFERENCE}), seed=SEED, sandbox=sandbox,
                                reproduce="")
        assert report.score == report.max_score, [(c.name, c.score, c.message) for c in report.concepts]
    timing = _timing(small, sandbox, Submission(NAME, {NAME: REFERENCE}))
    assert timing.status == "returned" and _ratio(timing) <= small.exercise(NAME).speed.full_at


@pytest.fixture(scope="module")
def unconfined(sandbox):
    """One sandbox without bubblewrap for the attacks below, each in a process it forks, as `grade` does;
    its zygote joins the processes that stand between runs."""
    with Sandbox(confine=False) as plain:
        plain._ready()
        sandbox.baseline = sandbox.baseline | _descendants()
        yield plain


@pytest.mark.parametrize("attack", ["fork_worker", "forged_lines", "patch_clocks"])
def test_without_bubblewrap_the_measurement_holds_too(attack, small, honest, unconfined):
    """No pid namespace: the zygote still counts every process it forked (it is their subreaper)."""
    _, ratio, _ = honest
    allowed, ran = ATTACK_OUTCOMES[attack]
    timing = _timing(small, unconfined, _submission(attack))
    assert timing.status in allowed and ran in timing.output, timing.message
    if timing.status == "returned":
        assert _ratio(timing) >= ratio / SLOWER, (_ratio(timing), ratio, timing)


# each attack: what its timed run may end in (anything but "returned" earns nothing), and a line its
# code prints inside the timed process when it ran as meant
ATTACK_OUTCOMES = {
    "cache_by_id": ({"returned", "wrong"}, "ATTACK-RAN cache_by_id"),
    "cache_by_values": ({"returned"}, "ATTACK-RAN cache_by_values"),
    "patch_clocks": ({"returned"}, "ATTACK-RAN patch_clocks True"),  # the clocks stood still in there
    "replace_timer": ({"returned"}, "ATTACK-RAN replace_timer ['child', 'timed']"),
    "slow_baseline_function_mode": ({"returned"}, "ATTACK-RAN slow_baseline_function_mode"),
    # crash: with a dispatch mode left pushed, torch in that process cannot even make the inputs
    # into tensors (it imports torch._dynamo, which today's guards break): the student's loss
    "slow_baseline_dispatch_mode": ({"returned", "crash"}, "ATTACK-RAN slow_baseline_dispatch_mode entered"),
    "forged_lines": ({"wrong", "crash"}, '"timing": {"student": 1e-09'),
    "saved_originals": ({"returned"}, "ATTACK-RAN saved_originals False"),  # none is kept any more
    "fork_worker": ({"returned", "crash", "raised"}, "ATTACK-RAN fork_worker"),  # crash or raised: fork is refused (seccomp)
}


def test_every_attack_file_is_tested():
    assert {p.stem for p in ATTACKS.glob("*.py")} == set(ATTACK_OUTCOMES)


@pytest.mark.parametrize("attack", sorted(ATTACK_OUTCOMES))
def test_an_attack_on_the_measurement_gets_no_more_speed_credit_than_the_honest_loop(attack, small, sandbox,
                                                                                      honest):
    ceiling, _, _ = honest
    report = grade_exercise(small, NAME, _submission(attack), seed=SEED, sandbox=sandbox, reproduce="")
    speed = _speed(report)
    assert speed.score <= ceiling, (speed.score, ceiling, speed.message)
    # it ran (or the static policy refused it before it could)
    ran = ATTACK_OUTCOMES[attack][1]
    assert speed.status == "forbidden" or any(ran in c.output for c in report.concepts), speed


@pytest.mark.parametrize("attack", sorted(ATTACK_OUTCOMES))
def test_an_attack_that_runs_inside_the_timed_process_changes_nothing(attack, small, sandbox, honest):
    _, ratio, _ = honest
    allowed, ran = ATTACK_OUTCOMES[attack]
    timing = _timing(small, sandbox, _submission(attack))
    assert timing.status in allowed, timing.message
    assert ran in timing.output, timing.output[-2000:]
    if timing.status == "returned":
        assert _ratio(timing) >= ratio / SLOWER, (_ratio(timing), ratio, timing)
        assert max(timing.baseline) < 0.5  # the baseline never ran in the student's process
