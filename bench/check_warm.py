"""check() in one kernel-like process: the first (cold) call, later (warm) calls, and `import torch`.

    python bench/check_warm.py [--repeats 5] [--exercise exercise3]

The first check() starts the kernel's sandbox (a Python that imports torch); later ones fork a
fresh process from it. Each warm call grades changed code (the report cache does not answer).
Prints the medians and the ratios (target: a warm check of a correct exercise at most 0.3 s; the
issue names exercise3, the default).
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--exercise", default="exercise3")
    args = p.parse_args()
    import os

    from autograder import jupyter
    from tests.test_notebook import _solved_student_notebook

    torch_times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        torch_times.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        _solved_student_notebook(Path(folder), exercise=args.exercise, experiment="x = 1\n")
        started = time.perf_counter()
        assert jupyter.check(args.exercise).score == 10
        cold = time.perf_counter() - started
        warm = []
        for i in range(args.repeats):
            jupyter._cache.clear()  # as if the student had changed the code
            started = time.perf_counter()
            assert jupyter.check(args.exercise).score == 10
            warm.append(time.perf_counter() - started)
    t, w = statistics.median(torch_times), statistics.median(warm)
    print(f"import torch (new process)  {t:7.3f} s")
    print(f"{args.exercise}")
    print(f"check() cold (first call)   {cold:7.3f} s   {cold / t:5.2f}x import torch")
    print(f"check() warm (median of {args.repeats})  {w:7.3f} s   {w / t:5.2f}x import torch, {w / cold:5.2f}x cold")
    print(f"target: warm <= 0.3 s: {'met' if w <= 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
