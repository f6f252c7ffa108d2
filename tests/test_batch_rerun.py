"""A rerun of `grade batch` after the course changed regrades what the change touched, and says so.

Before, changing a concept's points and rerunning printed "graded 0, already in the gradebook 4"
and kept the old scores. The class is small (4 students, exercise1), the commands real.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from autograder.classroom.gradebook import Gradebook
from class_submissions import make_class, small_course

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("batch")]
KINDS = ("correct", "missing-plus-one", "crash-at-import", "padding-once")


def grade(*args, salt="rerun-salt"):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONV_COURSE_")}
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], capture_output=True, text=True,
                          timeout=600, env={**env, "CONV_COURSE_SALT": salt})


def test_a_points_change_regrades_the_exercise_and_a_plain_rerun_does_not(tmp_path):
    make_class(tmp_path / "subs", 4, kinds=KINDS)
    course = small_course(tmp_path / "course", time_per_exercise=20.0)
    args = ("batch", tmp_path / "subs", "--course", course, "--gradebook", tmp_path / "gb.db", "--jobs", 2)
    first = grade(*args)
    assert first.returncode == 0, first.stderr
    assert "graded 4, already in the gradebook 0" in first.stderr
    again = grade(*args)
    assert "graded 0, already in the gradebook 4" in again.stderr and "regraded" not in again.stderr
    with Gradebook(tmp_path / "gb.db", create=False) as book:
        before = {r.student: (r.score, r.max_score) for r in book.results()}
    assert before["student01"] == (10.0, 10.0)
    # the instructor gives `kernel` one point more (exercise1 is now out of 11)
    config = course.parent / "solutions" / "exercise1" / "exercise.yml"
    text = config.read_text()
    config.write_text(text.replace("points: 10\n", "points: 11\n", 1).replace("    points: 1\n", "    points: 2\n", 1))
    changed = grade(*args)
    assert changed.returncode == 0, changed.stderr
    assert "graded 4, already in the gradebook 0" in changed.stderr
    assert ("grade batch: exercise1: course.yml, its folder or the grader changed since 4 of its rows were "
            "graded: regraded them") in changed.stderr
    with Gradebook(tmp_path / "gb.db", create=False) as book:
        after = {r.student: (r.score, r.max_score) for r in book.results()}
    assert after["student01"] == (11.0, 11.0) and after["student03"] == (0.0, 11.0)  # correct; crash at import
    assert {m for _, m in after.values()} == {11.0}
    # and once regraded, a rerun keeps them
    third = grade(*args)
    assert "graded 0, already in the gradebook 4" in third.stderr and "regraded" not in third.stderr
    # a change and a new salt at once: still refused, never regraded into a gradebook of two salts
    config.write_text(text)
    mixed = grade(*args, salt="another salt")
    assert mixed.returncode == 2 and "use --force or another gradebook" in mixed.stderr
    with Gradebook(tmp_path / "gb.db", create=False) as book:
        assert {r.student: (r.score, r.max_score) for r in book.results()} == after


def test_a_broken_course_yml_stops_the_rerun_in_one_line(tmp_path):
    make_class(tmp_path / "subs", 1, kinds=("correct",))
    course = small_course(tmp_path / "course")
    course.write_text(course.read_text().replace("time_per_case: 0.5", "time_per_case: -1"))
    done = grade("batch", tmp_path / "subs", "--course", course, "--gradebook", tmp_path / "gb.db")
    assert done.returncode == 2 and done.stdout == ""
    line = done.stderr.strip()
    assert "\n" not in line and line.startswith(f"grade: {course}:") and "limits.time_per_case" in line, line
