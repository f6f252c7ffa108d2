"""Wall time of `grade exerciseN` on the reference solution against `python -c "import torch"`.

    python bench/latency.py [--repeats 5] [--against /path/to/another/checkout] [--cold-cache]

Runs the commands interleaved, `repeats` times each after one untimed warm-up round, and prints
the medians, the ratio to `import torch` (target for exercise3: at most 1.2) and the CPU seconds
of the command's process and those it waited for (the grader's own work: the zygote, reaped inside
bubblewrap, is mostly not counted), which a loaded machine moves less than the wall time. The
machine's load moves both; the ratio is what to read, and the load average is printed before and after.

--against DIR times the same commands run from another checkout too (e.g. main before a change),
interleaved with ours, so before and after are measured in one run under the same load.
--cold-cache gives every grade an empty cache folder (GRADE_CACHE_DIR): the first run on a machine,
which walks torch for the static policy's refused names (autograder/judging/names_cache.py).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ("exercise1", "exercise3")


def run(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the command and everything it waited for)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} (in {cwd}) failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def commands(trees: dict[str, Path]) -> dict[str, tuple[list[str], Path]]:
    found = {"import torch": ([sys.executable, "-c", "import torch"], ROOT)}
    for label, tree in trees.items():
        for name in EXERCISES:
            solution = tree / "solutions" / name / f"{name}.py"
            if solution.exists():
                found[f"grade {name}{label}"] = ([sys.executable, "-m", "autograder", name, "--submission",
                                                 str(solution)], tree)
    return found


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--against", type=Path, help="another checkout to time the same commands in")
    p.add_argument("--cold-cache", action="store_true", help="an empty GRADE_CACHE_DIR for every grade")
    args = p.parse_args()
    trees = {"": ROOT}
    if args.against:
        trees[f" ({args.against.name})"] = args.against.resolve()
    todo = commands(trees)
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in todo}
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory(prefix="latency-") as scratch:
        for round_ in range(args.repeats + 1):  # round 0 warms the disk cache and the names cache
            for name, (argv, cwd) in todo.items():
                env = dict(os.environ)
                if args.cold_cache:
                    env["GRADE_CACHE_DIR"] = tempfile.mkdtemp(dir=scratch)
                took = run(argv, cwd, env)
                if round_:
                    times[name].append(took)
    print(f"load average at end:   {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    base = statistics.median(t for t, _ in times["import torch"])
    base_cpu = statistics.median(c for _, c in times["import torch"])
    for name, ts in times.items():
        walls, cpus = [t for t, _ in ts], [c for _, c in ts]
        med, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"{name:28s} median {med:6.2f} s (min {min(walls):.2f}, max {max(walls):.2f})  ratio {med / base:.2f}"
              f"   CPU {cpu:6.2f} s  ratio {cpu / base_cpu:.2f}")


if __name__ == "__main__":
    main()
