"""Adversary: one student against the rest of the class in `grade batch`, in both routes. A student
may not kill the classmates graded beside them, nor copy a classmate's file at grading time: every
honest student keeps full marks, and the copycat gets nothing.
"""
from __future__ import annotations

import csv
import os

import pytest

from tests.hostile.adversary.kit import MODES, ROOT, Run, assert_clean, fixture

pytestmark = pytest.mark.slow

REFERENCE = (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text()  # exercise1 forbids nothing: no static policy
STUB = (ROOT / "exercises" / "exercise1.py").read_text()


def batch(tmp_path, students: dict[str, str], mode: str):
    run = Run(tmp_path)
    for student, text in students.items():
        run.write(f"{student}/exercise1.py", text.replace("@@TMPDIR@@", str(run.tmpdir)))
    book = tmp_path / "gradebook.db"
    graded = run.grade("batch", run.sub, "--jobs", "2", "--gradebook", book, "--exercise", "exercise1",
                       "--no-progress", mode=mode, timeout=400)
    assert_clean(graded)
    out = tmp_path / "scores.csv"
    exported = run.grade("export", "--gradebook", book, "--csv", out, mode=mode)
    assert_clean(exported)
    totals: dict[str, float] = {}
    with open(out, newline="") as f:
        for row in csv.DictReader(f):
            totals[row["student"]] = totals.get(row["student"], 0.0) + float(row["score"])
    return graded, totals


@pytest.mark.parametrize("mode", MODES)
def test_adversary_a_student_cannot_kill_classmates(tmp_path, mode):
    students = {"a_killer": REFERENCE + "\n\n" + fixture("batch_killer.py"),
                "b_honest": REFERENCE, "c_honest": REFERENCE, "d_honest": REFERENCE}
    graded, totals = batch(tmp_path, students, mode)
    assert graded.returncode == 0, graded.describe()
    for student in ("b_honest", "c_honest", "d_honest"):
        assert totals.get(student) == 10.0, (student, totals)


@pytest.mark.parametrize("mode", MODES)
def test_adversary_a_student_cannot_copy_a_classmate(tmp_path, mode):
    students = {"a_honest": REFERENCE, "b_copycat": STUB + "\n\n" + fixture("batch_copycat.py")}
    graded, totals = batch(tmp_path, students, mode)
    assert totals.get("a_honest") == 10.0, totals
    assert totals.get("b_copycat") == 0.0, totals


def test_adversary_a_student_folder_that_is_a_link(tmp_path):
    """In the class folder, one "student" is a link to the course's solutions/ and another a link to
    a classmate's folder: neither is graded as if it were that student's own work."""
    run = Run(tmp_path)
    run.write("a_honest/exercise1.py", REFERENCE)
    os.symlink(ROOT / "solutions", run.sub / "b_linked_solutions")
    os.symlink(run.sub / "a_honest", run.sub / "c_linked_classmate")
    book = tmp_path / "gradebook.db"
    graded = run.grade("batch", run.sub, "--jobs", "1", "--gradebook", book, "--exercise", "exercise1",
                       "--no-progress", timeout=300)
    assert_clean(graded)
    out = tmp_path / "scores.csv"
    assert_clean(run.grade("export", "--gradebook", book, "--csv", out))
    totals: dict[str, float] = {}
    with open(out, newline="") as f:
        for row in csv.DictReader(f):
            totals[row["student"]] = totals.get(row["student"], 0.0) + float(row["score"])
    assert totals.get("a_honest") == 10.0, totals
    assert totals.get("b_linked_solutions", 0.0) < 10.0, totals
    assert totals.get("c_linked_classmate", 0.0) < 10.0, totals
