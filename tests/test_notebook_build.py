"""Notebooks built from solutions/: the student's exercises/*.ipynb and nbgrader's source notebooks."""
from __future__ import annotations

import json

import pytest

from autograder.authoring.nbgrader_course import build_course_dir
from autograder.judging.notebook import SKIP_MARK
from autograder.authoring.notebooks_build import exercise_cells, notebook_json, student_notebooks
from tests.conftest import ROOT, run_grade


def _exercises_with_solutions(course):
    return [n for n, ex in course.exercises.items() if course.solution_path(n).is_file()]


def test_committed_notebooks_equal_what_release_writes(course):
    for file, text in student_notebooks(course).items():
        committed = ROOT / "exercises" / file
        assert committed.is_file(), f"exercises/{file} is missing: run `grade release`"
        assert committed.read_text(encoding="utf-8") == text, f"exercises/{file} is stale: run `grade release`"


@pytest.mark.parametrize("name", ["exercise1"])
def test_student_notebook_teaches_and_has_no_solution(course, name):
    ex = course.exercise(name)
    nb = json.loads((ROOT / "exercises" / f"{name}.ipynb").read_text())
    text = json.dumps(nb)
    solution = (ROOT / "solutions" / name / ex.file).read_text()
    assert "BEGIN SOLUTION" not in text
    body = solution.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].strip().splitlines()[0]
    assert body.strip() not in text  # the first solution line of the first function
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert ex.title in markdown
    for fn in ex.functions:
        assert f"## `{fn}(" in markdown
        assert any("".join(c["source"]).startswith(f"def {fn}(") and f'NotImplementedError("{name}: {fn}")'
                   in "".join(c["source"]) for c in nb["cells"])
    assert f'check("{name}")' in "".join(nb["cells"][-1]["source"])


def test_nbgrader_cells_carry_valid_metadata_and_points(course):
    for name in _exercises_with_solutions(course):
        ex = course.exercise(name)
        text = course.solution_path(name).read_text()
        nb = json.loads(notebook_json(course, name, text, flavor="nbgrader"))
        # lesson cells are ordinary cells (the student edits predictions); their code is never graded
        plain = [c for c in nb["cells"] if "nbgrader" not in c["metadata"]]
        assert all(SKIP_MARK in "".join(c["source"]).splitlines()[0] for c in plain if c["cell_type"] == "code")
        nb["cells"] = [c for c in nb["cells"] if "nbgrader" in c["metadata"]]
        metas = [c["metadata"]["nbgrader"] for c in nb["cells"]]
        ids = [m["grade_id"] for m in metas]
        assert len(ids) == len(set(ids)) and all(ids)
        assert all(m["schema_version"] == 3 for m in metas)
        solutions = [c for c in nb["cells"] if c["metadata"]["nbgrader"]["solution"]]
        assert {m["grade_id"] for m in metas if m["solution"]} >= set(ex.functions)
        for cell in solutions:
            src = "".join(cell["source"])
            assert "### BEGIN SOLUTION" in src and "### END SOLUTION" in src
            assert cell["metadata"]["nbgrader"]["locked"] is False and cell["metadata"]["nbgrader"]["grade"] is False
        tests = [c for c in nb["cells"] if c["metadata"]["nbgrader"]["grade"]]
        assert [c["metadata"]["nbgrader"]["points"] for c in tests] == [cfg.points for cfg in ex.concepts.values()]
        assert sum(c["metadata"]["nbgrader"]["points"] for c in tests) == ex.points
        for cell, concept in zip(tests, ex.concepts):
            src = "".join(cell["source"])
            assert cell["cell_type"] == "code" and cell["metadata"]["nbgrader"]["locked"]
            assert f"concept_score({name!r}, {concept!r}" in src
            assert str(course.seed) not in src  # feedback shows test cells: no seed in them


def test_exercise_without_demo_has_none_and_markdown_escapes_formulas(course):
    text = (ROOT / "solutions" / "exercise1" / "exercise1.py").read_text()
    cells = exercise_cells(course, "exercise1", text, flavor="student")
    assert not [c for c in cells if c.role == "demo"]
    about = next(c.source for c in cells if c.source.startswith("## `conv_output_length("))
    assert "2\\*padding" in about  # `*` in a formula is not markdown emphasis


@pytest.mark.slow  # runs the `grade` command in a new process (torch imported there)
def test_grade_nbgrader_writes_the_course_dir(tmp_path, course):
    out = tmp_path / "nb"
    done = run_grade("nbgrader", "exercise1", "--out", out)
    assert done.returncode == 0, done.stderr
    config = (out / "nbgrader_config.py").read_text()
    # autograde runs no kernel (GradeInSandbox replaces Execute), so nothing points a kernel at the course
    assert "autograder.classroom.nbgrader_grade.GradeInSandbox" in config and "Execute" not in config
    assert "CONV_COURSE_ROOT" not in config and str(course.seed) not in config
    nb = json.loads((out / "source" / "exercise1" / "exercise1.ipynb").read_text())
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
    compile(config, "nbgrader_config.py", "exec")


@pytest.mark.slow  # runs the `grade` command in a new process (torch imported there)
def test_grade_nbgrader_unknown_exercise_is_one_line(tmp_path):
    done = run_grade("nbgrader", "exercise99", "--out", tmp_path / "nb")
    assert done.returncode == 2 and "exercise99" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "nb").exists()


def test_every_listed_exercise_builds_both_flavors(course, tmp_path):
    written = build_course_dir(course, tmp_path, names=_exercises_with_solutions(course))
    assert len(written) == len(_exercises_with_solutions(course)) + 1
    for path in written[:-1]:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                compile("".join(cell["source"]), str(path), "exec")


def test_rebuilding_keeps_an_instructors_own_config(tmp_path, course):
    build_course_dir(course, tmp_path, names=["exercise1"])
    config = tmp_path / "nbgrader_config.py"
    config.write_text("c = get_config()\nc.Execute.timeout = 99\n")
    written = build_course_dir(course, tmp_path, names=["exercise1"])
    assert config.read_text() == "c = get_config()\nc.Execute.timeout = 99\n" and config not in written


def test_the_heading_is_the_docstrings_title_line_whatever_the_folder_is_named():
    """A folder not named exerciseN (issue 10): its docstring's "Title — subtitle" line heads the notebook,
    not the folder's name in lower case; a first line that is not a title falls back to name — title."""
    from autograder.authoring.notebooks_build import _lesson

    assert _lesson("questions", "Numbers that are the lesson",
                   "Questions — Numbers that are the lesson.\n\nText.").source.startswith(
        "# Questions — Numbers that are the lesson\n")
    assert _lesson("exercise1", "Output size", "Exercise 1 — Output size.\n\nText.").source.startswith(
        "# Exercise 1 — Output size\n")
    assert _lesson("warmup", "Warm-up", "Some prose first.\n\nText.").source.startswith("# warmup — Warm-up\n")
