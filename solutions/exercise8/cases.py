"""exercise8 — fast conv2d. exercise7's concepts for conv2d_fast, plus `speed`.

The speed case is first an ordinary case (its values judged on its own workload). Then the grader
times it (grading.time_case -> Sandbox.time): the student's function on `speed.repeats` + 1 fresh
inputs of the workload's shapes, in a process of its own, then F.conv2d on the same inputs in a
process that never saw the student's code; the zygote reads each process's CPU clock around each
call, and every result is checked. The judge gives credit by the ratio of the fastest calls' CPU times:
full at or under course.yml's `speed.full_at` times F.conv2d, none at `speed.zero_at`, log-linear
between. Workload, repeats and thresholds come from course.yml (ExerciseSpec.for_exercise -> configure).
"""
from __future__ import annotations

import math
from dataclasses import replace

import torch.nn.functional as F

from autograder.cases.space import Space, values
from autograder.cases.spec import ExerciseSpec
from autograder.cases.torch_oracle import torch_decides
from autograder.cases.triggers import mutant_impls, until_shown
from autograder.judging.compare import STATUS_ORDER, Verdict, judge
from autograder.course import Speed

from ..shared.cases import EVERYWHERE, _no_negative, concepts_for

STATUSES = frozenset(STATUS_ORDER) - {"passed"}
FUNCTION = "conv2d_fast"
BASELINE = "torch.nn.functional.conv2d"


@torch_decides
def conv2d_fast(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    _no_negative(padding)
    return F.conv2d(x, weight, bias, stride, padding, dilation, groups).numpy()


def speed_credit(ratio: float, full_at: float, zero_at: float) -> float:
    """1 at or under full_at, 0 at or over zero_at, log-linear between (each doubling costs the same)."""
    if ratio <= full_at:
        return 1.0
    if ratio >= zero_at:
        return 0.0
    return 1.0 - math.log(ratio / full_at) / math.log(zero_at / full_at)


def speed_judge(speed: Speed):
    """judge(expected, outcome, tol) -> Verdict for the speed case, with course.yml's thresholds."""
    def judge_speed(expected, outcome, tol) -> Verdict:
        verdict = judge(expected, outcome, tol)
        if not verdict.passed:
            return replace(verdict, message=f"the speed case must first be right: {verdict.message}")
        timing = outcome.timing
        if timing is None:
            return Verdict("failed", "the speed case could not be timed", got=verdict.got, credit=0.0)
        if timing.status != "returned":  # a wrong result, a crash or a timeout on the timed inputs
            status = timing.status if timing.status in STATUSES else "failed"
            return Verdict(status, f"the timed run: {timing.message}", got=verdict.got, credit=0.0)
        student, baseline = timing.fastest()
        if not baseline or not student:
            return Verdict("failed", "the speed case could not be timed", got=verdict.got, credit=0.0)
        ratio = student / baseline
        credit = speed_credit(ratio, speed.full_at, speed.zero_at)
        message = (f"{ratio:.2f} x F.conv2d ({student * 1e3:.1f} ms vs {baseline * 1e3:.1f} ms of CPU time, the "
                   f"fastest of {speed.repeats} calls on new inputs); full marks at or under {speed.full_at:g} x, "
                   f"none at {speed.zero_at:g} x")
        status = "passed" if credit >= 1.0 else "failed"
        return Verdict(status, "" if status == "passed" else message, got=verdict.got, credit=round(credit, 4))
    return judge_speed


# the speed case is judged on its values first: these mistakes show on the default workload
# (several images and channels, no stride, padding or groups)
SPEED_SHOWS = EVERYWHERE | {"channels-not-summed", "channels-averaged", "batch-summed"}


def _draw(speed: Speed):
    """x (N, C, H, W) and weight (O, C, KH, KW) from speed.workload = (N, C, H, W, O, KH, KW)."""
    n, c, h, w, o, kh, kw = speed.workload

    def draw(p, rng):
        return {"x": values(rng, (n, c, h, w), p), "weight": values(rng, (o, c, kh, kw), p)}
    return draw


def _workload(speed: Speed):
    draw = _draw(speed)

    def build(p, rng):
        return until_shown(lambda: draw(p, rng), conv2d_fast, mutant_impls("exercise8", FUNCTION, SPEED_SHOWS),
                           what="speed")
    return build


def speed_space(speed: Speed) -> Space:
    return Space("speed", FUNCTION, {}, _workload(speed), positional=2, triggers=SPEED_SHOWS,
                 call_options={"time_repeats": speed.repeats, "baseline": BASELINE}, judge=speed_judge(speed),
                 fresh=_draw(speed))


def configure(spec: ExerciseSpec, exercise) -> ExerciseSpec:
    """The speed space from the exercise's `speed:` (the defaults when course.yml leaves it out)."""
    return replace(spec, concepts={**spec.concepts, "speed": (speed_space(exercise.speed or Speed()),)})


SPEC = ExerciseSpec(
    name="exercise8",
    concepts={**concepts_for("exercise8", FUNCTION, conv2d_fast), "speed": (speed_space(Speed()),)},
    oracles={FUNCTION: conv2d_fast},
    configure=configure,
)
