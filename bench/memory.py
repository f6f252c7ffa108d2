"""Peak memory of `grade` on the reference solutions, against Gradescope's default container (768 MiB).

    python bench/memory.py [--exercises exercise1 exercise8] [--all] [--against /path/to/another/checkout]

For each exercise, and with --all for the whole course in one run, runs `python -m autograder` on a
folder of the reference solutions (laid out as a Gradescope submission: exerciseN.py side by side)
and samples, every 20 ms, the proportional set size (PSS: shared pages split between the processes
that map them, so torch's libraries count once) of the grader and every process it starts: the
sandbox's zygote and the student's processes. Prints each run's peak, its ratio to the budget and the
grader's own peak. --against DIR measures another checkout the same way in the same run (before
and after a change). Memory, unlike time, hardly moves with the machine's load, but PSS does move
with the other processes mapping torch's libraries (their pages are split with them): run it on a
quiet machine, as a Gradescope container is.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MIB = 768  # Gradescope's default container


def peak_pss(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int]:
    """(peak PSS of the command and its descendants, peak PSS of the command alone, in MiB; exit status)."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = psutil.Process(process.pid)
    total_peak = own_peak = 0
    while process.poll() is None:
        try:
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        total = 0
        for p in family:
            try:
                pss = p.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            total += pss
            if p.pid == root.pid:
                own_peak = max(own_peak, pss)
        total_peak = max(total_peak, total)
        time.sleep(0.02)
    return total_peak / 2**20, own_peak / 2**20, process.wait()


def submission_folder(tree: Path, into: Path) -> Path:
    """The tree's reference solutions side by side, as a student uploads them to Gradescope."""
    into.mkdir()
    for folder in sorted((tree / "solutions").iterdir()):
        solution = folder / f"{folder.name}.py"
        if solution.is_file():
            shutil.copy(solution, into / solution.name)
    return into


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--exercises", nargs="*", default=["exercise1", "exercise8", "exercise9"])
    p.add_argument("--all", action="store_true", help="also the whole course in one run")
    p.add_argument("--against", type=Path, help="another checkout to measure the same way")
    args = p.parse_args()
    trees = {"": ROOT} | ({f" ({args.against})": args.against.resolve()} if args.against else {})
    runs = [(name, [name]) for name in args.exercises] + ([("all exercises", [])] if args.all else [])
    print(f"peak PSS of grade and its processes, budget {BUDGET_MIB} MiB (Gradescope's default)")
    with tempfile.TemporaryDirectory() as tmp:
        for label, tree in trees.items():
            folder = submission_folder(tree, Path(tmp) / f"submission{len(label)}")
            env = {**os.environ, "GRADE_CACHE_DIR": str(Path(tmp) / f"cache{len(label)}")}  # as cold as Gradescope
            for what, exercise in runs:
                argv = [sys.executable, "-m", "autograder", *exercise, "--submission", str(folder)]
                total, own, status = peak_pss(argv, tree, env)
                note = "" if status == 0 else f"  (exit status {status}: not full marks?)"
                print(f"{what + label:40s} {total:6.0f} MiB  {total / BUDGET_MIB:5.2f} of the budget   "
                      f"grader alone {own:5.0f} MiB{note}")


if __name__ == "__main__":
    main()
