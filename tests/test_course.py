"""course.yml: a bad file stops `grade` with exit 2 and one line naming the file, key and line."""
from __future__ import annotations

import shutil
import subprocess
import sys
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
    """A copy of the course to break: course.yml plus the exercise folders it lists."""
    shutil.copy(ROOT / "course.yml", tmp_path / "course.yml")
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


EXERCISE1 = Path("solutions") / "exercise1" / "exercise.yml"


def _break(folder: Path, old: str, new: str, file: Path | str = "course.yml") -> int:
    text = (folder / file).read_text()
    assert old in text
    text = text.replace(old, new, 1)
    (folder / file).write_text(text)
    return text[: text.index(new)].count("\n") + 1  # the line of the change


@pytest.mark.parametrize("file,old,new,key,words", [
    ("course.yml", "seed: ", "sede: ", "sede", "unknown key"),
    (EXERCISE1, "title: Output size\n", "title: Output size\ncolour: red\n", "colour", "unknown key"),
    (EXERCISE1, "points: 10\n", "points: ten\n", "points", "number"),
    (EXERCISE1, "  kernel:\n    points: 1\n", "  kernel:\n    points: 2\n", "exercise1", "add up"),
    (EXERCISE1, "points: 10\n", "points: 11\n", "exercise1", "add up"),  # the exercise's side, this time
    (EXERCISE1, "    cases: 8\n", "    cases: 0\n", "concepts.kernel.cases", "greater than or equal"),
    (EXERCISE1, "title: Output size\n", "title: Output size\nname: exercise11\n", "name", "unknown key"),
    ("course.yml", "  - exercise1\n", "  - exercise1\n  - exercise10\n", "exercises", "no solutions/exercise10/exercise.yml"),
    ("course.yml", "  - exercise2\n", "  - exercise1\n", "exercises", "exercise1 is listed twice"),
    ("course.yml", "  - exercise2\n", "  - ../exercise2\n", "exercises", "is not a folder name"),
])
def test_bad_course_yml_names_file_key_and_line(course_copy, file, old, new, key, words):
    line = _break(course_copy, old, new, file)
    with pytest.raises(CourseError) as err:
        load_course(course_copy / "course.yml")
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"{course_copy / file}:"), msg
    assert f": {key}: " in msg and words in msg, msg
    reported = int(msg.split(":")[1])
    if words == "add up":  # a whole-exercise error points at the top of its exercise.yml
        line = 1
    assert abs(reported - line) <= 2, msg


def test_exercises_must_be_a_list_of_names(course_copy):
    text = (course_copy / "course.yml").read_text()
    (course_copy / "course.yml").write_text(text.replace("  - exercise1\n", "  - exercise1:\n      title: x\n", 1))
    with pytest.raises(CourseError, match=r"course\.yml:\d+: exercises: list exercise1 by name; its settings go in solutions/exercise1/exercise\.yml$"):
        load_course(course_copy)
    (course_copy / "course.yml").write_text(text.replace("exercises:\n", "exercises: exercise1\n"))
    with pytest.raises(CourseError, match=r"course\.yml:\d+: exercises: must be a list of exercise names"):
        load_course(course_copy)


def test_an_unknown_concept_is_named_when_the_cases_load(course_copy):
    """Loading course.yml reads YAML only; cases.py's concepts are checked where it is imported."""
    from autograder.content import definition

    line = _break(course_copy, "  kernel:\n", "  kernal:\n", EXERCISE1)
    course = load_course(course_copy)
    with pytest.raises(CourseError) as err:
        definition(course, "exercise1").spec
    assert str(err.value) == (f"{course_copy / EXERCISE1}:{line}: concepts.kernal: unknown concept (cases.py knows "
                              "kernel, stride, padding, dilation, pooling, ceil-mode, same-padding, transpose, validation)")
    result = run_grade("exercise1", "--course", course_copy / "course.yml", "--submission",
                       course_copy / "solutions" / "exercise1" / "exercise1.py")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == f"grade: {err.value}"


def test_loading_the_course_imports_neither_torch_nor_content():
    """`grade release` and `grade nbgrader` only read YAML: they must not pay for torch (seconds)."""
    code = ("import sys; from autograder.course import load_course; c = load_course(); "
            "print(len(c.exercises), sorted(m for m in sys.modules if m.split('.')[0] == 'torch' "
            "or m.startswith('_course_') or m.startswith('autograder.cases')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(" ", 1)[1].strip() == "[]" and int(done.stdout.split()[0]) >= 1


def test_a_function_the_solution_lacks(course_copy):
    _break(course_copy, "same_padding,", "same_pading,", EXERCISE1)
    with pytest.raises(CourseError, match=r"exercise\.yml:\d+: functions: .*exercise1\.py has no function 'same_pading'"):
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
