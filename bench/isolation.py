"""What isolation costs per exercise: the same calls run four ways.

    python bench/isolation.py [exercise1] [--repeats 5]

- in-process: the reference solution imported here and called directly (no isolation at all);
- zygote fork, bwrap: Sandbox.run, as `grade` does it (one fork per run, confined);
- zygote fork, unconfined: the same without bubblewrap;
- fresh process: a new interpreter importing numpy and torch for the run (a new zygote per run,
  which is what the sandbox cost before the fork server).
Prints the median wall time per run of all the exercise's cases, and per case.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("exercise", nargs="?", default="exercise1")
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()

    from autograder.course import load_course
    from autograder.judging.grading import plan
    import torch

    from autograder.sandbox import wire
    from autograder.sandbox.runner import Sandbox, Submission

    course = load_course(ROOT / "course.yml")
    cases = [c for group in plan(course, args.exercise, course.seed).values() for c in group]
    calls = [c.call for c in cases]
    path = ROOT / "solutions" / args.exercise / f"{args.exercise}.py"
    submission = Submission(args.exercise, {args.exercise: path.read_text()}, str(path))

    spec = importlib.util.spec_from_file_location(f"_bench_{args.exercise}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def _to_torch(value):  # as child.py does
        if isinstance(value, wire.TaggedArray):
            return torch.from_numpy(value.array.copy()) if value.src == "tensor" else value.array.copy()
        if isinstance(value, (tuple, list)):
            return type(value)(_to_torch(v) for v in value)
        return value

    def in_process():
        for call in calls:
            a = [_to_torch(wire.decode(wire.encode(x))) for x in call.args]
            k = {n: _to_torch(wire.decode(wire.encode(v))) for n, v in call.kwargs.items()}
            try:
                wire.encode(getattr(module, call.function)(*a, **k))
            except ValueError:
                pass

    results: dict[str, list[float]] = {}

    def measure(name, fn):
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        results[name] = times

    measure("in-process", in_process)
    for confine in (True, False):
        with Sandbox(confine=confine) as box:
            box._ready()
            box.run(submission, calls[:1])  # first fork warms the page cache
            name = "zygote fork, " + ("bwrap" if confine and box._zygote.bwrap else "unconfined")
            measure(name, lambda: box.run(submission, calls))

    def fresh():
        with Sandbox(confine=False) as box:
            box.run(submission, calls)

    measure("fresh process", fresh)
    base = statistics.median(results["in-process"])
    print(f"{args.exercise}: {len(calls)} cases per run, median of {args.repeats} runs")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"  {name:26s} {med * 1000:8.1f} ms per run  {med / len(calls) * 1e6:8.0f} us per case"
              f"  overhead {(med - base) * 1000:8.1f} ms")


if __name__ == "__main__":
    sys.exit(main())
