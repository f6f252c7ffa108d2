"""exercise8 (fast conv2d): what only exercise8 checks, the speed case's judge and grade; its shared
checks (exercise7's, for conv2d_fast) are in test_exercises.py."""
from __future__ import annotations

import pytest

from autograder.content import definition
from autograder.course import Speed
from autograder.pipeline import Outcome, Timing
from autograder.tolerance import Tolerance
from autograder.sandbox.wire import TaggedArray
from exercise_checks import SOLUTIONS, course, grade, spec

NAME = "exercise8"
exercise8 = definition(course(), NAME).cases  # solutions/exercise8/cases.py: the speed judge


def test_the_speed_space_comes_from_course_yml():
    cfg = course().exercise(NAME).speed
    (space,) = spec(NAME).concepts["speed"]
    assert space.call_options == {"time_repeats": cfg.repeats, "baseline": "torch.nn.functional.conv2d"}
    case = spec(NAME).cases("speed", seed=1, count=1)[0]
    n, c, h, w, o, kh, kw = cfg.workload
    assert tuple(case.arguments["x"].shape) == (n, c, h, w) and tuple(case.arguments["weight"].shape) == (o, c, kh, kw)


def _timed(expected, student, baseline, *, right=True):
    value = expected if right else expected + 1
    timing = Timing(student=(student * 1.5, student, student * 2), baseline=(baseline, baseline * 3))
    return Outcome("returned", value=TaggedArray(value, "tensor"), timing=timing)


@pytest.mark.parametrize("student, credit", [(0.02, 1.0), (0.03, 1.0), (0.06, 0.5), (0.12, 0.0), (1.0, 0.0)])
def test_speed_credit_is_full_at_full_at_none_at_zero_at_and_log_linear_between(student, credit):
    import numpy as np

    judge = exercise8.speed_judge(Speed(full_at=3.0, zero_at=12.0))
    verdict = judge(np.zeros((1, 1, 2, 2)), _timed(np.zeros((1, 1, 2, 2)), student, 0.01), Tolerance())
    assert verdict.earned == pytest.approx(credit, abs=1e-3)
    assert verdict.passed == (credit == 1.0)
    if credit < 1:
        assert f"{student / 0.01:.2f} x F.conv2d" in verdict.message


def test_a_fast_but_wrong_speed_case_gets_nothing():
    import numpy as np

    judge = exercise8.speed_judge(Speed())
    verdict = judge(np.zeros((1, 1, 2, 2)), _timed(np.zeros((1, 1, 2, 2)), 0.001, 0.01, right=False), Tolerance())
    assert verdict.earned == 0 and "must first be right" in verdict.message


@pytest.mark.slow
@pytest.mark.xdist_group("timing")  # with the other timing tests, one after another on one worker
def test_a_correct_loop_over_output_positions_keeps_correctness_and_loses_speed(warm_sandbox):
    report = grade(NAME, SOLUTIONS / NAME / "submissions" / "slow-loop.py", 20261121, warm_sandbox)
    scores = {c.name: (c.score, c.max_score) for c in report.concepts}
    assert all(score == top for name, (score, top) in scores.items() if name != "speed"), scores
    assert scores["speed"][0] < scores["speed"][1]


@pytest.mark.parametrize("status, shown", [("wrong", "failed"), ("raised", "failed"), ("timeout", "timeout"),
                                           ("crash", "crash"), ("forbidden", "forbidden")])
def test_a_timed_run_that_went_wrong_gets_nothing_and_says_why(status, shown):
    import numpy as np

    judge = exercise8.speed_judge(Speed())
    outcome = Outcome("returned", value=TaggedArray(np.zeros((1, 1, 2, 2)), "tensor"),
                      timing=Timing(status, student=(0.001,), message="timed call 2 of 5 was wrong"))
    verdict = judge(np.zeros((1, 1, 2, 2)), outcome, Tolerance())
    assert (verdict.status, verdict.earned) == (shown, 0)
    assert verdict.message == "the timed run: timed call 2 of 5 was wrong"


def test_a_wrong_timed_case_is_shown_by_its_shapes_not_its_values():
    """The student's result on the speed workload came back from their process: shown as its shape,
    like the inputs and torch's answer (its values were a 260-line dump, and 11 s to make)."""
    import numpy as np

    from autograder.judging.grading import example, show_trial
    from autograder.pipeline import Trial

    case = spec(NAME).cases("speed", seed=1, count=1)[0]
    expected = spec(NAME).expected(case)
    outcome = Outcome("returned", value=TaggedArray(np.zeros(expected.shape), "tensor"))
    trial = Trial(case, expected, outcome, exercise8.speed_judge(Speed())(expected, outcome, Tolerance()))
    shape = f"tensor of shape {tuple(expected.shape)}"
    assert not trial.verdict.passed and max(expected.shape) > 10
    assert (show_trial(trial).expected, show_trial(trial).got) == (shape, shape)
    assert (example(trial).expected, example(trial).got) == (shape, shape)  # the JSON report's


def test_an_untimed_speed_case_gets_nothing():
    import numpy as np

    verdict = exercise8.speed_judge(Speed())(np.zeros((1, 1, 2, 2)), Outcome("returned", value=TaggedArray(
        np.zeros((1, 1, 2, 2)), "tensor")), Tolerance())
    assert verdict.earned == 0 and verdict.message == "the speed case could not be timed"


def test_timed_inputs_are_new_for_each_call_and_not_a_function_of_the_seed():
    import numpy as np

    from autograder.judging import grading

    case = spec(NAME).cases("speed", seed=1, count=1)[0]
    seen = []

    class Recorder:
        def time(self, submission, function, inputs, **options):
            seen.append(inputs)
            return Timing(student=(1.0,), baseline=(1.0,))

    for _ in range(2):
        grading.time_case(Recorder(), None, spec(NAME), case, Tolerance())
    first, again = seen
    assert len(first) == course().exercise(NAME).speed.repeats + 1
    xs = [args[0].numpy().tobytes() for args, _ in first + again]
    assert len(set(xs)) == len(xs)  # every call a different x, and the same case's next run others again
    assert tuple(first[0][0][0].shape) == tuple(case.arguments["x"].shape)
    assert not any(np.array_equal(args[0], case.arguments["x"]) for args, _ in first)
