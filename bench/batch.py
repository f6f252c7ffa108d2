"""Benchmark: a generated class graded by `grade batch` and, as notebooks, by `nbgrader autograde`.

    python bench/batch.py [--students 20] [--jobs N] [--skip-nbgrader]

One run, the same submissions both ways (exercise1; correct, buggy and hostile mixed, see
tests/class_submissions.py), the course's own limits. Prints submissions per second for each,
the ratio (target: grade batch at least 20x nbgrader), and what one timed-out submission
costs each of them compared with a correct one. Run by hand, not by the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from class_submissions import EXERCISE1_EDITS, exercise1_source, make_class  # noqa: E402

EXERCISE = "exercise1"


def grade_batch(subs: Path, work: Path, jobs: int) -> dict:
    book = work / "gradebook.db"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "batch", str(subs), "--exercise", EXERCISE,
                           "--gradebook", str(book), "--jobs", str(jobs), "--no-progress"],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"grade batch failed:\n{done.stderr}")
    rows = sqlite3.connect(book).execute("SELECT student, score, seconds FROM results").fetchall()
    return {"seconds": seconds, "count": len(rows), "per_student": {s: t for s, _, t in rows},
            "scores": {s: sc for s, sc, _ in rows}}


def nbgrader_class(kinds: dict[str, str], work: Path) -> Path:
    """An nbgrader course directory with every student's notebook in submitted/."""
    nb = work / "nbgrader"
    run([sys.executable, "-m", "autograder", "nbgrader", EXERCISE, "--out", str(nb)], cwd=ROOT)
    run(["nbgrader", "generate_assignment", EXERCISE, "--force"], cwd=nb)
    source = json.loads((nb / "source" / EXERCISE / f"{EXERCISE}.ipynb").read_text(encoding="utf-8"))
    for student, kind in kinds.items():
        target = nb / "submitted" / student / EXERCISE / f"{EXERCISE}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(student_notebook(source, kind), indent=1), encoding="utf-8")
    return nb


def student_notebook(source: dict, kind: str) -> dict:
    """The nbgrader notebook with the student's edit applied in its solution cells."""
    nb = json.loads(json.dumps(source))
    solutions = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    if kind == "crash-at-import":
        first = solutions[0]
        first["source"] = "raise RuntimeError('this submission fails at import')\n" + "".join(first["source"])
    elif kind != "correct":
        old, new = EXERCISE1_EDITS[kind]
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            if old in text:
                cell["source"] = text.replace(old, new, 1)
                break
        else:
            raise SystemExit(f"cannot apply {kind!r} to the notebook")
    assert exercise1_source(kind)  # the same edit applies to the .py submissions
    return nb


def nbgrader_autograde(nb: Path, students: list[str] | None = None) -> float:
    cmd = ["nbgrader", "autograde", EXERCISE, "--force"]
    if students:
        cmd += [f"--student={s}" for s in students]  # one student per call: traitlets keeps the last
    started = time.perf_counter()
    run(cmd, cwd=nb)
    return time.perf_counter() - started


def nbgrader_scores(nb: Path) -> dict[str, float]:
    run(["nbgrader", "export", "--to", str(nb / "grades.csv")], cwd=nb)
    import csv

    with open(nb / "grades.csv", encoding="utf-8") as f:
        return {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}


def run(cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", type=int, default=20)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--skip-nbgrader", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    args = p.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        kinds = make_class(work / "subs", args.students)
        mix = {k: list(kinds.values()).count(k) for k in sorted(set(kinds.values()))}
        print(f"class: {args.students} students, {EXERCISE}, {mix}; {args.jobs} jobs; {os.cpu_count()} cores")

        batch = grade_batch(work / "subs", work, args.jobs)
        batch_rate = batch["count"] / batch["seconds"]
        print(f"grade batch:        {batch['count']} submissions in {batch['seconds']:.1f} s "
              f"= {batch_rate:.2f} submissions/s")
        per = batch["per_student"]
        correct = statistics.median(per[s] for s, k in kinds.items() if k == "correct")
        hung = [per[s] for s, k in kinds.items() if k == "infinite-loop"]
        if hung:
            print(f"  one submission (worker seconds): correct {correct:.2f} s, "
                  f"timed out {statistics.median(hung):.2f} s (+{statistics.median(hung) - correct:.2f} s)")

        if args.skip_nbgrader:
            print("nbgrader autograde: skipped (--skip-nbgrader)")
            return 0
        if shutil.which("nbgrader") is None or not (ROOT / "autograder" / "commands" / "nbgrader.py").exists():
            print("nbgrader autograde: pending (nbgrader or `grade nbgrader` is not installed here)")
            return 0
        nb = nbgrader_class(kinds, work)
        nb_seconds = nbgrader_autograde(nb)
        nb_rate = args.students / nb_seconds
        print(f"nbgrader autograde: {args.students} submissions in {nb_seconds:.1f} s = {nb_rate:.3f} submissions/s")
        scores = nbgrader_scores(nb)
        agree = sum(1 for s in kinds if (scores.get(s, -1) >= 10) == (batch["scores"][s] >= 10))
        print(f"  full marks agree on {agree}/{len(kinds)} students (seeds differ: batch seeds per student)")
        ok_student = next(s for s, k in kinds.items() if k == "correct")
        one_ok = nbgrader_autograde(nb, [ok_student])
        hung_student = next((s for s, k in kinds.items() if k == "infinite-loop"), None)
        if hung_student:
            one_hung = nbgrader_autograde(nb, [hung_student])
            print(f"  one submission (autograde call): correct {one_ok:.1f} s, timed out {one_hung:.1f} s "
                  f"(+{one_hung - one_ok:.1f} s)")
        ratio = batch_rate / nb_rate
        print(f"ratio: grade batch is {ratio:.1f}x nbgrader autograde (target >= 20x): "
              f"{'met' if ratio >= 20 else 'NOT met'}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
