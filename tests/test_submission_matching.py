"""Folder submissions as they arrive from browsers and LMSs (Gradescope, batch): a renamed
re-upload, a repository downloaded as a zip, two copies that cannot both be right."""
from __future__ import annotations

import pytest
from conftest import ROOT, run_grade

from autograder.course import load_course
from autograder.errors import USER_ERRORS
from autograder.judging.submission import load_submission

CODE = "def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):\n    return 1\n"


@pytest.fixture(scope="module")
def ex1():
    course = load_course(ROOT / "course.yml")
    return course, course.exercise("exercise1")


@pytest.mark.parametrize("where", ["exercise1 (1).py", "exercise1(2).py", "Exercise1-3.py", "exercise1_copy.py",
                                   "conv-course-main/exercises/exercise1.py", "conv-course-main/exercise1.py",
                                   "conv-course-main/exercise1 (1).py"])
def test_a_renamed_or_nested_file_is_found(tmp_path, ex1, where):
    course, ex = ex1
    path = tmp_path / "submission" / where
    path.parent.mkdir(parents=True)
    path.write_text(CODE)
    (tmp_path / "submission" / ".DS_Store").write_bytes(b"\0")
    sub = load_submission(course, ex, tmp_path / "submission")
    assert sub.sources[ex.module] == CODE


def test_two_renamed_copies_are_refused_by_name(tmp_path, ex1):
    course, ex = ex1
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise1 (1).py").write_text(CODE)
    (folder / "exercise1 (2).py").write_text(CODE)
    with pytest.raises(USER_ERRORS) as e:
        load_submission(course, ex, folder)
    assert "exercise1 (1).py and exercise1 (2).py could each be exercise1.py" in str(e.value)
    done = run_grade("exercise1", "--submission", folder)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "exercise1 (1).py and exercise1 (2).py" in done.stderr


def test_another_exercise_is_never_taken_for_this_one(tmp_path, ex1):
    course, ex = ex1
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise10.py").write_text(CODE)
    (folder / "exercise1_notes.py").write_text(CODE)
    with pytest.raises(USER_ERRORS, match="has no exercise1.py"):
        load_submission(course, ex, folder)


def test_the_exact_name_wins_over_a_renamed_copy(tmp_path, ex1):
    course, ex = ex1
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise1.py").write_text(CODE)
    (folder / "exercise1 (1).py").write_text("raise SystemExit\n")
    assert load_submission(course, ex, folder).sources[ex.module] == CODE


def test_a_renamed_link_is_refused_not_followed(tmp_path, ex1):
    course, ex = ex1
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "exercise1 (1).py").symlink_to(ROOT / "exercises" / "exercise1.py")
    with pytest.raises(USER_ERRORS, match="symbolic link"):
        load_submission(course, ex, folder)
