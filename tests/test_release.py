"""solutions/<name>/ is the one source: exercises/ is generated from it and committed in sync."""
from __future__ import annotations

import json

import pytest

from autograder.course import CourseError
from autograder.authoring.release import release, stub_sources, strip_solutions
from tests.conftest import ROOT, run_grade


def test_committed_exercises_equal_what_release_writes(course):
    for file, text in stub_sources(course).items():
        committed = (ROOT / "exercises" / file).read_text(encoding="utf-8")
        assert committed == text, f"exercises/{file} is stale: run `grade release`"


def test_stubs_keep_signatures_and_docstrings_but_no_solution(course):
    for name, ex in course.exercises.items():
        stub = (ROOT / "exercises" / ex.file).read_text()
        solution = (ROOT / "solutions" / name / ex.file).read_text()
        assert "BEGIN SOLUTION" not in stub
        for fn in ex.functions:
            assert f"def {fn}(" in stub
            assert f'raise NotImplementedError("{name}: {fn}")' in stub
        assert solution.split('"""')[1] in stub  # the module docstring that teaches


def test_strip_solutions_replaces_each_block():
    text = 'def f(x):\n    """Doc."""\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n'
    assert strip_solutions(text, exercise="exercise9") == (
        'def f(x):\n    """Doc."""\n    raise NotImplementedError("exercise9: f")\n')


@pytest.mark.parametrize("text,words", [
    ("def f():\n    ### BEGIN SOLUTION\n    pass\n", "never ended"),
    ("def f():\n    ### END SOLUTION\n", "line 2: END SOLUTION without BEGIN"),
])
def test_unbalanced_markers_are_errors(text, words):
    with pytest.raises(CourseError, match=words):
        strip_solutions(text, exercise="e")


@pytest.mark.slow  # runs the `grade` command in a new process (torch imported there)
def test_student_copy_has_no_solutions_and_grades(tmp_path, course):
    dest = tmp_path / "course"
    release(course, student_copy=dest)
    # of solutions/, only what the student's own grade reads: each folder's config and torch oracles
    kept = {p.relative_to(dest / "solutions").as_posix() for p in (dest / "solutions").rglob("*") if p.is_file()}
    assert kept == {f"{name}/{f}" for name in course.exercises for f in ("exercise.yml", "cases.py")} | {"shared/cases.py"}
    assert (dest / "exercises" / "exercise1.py").is_file() and (dest / "course.yml").is_file()
    # the grader works there: torch is the oracle, no solutions needed
    stub = run_grade("exercise1", "--format", "json", cwd=dest, env={"CONV_COURSE_ROOT": str(dest)})
    assert stub.returncode == 1, stub.stderr
    assert json.loads(stub.stdout)["score"] == 0
    (dest / "exercises" / "exercise1.py").write_text((ROOT / "solutions" / "exercise1" / "exercise1.py").read_text())
    done = run_grade("exercise1", "--format", "json", cwd=dest, env={"CONV_COURSE_ROOT": str(dest)})
    assert done.returncode == 0, done.stdout
