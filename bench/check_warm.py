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


def solved_notebook(exercise: str, folder: Path) -> Path:
    """exercises/<exercise>.ipynb with each function's cell replaced by the reference's code."""
    import json

    from autograder.authoring.notebooks_build import exercise_cells
    from autograder.course import load_course

    course = load_course(ROOT / "course.yml")
    reference = (ROOT / "solutions" / exercise / f"{exercise}.py").read_text()
    solved = {c.grade_id: c.source for c in exercise_cells(course, exercise, reference, flavor="nbgrader")
              if c.role == "solution"}
    nb = json.loads((ROOT / "exercises" / f"{exercise}.ipynb").read_text())
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        for function, code in solved.items():
            if cell["cell_type"] == "code" and text.startswith(f"def {function}("):
                cell["source"] = code
    path = folder / f"{exercise}.ipynb"
    path.write_text(json.dumps(nb))
    return path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--exercise", default="exercise3")
    args = p.parse_args()
    import os

    from autograder import jupyter

    torch_times = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        torch_times.append(time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        solved_notebook(args.exercise, Path(folder))
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
