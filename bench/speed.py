"""exercise8's speed case, by hand: the reference's time as a multiple of F.conv2d, measured in one run.

    python bench/speed.py                      # solutions/exercise8.py on course.yml's workload
    python bench/speed.py --submission tests/submissions/exercise8/slow-loop.py --repeats 3

Like the grader's child process: one torch thread, the function and F.conv2d interleaved on the same
inputs, medians compared. Prints the multiple and course.yml's thresholds (speed.full_at, zero_at).
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load(path: Path):
    spec = importlib.util.spec_from_file_location("bench_submission", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.conv2d_fast


def multiple(fn, x, w, repeats: int) -> tuple[float, float, float]:
    """(ratio, median student seconds, median F.conv2d seconds), interleaved as sandbox/child.py times them."""
    fn(x, w)  # warm up, as the grader's correctness call does
    student, base = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(x, w)
        student.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        F.conv2d(x, w)
        base.append(time.perf_counter() - t0)
    s, b = statistics.median(student), statistics.median(base)
    return s / b, s, b


def main() -> int:
    from autograder.course import Speed, load_course

    speed = load_course(ROOT / "course.yml").exercise("exercise8").speed or Speed()
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--submission", type=Path, default=ROOT / "solutions" / "exercise8.py")
    p.add_argument("--repeats", type=int, default=speed.repeats)
    args = p.parse_args()
    torch.set_num_threads(1)
    n, c, h, w_, o, kh, kw = speed.workload
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(-4, 5, (n, c, h, w_), generator=gen).double()
    w = torch.randint(-4, 5, (o, c, kh, kw), generator=gen).double()
    fn = load(args.submission)
    assert torch.allclose(fn(x, w), F.conv2d(x, w)), "the submission is not even right"
    ratio, s, b = multiple(fn, x, w, args.repeats)
    print(f"{args.submission.name}: {ratio:.2f} x F.conv2d ({s * 1e3:.1f} ms vs {b * 1e3:.1f} ms, median of "
          f"{args.repeats}); full marks at <= {speed.full_at:g} x, none at {speed.zero_at:g} x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
