"""course.yml: a bad file stops `grade` with exit 2 and one line naming the file, key and line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from autograder.course import CourseError, load_course
from tests.conftest import ROOT, run_grade


def test_the_course_loads_frozen(course):
    assert course.exercises["exercise1"].points == 10
    with pytest.raises(ValidationError, match="frozen"):
        course.exercises["exercise1"].points = 3
    assert course.exercises["exercise1"].points == 10


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    """A copy of the course to break: course.yml plus the solutions it checks against."""
    shutil.copy(ROOT / "course.yml", tmp_path / "course.yml")
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    return tmp_path


def _break(folder: Path, old: str, new: str) -> int:
    text = (folder / "course.yml").read_text()
    assert old in text
    text = text.replace(old, new, 1)
    (folder / "course.yml").write_text(text)
    return text[: text.index(new)].count("\n") + 1  # the line of the change


@pytest.mark.parametrize("old,new,key,words", [
    ("seed: ", "sede: ", "sede", "unknown key"),
    ("  exercise1:\n    title: Output size\n", "  exercise1:\n    title: Output size\n    colour: red\n",
     "exercises.exercise1.colour", "unknown key"),
    ("    points: 10\n", "    points: ten\n", "exercises.exercise1.points", "number"),
    ("      kernel:\n        points: 1\n", "      kernel:\n        points: 2\n", "exercises.exercise1", "add up"),
    ("    points: 10\n", "    points: 11\n", "exercises.exercise1", "add up"),  # the exercise's side, this time
    ("      kernel:\n", "      kernal:\n", "exercises.exercise1.concepts.kernal", "unknown concept"),
    ("        cases: 8\n", "        cases: 0\n", "exercises.exercise1.concepts.kernel.cases", "greater than or equal"),
])
def test_bad_course_yml_names_file_key_and_line(course_copy, old, new, key, words):
    line = _break(course_copy, old, new)
    with pytest.raises(CourseError) as err:
        load_course(course_copy / "course.yml")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{course_copy / 'course.yml'}:")
    assert key in msg and words in msg
    reported = int(msg.split(":")[1])
    if words == "add up":  # a whole-exercise error points at the exercise
        line = (course_copy / "course.yml").read_text().splitlines().index("  exercise1:") + 1
    assert abs(reported - line) <= 2, msg


def test_a_function_the_solution_lacks(course_copy):
    _break(course_copy, "same_padding,", "same_pading,")
    with pytest.raises(CourseError, match=r"exercises\.exercise1\.functions: .*exercise1\.py has no function 'same_pading'"):
        load_course(course_copy)


def test_yaml_syntax_error_names_the_line(course_copy):
    line = _break(course_copy, "title: Convolution", "title: [Convolution")
    with pytest.raises(CourseError, match=r"course\.yml:\d+: not valid YAML"):
        load_course(course_copy)


@pytest.mark.slow  # runs the `grade` command in a new process (torch imported there)
def test_grade_with_a_bad_course_exits_2_with_one_line(course_copy):
    _break(course_copy, "seed: ", "sede: ")
    result = run_grade("exercise1", "--course", course_copy / "course.yml")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "sede" in lines[0] and "unknown key" in lines[0]


@pytest.mark.slow  # runs the `grade` command in a new process (torch imported there)
def test_missing_course_file(tmp_path):
    result = run_grade("exercise1", "--course", tmp_path / "nope.yml")
    assert result.returncode == 2
    assert "cannot read" in result.stderr and len(result.stderr.strip().splitlines()) == 1
