"""Gradescope as its users expect: who sees which test and when, and reproduce lines a student can run.

The zip is built from a course copy whose course.yml and exercise.yml set visibility, unpacked into
a fake /autograder layout, and its run_autograder run with bash, as Gradescope would.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from class_submissions import exercise1_source, small_course

ROOT = Path(__file__).resolve().parent.parent
SALT = "gradescope-route-salt"


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONV_COURSE_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def _course_with_visibility(folder: Path) -> Path:
    course = small_course(folder, time_per_exercise=20.0)
    course.write_text(course.read_text() + "gradescope:\n  visibility: after_published\n  tests: visible\n")
    config = folder / "solutions" / "exercise1" / "exercise.yml"
    text = config.read_text()
    for concept, when in (("pooling", "after_due_date"), ("transpose", "hidden")):
        head = f"  {concept}:\n"
        assert head in text
        text = text.replace(head, f"{head}    visibility: {when}\n", 1)
    config.write_text(text)
    return course


def _run_autograder(tmp_path: Path, course: Path, files: dict[str, str], user: str) -> tuple[dict, str]:
    from autograder.course import load_course
    from autograder.authoring.gradescope_package import build_package

    tmp_path.mkdir(parents=True, exist_ok=True)
    os.environ.pop("CONV_COURSE_SALT_FILE", None)
    os.environ["CONV_COURSE_SALT"] = SALT
    try:
        build_package(load_course(course), tmp_path / "autograder.zip", exercise="exercise1")
    finally:
        del os.environ["CONV_COURSE_SALT"]
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
        zf.extractall(root / "source")
    for name, text in files.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": user, "email": "s@x"}]}))
    shim = tmp_path / "bin" / "grade"  # this checkout's grader, as /autograder/venv/bin/grade would be
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m autograder \"$@\"\n")
    shim.chmod(0o755)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], capture_output=True, text=True,
                          timeout=300, env=_env(AUTOGRADER_ROOT=str(root), GRADE=str(shim)))
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text()), done.stderr


@pytest.mark.slow
def test_visibility_comes_from_course_yml_and_the_summary_keeps_later_tests_secret(tmp_path):
    course = _course_with_visibility(tmp_path / "course")
    # a browser's re-upload, in a folder: still found
    results, _ = _run_autograder(tmp_path, course, {"exercise1 (1).py": exercise1_source("missing-plus-one")},
                                 "77")
    assert results["visibility"] == "after_published" and results["stdout_visibility"] == "hidden"
    shown = {t["name"].split(": ")[-1]: t["visibility"] for t in results["tests"]}
    assert shown.pop("pooling") == "after_due_date" and shown.pop("transpose") == "hidden"
    assert set(shown.values()) == {"visible"} and len(shown) == 7
    for t in results["tests"]:
        assert len(t["tags"]) == len(set(t["tags"])), t["tags"]
    tests = {t["name"].split(": ")[-1]: t for t in results["tests"]}
    now = [t for t in results["tests"] if t["visibility"] == "visible"]
    got, out_of = round(sum(t["score"] for t in now), 4), sum(t["max_score"] for t in now)
    output = results["output"]
    # the total and the later tests' scores stay out of what is shown now
    assert f"**Score on the tests shown now: {got:g} / {out_of:g}**" in output
    assert f"Score: {results['score']:g}" not in output
    assert "1 more test (1 point) will be shown after the due date." in output
    assert "1 more test (1 point) counts toward your score but is not shown." in output
    assert tests["transpose"]["max_score"] == tests["pooling"]["max_score"] == 1
    assert results["score"] == round(sum(t["score"] for t in results["tests"]), 4) < 10


@pytest.mark.slow
def test_the_reproduce_line_names_no_container_path_and_gives_the_same_score_from_the_files_folder(tmp_path):
    course = small_course(tmp_path / "course", time_per_exercise=20.0)
    source = exercise1_source("padding-once")
    results, _ = _run_autograder(tmp_path, course, {"exercise1.py": source}, "4242")
    (line,) = [ln.strip() for ln in results["output"].splitlines() if ln.strip().startswith("grade ")]
    assert line.startswith("grade exercise1 --submission . --seed ") and "autograder" not in line
    assert str(tmp_path) not in results["output"]
    # in a copy of the course (the course's grader), from the folder of the file that was submitted
    mine = tmp_path / "course" / "my-work"
    mine.mkdir()
    (mine / "exercise1.py").write_text(source)
    args = line.split()[1:]
    done = subprocess.run([sys.executable, "-m", "autograder", *args, "--format", "json"], cwd=mine,
                          capture_output=True, text=True, timeout=300, env=_env())
    assert done.returncode == 1, done.stderr
    theirs = json.loads(done.stdout)
    assert theirs["score"] == results["score"] and 0 < theirs["score"] < 10
    assert [c["score"] for c in theirs["concepts"]] == [t["score"] for t in results["tests"]]


def test_a_bad_visibility_is_one_line_naming_the_file_and_key(tmp_path):
    course = small_course(tmp_path / "course")
    course.write_text(course.read_text() + "gradescope:\n  visibility: sometimes\n")
    done = subprocess.run([sys.executable, "-m", "autograder", "gradescope-package", "--course", str(course),
                           "--out", str(tmp_path / "a.zip")], capture_output=True, text=True, timeout=120, env=_env())
    assert done.returncode == 2 and not (tmp_path / "a.zip").exists()
    line = done.stderr.strip()
    assert "\n" not in line and line.startswith(f"grade: {course}:") and "gradescope.visibility" in line, line
    config = tmp_path / "course" / "solutions" / "exercise1" / "exercise.yml"
    course.write_text(course.read_text().replace("visibility: sometimes", "visibility: hidden"))
    config.write_text(config.read_text().replace("  kernel:\n", "  kernel:\n    visibility: later\n", 1))
    done = subprocess.run([sys.executable, "-m", "autograder", "gradescope-package", "--course", str(course),
                           "--out", str(tmp_path / "a.zip")], capture_output=True, text=True, timeout=120, env=_env())
    line = done.stderr.strip()
    assert done.returncode == 2 and "\n" not in line
    assert line.startswith(f"grade: {config}:") and "concepts.kernel.visibility" in line, line


def _notebook(source: str) -> str:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("My answer"), nbformat.v4.new_code_cell(source)]
    return nbformat.writes(nb)


@pytest.mark.slow
def test_a_single_notebook_of_another_name_is_graded_and_two_are_refused_by_name(tmp_path):
    course = small_course(tmp_path / "course", time_per_exercise=20.0)
    source = exercise1_source("padding-once")
    results, _ = _run_autograder(tmp_path / "one", course, {"Lab 1 `final`.ipynb": _notebook(source)}, "5")
    assert results["output"].startswith("Graded `Lab 1 'final'.ipynb` as exercise1.ipynb (the only notebook "
                                        "submitted); to reproduce, name it exercise1.ipynb.\n\n")
    assert 0 < results["score"] < 10 and len(results["tests"]) == 9
    # the same code as exercise1.py scores the same (the seed binds the code, not the file's name)
    named, _ = _run_autograder(tmp_path / "named", course, {"exercise1.ipynb": _notebook(source)}, "5")
    assert named["score"] == results["score"] and "Graded" not in named["output"]
    two, _ = _run_autograder(tmp_path / "two", course, {"a.ipynb": _notebook(source), "b.ipynb": _notebook(source)},
                             "5")
    assert two["score"] == 0.0 and two["tests"] == []
    assert ("2 notebooks were submitted (`a.ipynb`, `b.ipynb`) and none is named exercise1.ipynb: submit one, "
            "named exercise1.ipynb.") in two["output"]
