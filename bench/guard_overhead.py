"""What the forbidden-call guard costs: the reference solution's work, before and after it is installed.

    python bench/guard_overhead.py [exercise2] [--repeats 7]

The guard (autograder/sandbox/guard.py) puts a Python kernel on each forbidden op (and on the
view makers, as_strided and set_, which slicing reaches inside torch); every other op runs as
without it. exercise9 adds a TorchDispatchMode for its autograd rules: there every op passes
through one Python call. A loop-heavy solution (exercise2's reference: thousands of tiny ops)
shows the worst case; a vectorised one (exercise8's) shows none. Run in a fresh interpreter
(the guard patches numpy and torch's dispatcher); prints the best time of each and their ratio.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = {
    "exercise2": lambda m, t: (m.conv1d_single(t.randn(300, dtype=t.float64), t.randn(5, dtype=t.float64),
                                               padding=2, dilation=2),
                               m.conv2d_single(t.randn(24, 24, dtype=t.float64), t.randn(3, 3, dtype=t.float64),
                                               padding=1)),
    "exercise5": lambda m, t: [m.max_pool1d(t.randn(4, 3, 200), 3, 2, 1, 2) for _ in range(20)],
    "exercise8": lambda m, t: m.conv2d_fast(t.randn(16, 3, 64, 64), t.randn(32, 3, 3, 3), padding=1),
    "exercise9": lambda m, t: [m.conv1d_backward(t.randn(2, 4, 46), t.randn(2, 3, 50), t.randn(4, 3, 5), 1, 0, 1)
                               for _ in range(20)],
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("exercise", nargs="?", default="exercise2", choices=sorted(WORK))
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args()

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "autograder" / "sandbox"))
    import torch

    import guard
    from autograder.course import load_course

    torch.set_num_threads(1)
    spec = importlib.util.spec_from_file_location("reference", ROOT / "solutions" / args.exercise / f"{args.exercise}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    work = WORK[args.exercise]

    def best(armed: bool) -> float:
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            if armed:
                with guard.armed():
                    work(module, torch)
            else:
                work(module, torch)
            times.append(time.perf_counter() - started)
        return min(times)

    best(False)  # warm up
    plain = best(False)  # before the guard exists: its kernels are global once installed
    guard.install(load_course(ROOT / "course.yml").forbidden_rules(args.exercise))
    best(True)
    guarded = best(True)
    print(f"{args.exercise}: unguarded {plain * 1e3:.1f} ms, guarded {guarded * 1e3:.1f} ms, "
          f"ratio {guarded / plain:.2f}")


if __name__ == "__main__":
    main()
