"""Wall time of `grade exerciseN` on the reference solution against `python -c "import torch"`.

    python bench/latency.py [--repeats 5]

Runs the commands interleaved, `repeats` times each, and prints the medians and the ratio
(target: at most 1.5). The machine's load moves both; the ratio is what to read.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wall(argv: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    commands = {"import torch": [sys.executable, "-c", "import torch"]}
    for name in ("exercise1", "exercise3"):
        solution = ROOT / "solutions" / name / f"{name}.py"
        if solution.exists() and f"\n  {name}:" in (ROOT / "course.yml").read_text():
            commands[f"grade {name}"] = [sys.executable, "-m", "autograder", name, "--submission", str(solution)]
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(args.repeats):
        for name, argv in commands.items():
            times[name].append(wall(argv))
    base = statistics.median(times["import torch"])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name:18s} median {med:6.2f} s  (min {min(ts):.2f}, max {max(ts):.2f})  ratio {med / base:.2f}")


if __name__ == "__main__":
    main()
