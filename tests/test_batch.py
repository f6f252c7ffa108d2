"""`grade batch`: a generated class, killed midway and resumed, equals an uninterrupted run."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.classroom.batch import SALT_ENV, student_seed
from autograder.cases.space import SEED_MAX
from autograder.classroom.gradebook import Gradebook
from autograder.seeding import bound_seed
from class_submissions import exercise1_source, make_class, small_course

CLASS_SIZE = 30
COURSE_SEED = 20261121
# one xdist worker: the graded class (below) is built once, not on each worker
pytestmark = pytest.mark.xdist_group("batch")


def grade(*args, timeout=600, env=None):
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def tree_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_file():
            h.update(p.read_bytes())
            h.update(str(p.stat().st_mtime_ns).encode())
    return h.hexdigest()


def test_student_seeds_are_stable_distinct_and_salted():
    a, b = student_seed(COURSE_SEED, "alice"), student_seed(COURSE_SEED, "bob")
    assert a == student_seed(COURSE_SEED, "alice") and a != b
    assert 0 <= a < SEED_MAX and 0 <= b < SEED_MAX
    assert student_seed(COURSE_SEED + 1, "alice") != a
    salted = student_seed(COURSE_SEED, "alice", "a secret")
    assert salted != a and salted == student_seed(COURSE_SEED + 1, "alice", "a secret")  # the salt replaces the seed


def test_bad_input_is_a_one_line_error(tmp_path, capsys):
    from autograder.cli import main

    course = small_course(tmp_path / "course")
    (tmp_path / "empty").mkdir()
    for args, reason in [
        (["batch", tmp_path / "nowhere", "--course", course, "--gradebook", tmp_path / "gb.db"], "no such folder"),
        (["batch", tmp_path / "empty", "--course", course, "--gradebook", tmp_path / "gb.db"], "no student folders"),
        (["batch", tmp_path / "empty", "--course", course, "--exercise", "exercise42"], "unknown exercise"),
        (["batch", tmp_path / "empty", "--jobs", "0"], "--jobs must be at least 1"),
        (["export", "--gradebook", tmp_path / "missing.db", "--csv", tmp_path / "x.csv"], "no such gradebook"),
        (["report", "--gradebook", tmp_path / "missing.db", "--out", tmp_path / "r"], "no such gradebook"),
    ]:
        assert main([str(a) for a in args]) == 2, args
        err = capsys.readouterr().err
        assert reason in err and err.strip().count("\n") == 0, (args, err)


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """The class, its course, and a gradebook from one uninterrupted run."""
    tmp = tmp_path_factory.mktemp("class")
    kinds = make_class(tmp / "subs", CLASS_SIZE)
    course = small_course(tmp / "course", time_per_case=0.5, time_per_exercise=20.0)
    digest = tree_digest(tmp / "subs")
    started = time.monotonic()
    done = grade("batch", tmp / "subs", "--course", course, "--gradebook", tmp / "full.db", "--jobs", 2)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning: no $CONV_COURSE_SALT") == 1
    print(f"\nuninterrupted batch of {CLASS_SIZE}: {time.monotonic() - started:.1f} s")
    return tmp, kinds, course, digest


@pytest.mark.slow
def test_the_batch_grades_each_kind_of_submission(graded_class):
    tmp, kinds, course, digest = graded_class
    with Gradebook(tmp / "full.db", create=False) as book:
        results = {r.student: r for r in book.results()}
        seeds = book.students()
        concepts = book.concept_rows()
    assert set(results) == set(kinds) and len(concepts) == CLASS_SIZE * 9
    for student, kind in kinds.items():
        r = results[student]
        # the students table keeps the student's key; each row's seed also binds the code (no salt
        # here: course.yml's seed stands in for it, and the batch warned)
        assert seeds[student][0] == student_seed(COURSE_SEED, student)
        code = {"exercise1": exercise1_source(kind)}
        assert r.seed == bound_seed(f"public {COURSE_SEED}", student, code) != COURSE_SEED
        if kind == "correct":
            assert (r.score, r.status) == (10.0, "passed"), student
        elif kind == "crash-at-import":
            assert (r.score, r.status) == (0.0, "crash"), student
        elif kind == "infinite-loop":
            assert r.status == "timeout" and 0 < r.score < 10, student  # only conv_output_length hangs
        else:
            assert 0 < r.score < 10 and r.status == "failed", student
            named = {c["misconception"] for c in concepts if c["student"] == student}
            assert kind in named, (student, named)
    assert tree_digest(tmp / "subs") == digest  # submissions are read, never written


@pytest.mark.slow
def test_a_killed_batch_resumes_to_the_same_gradebook(graded_class):
    tmp, kinds, course, _ = graded_class
    book = tmp / "killed.db"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "batch", str(tmp / "subs"), "--course", str(course),
                             "--gradebook", str(book), "--jobs", "2"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    rows, deadline = 0, time.monotonic() + 300
    while rows < 8 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        rows = _count_rows(book)
    assert proc.poll() is None, "the batch ended before it could be killed"
    below = _descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stderr.close()
    kept = _count_rows(book)
    assert 8 <= kept < CLASS_SIZE, kept
    # the workers and the student processes under them die with the batch
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in below):
        time.sleep(0.2)
    assert not [p for p in below if _alive(p)]

    done = grade("batch", tmp / "subs", "--course", course, "--gradebook", book, "--jobs", 2)
    assert done.returncode == 0, done.stderr
    assert f"already in the gradebook {kept}" in done.stderr
    with Gradebook(tmp / "full.db", create=False) as a, Gradebook(book, create=False) as b:
        assert b.snapshot() == a.snapshot()
        assert b.students() == a.students()
    again = grade("batch", tmp / "subs", "--course", course, "--gradebook", book)
    assert again.returncode == 0 and f"graded 0, already in the gradebook {CLASS_SIZE}" in again.stderr


@pytest.mark.slow
def test_a_gradebook_row_reproduces_with_its_command(graded_class):
    tmp, kinds, course, _ = graded_class
    student = next(s for s, k in kinds.items() if k == "missing-plus-one")
    with Gradebook(tmp / "full.db", create=False) as book:
        stored = book.db.execute("SELECT reproduce, report FROM results WHERE student=?", (student,)).fetchone()
    command = shlex.split(stored[0])
    assert command[:2] == ["grade", "exercise1"] and "--seed" in command
    done = grade(*command[1:], "--format", "json")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout) == json.loads(stored[1])


@pytest.mark.slow
def test_export_and_a_salted_rerun(graded_class):
    tmp, kinds, course, _ = graded_class
    done = grade("export", "--gradebook", tmp / "full.db", "--csv", tmp / "class.csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(open(tmp / "class.csv", encoding="utf-8")))
    assert len(rows) == CLASS_SIZE * 9
    assert {r["student"] for r in rows} == set(kinds)
    # a different salt would change every seed: resuming into the same gradebook is refused
    done = grade("batch", tmp / "subs", "--course", course, "--gradebook", tmp / "full.db",
                 env={SALT_ENV: "another secret"})
    assert done.returncode == 2 and "use --force or another gradebook" in done.stderr


def _count_rows(book: Path) -> int:
    if not book.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{book}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT count(*) FROM results").fetchone()[0]
        finally:
            db.close()
    except sqlite3.OperationalError:
        return 0


def _descendants(pid: int) -> list[int]:
    from autograder.classroom.batch import _descendants as below

    return below(pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        return state != b"Z"
    except OSError:
        return False


@pytest.mark.slow
def test_a_student_folder_that_is_a_link_is_refused_not_followed(tmp_path):
    """A class folder entry that links to the course's solutions/ or to a classmate's folder would be
    graded as that student's own work if followed: it is a crash row with one line saying why."""
    from autograder.classroom.batch import find_students

    subs = tmp_path / "subs"
    make_class(subs, 1, kinds=["correct"])
    solutions = tmp_path / "course-solutions"
    solutions.mkdir()
    (solutions / "exercise1.py").write_text(exercise1_source("correct"))
    os.symlink(solutions, subs / "student02")
    os.symlink(subs / "student01", subs / "student03")
    os.symlink("student01", subs / "student04")  # relative, the same
    found = {s.id: (s.path, s.refused) for s in find_students(subs)}
    assert found["student01"] == (subs / "student01", "")
    for student in ("student02", "student03", "student04"):
        assert found[student] == (subs / student, f"{subs / student}: a symbolic link; put the student's own "
                                                  "folder here")
    course = small_course(tmp_path / "course", time_per_case=0.5, time_per_exercise=20.0)
    done = grade("batch", subs, "--course", course, "--gradebook", tmp_path / "gb.db", "--jobs", 1, "--no-progress")
    assert done.returncode == 0, done.stderr
    with Gradebook(tmp_path / "gb.db", create=False) as book:
        results = {r.student: (r.score, r.status) for r in book.results()}
        concepts = book.concept_rows()
    assert results == {"student01": (10.0, "passed"), "student02": (0.0, "crash"), "student03": (0.0, "crash"),
                       "student04": (0.0, "crash")}
    messages = {c["message"] for c in concepts if c["student"] == "student03"}
    assert messages == {f"{subs / 'student03'}: a symbolic link; put the student's own folder here"}
