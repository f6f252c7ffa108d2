"""The `grade` command's contract (README.md's command line; tests/report.schema.json): formats, exit status,
one-line errors, reproduce."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, run_grade

pytestmark = pytest.mark.slow  # every test runs the `grade` command in a new process (torch imported there)

SCHEMA = json.loads((ROOT / "tests" / "report.schema.json").read_text())
SOLUTION = ROOT / "solutions" / "exercise1" / "exercise1.py"


@pytest.fixture(scope="module")
def full_marks_json():
    return run_grade("exercise1", "--submission", SOLUTION, "--format", "json", "--seed", "7")


def test_reference_gets_full_marks_and_exit_0(full_marks_json):
    assert full_marks_json.returncode == 0, full_marks_json.stderr
    report = json.loads(full_marks_json.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["score"] == report["max_score"] == 10
    assert report["seed"] == 7
    assert all(c["status"] == "passed" and c["misconception"] is None for c in report["concepts"])
    assert report["reproduce"] == f"grade exercise1 --submission {SOLUTION} --seed 7"


def test_stub_scores_zero_not_implemented_exit_1():
    result = run_grade("exercise1", "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    assert report["score"] == 0
    assert {c["status"] for c in report["concepts"]} == {"not-implemented"}
    assert {c["misconception"] for c in report["concepts"]} == {"not-implemented"}


def test_text_report_names_concepts_and_how_to_reproduce(tmp_path):
    wrong = tmp_path / "exercise1.py"
    wrong.write_text(SOLUTION.read_text().replace("return (padded - span) // stride + 1", "return (padded - span) // stride"))
    result = run_grade("exercise1", "--submission", wrong)
    assert result.returncode == 1
    out = result.stdout
    assert "kernel" in out and "Smallest failing case" in out
    assert "conv_output_length(" in out and "expected:" in out and "got:" in out
    assert f"Reproduce: grade exercise1 --submission {wrong} --seed" in out
    assert "Hint:" in out


def test_output_file_is_written_and_stdout_stays_empty(tmp_path):
    target = tmp_path / "report.json"
    result = run_grade("exercise1", "--submission", SOLUTION, "--format", "json", "--output", target)
    assert result.returncode == 0
    assert result.stdout == ""
    jsonschema.validate(json.loads(target.read_text()), SCHEMA)


def test_syntax_error_is_graded_as_crash_with_its_line(tmp_path):
    broken = tmp_path / "exercise1.py"
    broken.write_text("def conv_output_length(length, kernel_size):\n    return (\n\n")
    result = run_grade("exercise1", "--submission", broken, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["score"] == 0
    concept = report["concepts"][0]
    assert concept["status"] == "crash" and concept["misconception"] == "crash"
    assert "SyntaxError" in concept["message"] and "line" in concept["message"]


def test_student_prints_never_reach_stdout(tmp_path):
    noisy = tmp_path / "exercise1.py"
    noisy.write_text("print('hello from import')\n" + SOLUTION.read_text().replace(
        '    ### BEGIN SOLUTION\n    for name, value in (("length"', '    ### BEGIN SOLUTION\n    print("inside")\n    for name, value in (("length"', 1))
    result = run_grade("exercise1", "--submission", noisy, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "hello from import" not in result.stdout and "inside" not in result.stdout.split('"message"')[0]
    json.loads(result.stdout)


@pytest.mark.parametrize("args,words", [
    (["exercise42"], "unknown exercise"),
    (["exercise1", "--submission", "/no/such/file.py"], "no such file"),
    (["exercise1", "--format", "yaml"], "invalid choice"),
    (["exercise1", "--seed", "abc"], "invalid int"),
    (["exercise1", "--bogus"], "unrecognized arguments"),
])
def test_user_mistakes_get_one_line_and_exit_2(args, words):
    result = run_grade(*args)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0]
    assert "Traceback" not in result.stderr


def test_unwritable_output_is_one_line(tmp_path):
    result = run_grade("exercise1", "--submission", SOLUTION, "--output", tmp_path / "missing" / "r.json")
    assert result.returncode == 2
    assert "cannot write" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_submission_folder_laid_out_like_the_course(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "exercise1.py").write_text(SOLUTION.read_text())
    result = run_grade("exercise1", "--submission", tmp_path, "--format", "json")
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["reproduce"].endswith(f"--submission {tmp_path} --seed 20261121")


def test_whole_course_json_lists_every_exercise(course):
    result = run_grade("--format", "json", timeout=600)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    assert [e["exercise"] for e in report["exercises"]] == list(course.exercises)
    assert report["max_score"] == sum(ex.points for ex in course.exercises.values())


def test_a_linked_or_unreadable_exercise_is_a_crash_row_and_the_others_are_graded(tmp_path):
    (tmp_path / "exercise1.py").write_text(SOLUTION.read_text())
    (tmp_path / "exercise2.py").symlink_to(ROOT / "solutions" / "exercise2" / "exercise2.py")
    (tmp_path / "exercise3.ipynb").write_text('{"cells": [], "nbformat": 3}')
    result = run_grade("--submission", tmp_path, "--format", "json", timeout=600)
    assert result.returncode == 1 and result.stderr == "", result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    by_name = {e["exercise"]: e for e in report["exercises"]}
    assert by_name["exercise1"]["score"] == 10.0
    for name, why in (("exercise2", f"{tmp_path}/exercise2.py: a symbolic link; submit the file itself"),
                      ("exercise3", f"{tmp_path}/exercise3.ipynb: not a notebook of nbformat 4 (nbformat 3); "
                                    "save it with Jupyter 4 or later")):
        assert by_name[name]["score"] == 0.0 and by_name[name]["notes"] == [why]
        assert {(c["status"], c["message"]) for c in by_name[name]["concepts"]} == {("crash", why)}
    assert by_name["exercise4"]["concepts"][0]["status"] == "not-implemented"  # absent: not submitted, as before


def test_grade_on_a_linked_file_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "exercise1.py").symlink_to(SOLUTION)
    result = run_grade("exercise1", "--submission", tmp_path / "exercise1.py")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"grade: {tmp_path}/exercise1.py: a symbolic link; submit the file itself\n"


def test_seeds_a_student_sees_and_an_instructor_route_uses(tmp_path):
    """No salt: the public seed. With the salt: a secret seed per exercise from the student and the
    code; `--seed N` reproduces it for anyone. The report never holds the salt."""
    from class_submissions import small_course
    from autograder.seeding import bound_seed

    course = small_course(tmp_path / "course", time_per_exercise=20.0)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "exercise1.py").write_text(SOLUTION.read_text())
    salt = "cli-test-salt-d41d8c"
    clean = {"CONV_COURSE_SALT": "", "CONV_COURSE_SALT_FILE": ""}
    own = run_grade("--submission", tmp_path / "sub", "--course", course, "--format", "json", env=clean)
    assert own.returncode == 0 and own.stderr == ""
    assert json.loads(own.stdout)["exercises"][0]["seed"] == 20261121
    secret = run_grade("--submission", tmp_path / "sub", "--course", course, "--student", "s1", "--format", "json",
                       env={**clean, "CONV_COURSE_SALT": salt})
    assert secret.returncode == 0, secret.stderr
    report = json.loads(secret.stdout)
    seed = bound_seed(salt, "s1", {"exercise1": SOLUTION.read_text()})
    (ex,) = report["exercises"]
    assert ex["seed"] == seed and ex["reproduce"] == (
        f"grade exercise1 --submission {tmp_path / 'sub'} --course {course} --seed {seed}")
    assert salt not in secret.stdout + secret.stderr
    # the salt from a file (as Gradescope's run_autograder reads it) gives the same seed
    (tmp_path / "salt").write_text(salt + "\n")
    by_file = run_grade("exercise1", "--submission", tmp_path / "sub", "--course", course, "--student", "s1",
                        "--format", "json", env={**clean, "CONV_COURSE_SALT_FILE": str(tmp_path / "salt")})
    assert json.loads(by_file.stdout)["seed"] == seed
    missing = run_grade("exercise1", "--course", course, env={**clean, "CONV_COURSE_SALT_FILE": str(tmp_path / "no")})
    assert missing.returncode == 2 and "cannot read the salt" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
