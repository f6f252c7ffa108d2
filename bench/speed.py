"""exercise8's speed case, by hand: a submission's time as a multiple of F.conv2d, measured as the grader does.

    python bench/speed.py                      # solutions/exercise8/exercise8.py on course.yml's workload, 3 runs
    python bench/speed.py --submission solutions/exercise8/submissions/slow-loop.py --runs 2

Each run is grading.time_case, as grading a submission makes it: the function in a sandboxed process
of its own, F.conv2d in clean processes before and after it, on the same fresh inputs; the zygote reads
each process's CPU clock around each call; the ratio is of the fastest calls. Prints each run's ratio
and the speed credit course.yml's thresholds (speed.full_at, zero_at) give it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from autograder.content import definition
    from autograder.course import Speed, load_course
    from autograder.judging.grading import plan, time_case
    from autograder.tolerance import Tolerance
    from autograder.sandbox.runner import Sandbox, Submission

    course = load_course(ROOT / "course.yml")
    ex = course.exercise("exercise8")
    exercise8 = definition(course, "exercise8")
    speed_credit = exercise8.cases.speed_credit
    speed = ex.speed or Speed()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--submission", type=Path, default=ROOT / "solutions" / "exercise8" / "exercise8.py")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    case = plan(course, "exercise8", 0)["speed"][0]
    submission = Submission("exercise8", {"exercise8": args.submission.read_text()})
    with Sandbox() as sandbox:
        for _ in range(args.runs):
            timing = time_case(sandbox, submission, exercise8.spec, case, Tolerance(),
                               forbidden=course.forbidden_rules("exercise8"), limits=course.limits_for("exercise8"))
            if timing.status != "returned":
                print(f"{args.submission.name}: {timing.status}: {timing.message}")
                return 1
            student, baseline = timing.fastest()
            ratio = student / baseline
            print(f"{args.submission.name}: {ratio:.2f} x F.conv2d ({student * 1e3:.1f} ms vs {baseline * 1e3:.1f} ms "
                  f"of CPU, fastest of {len(timing.student)} and {len(timing.baseline)} calls); credit "
                  f"{speed_credit(ratio, speed.full_at, speed.zero_at):.2f} (full at <= {speed.full_at:g} x, "
                  f"none at {speed.zero_at:g} x)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
