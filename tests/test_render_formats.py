"""CI formats: Gradescope results.json, JUnit XML, GitHub Classroom; the Gradescope zip and workflow."""
from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder.formats import render
from autograder.results import CourseReport
from class_submissions import ROOT, exercise1_source, fake_exercise_report, small_course

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
OUTPUT_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


@pytest.fixture
def report():
    return CourseReport((fake_exercise_report(1), fake_exercise_report(4, exercise="exercise2")),
                        reproduce="grade --submission subs/s1 --seed 1001")


def test_gradescope_results_follow_the_spec(report):
    data = json.loads(render(report, "gradescope"))
    assert set(data) <= {"score", "execution_time", "output", "output_format", "test_output_format",
                         "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
    assert isinstance(data["score"], float) and data["score"] == report.score
    assert isinstance(data["execution_time"], int) and data["execution_time"] >= 0
    # each exercise has its own (secret, code-bound) seed: the summary shows each, with its command
    assert isinstance(data["output"], str)
    for ex in report.exercises:
        assert f"- {ex.exercise} ({ex.title}): " in data["output"] and f", seed {ex.seed}" in data["output"]
        assert f"    {ex.reproduce}" in data["output"]
    assert data["output_format"] in OUTPUT_FORMATS and data["stdout_visibility"] in VISIBILITY
    tests = data["tests"]
    assert len(tests) == 8  # one per concept
    for t in tests:
        assert set(t) == {"name", "number", "score", "max_score", "status", "output", "output_format", "tags",
                          "visibility"}
        assert isinstance(t["name"], str) and isinstance(t["number"], str) and isinstance(t["output"], str)
        assert isinstance(t["score"], float) and isinstance(t["max_score"], float) and 0 <= t["score"] <= t["max_score"]
        assert t["status"] in ("passed", "failed") and t["output_format"] == "md" and t["visibility"] in VISIBILITY
        assert isinstance(t["tags"], list) and all(isinstance(x, str) for x in t["tags"])
    assert sum(t["max_score"] for t in tests) == report.max_score
    assert sum(t["score"] for t in tests) == pytest.approx(data["score"])
    assert [t["number"] for t in tests[:2]] == ["1.1", "1.2"] and tests[4]["number"] == "2.1"
    stride = tests[1]
    assert stride["status"] == "failed" and "missing-plus-one" in stride["tags"]
    assert "conv_output_length(length, kernel_size, stride=2)" in stride["output"]
    assert tests[0]["status"] == "passed"


def test_junit_parses_back_with_the_feedback(report):
    text = render(report, "junit")
    root = ET.fromstring(text.encode())
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["exercise1", "exercise2"]
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == ["kernel", "stride", "padding", "pooling"]
    assert cases[0].find("failure") is None and cases[0].find("error") is None
    failure = cases[1].find("failure")
    assert failure.get("type") == "missing-plus-one" and failure.get("message") == "Your size is one short."
    assert "]]>" in failure.text and "expected: 2" in failure.text
    assert cases[2].find("error") is not None  # a timeout is an error, not a failure
    assert suites[0].get("failures") == "2" and suites[0].get("errors") == "1" and suites[0].get("tests") == "4"
    # a real JUnit reader agrees
    junitparser = pytest.importorskip("junitparser")
    xml = junitparser.JUnitXml.fromstring(text)
    parsed = {(s.name, c.name): c for s in xml for c in s}
    assert len(parsed) == 8
    assert parsed[("exercise1", "kernel")].is_passed
    assert not parsed[("exercise1", "stride")].is_passed
    (res,) = parsed[("exercise1", "stride")].result
    assert isinstance(res, junitparser.Failure) and res.type == "missing-plus-one"
    (err,) = parsed[("exercise2", "padding")].result
    assert isinstance(err, junitparser.Error)


def test_github_output_is_the_classroom_notices_then_annotations_then_the_runner_result(report):
    lines = render(report, "github").splitlines()
    # GitHub Classroom records the points of the "Autograding complete" / "Autograding report" notices
    assert lines[0].startswith("::notice title=Autograding complete::Points ")
    assert lines[1].startswith("::notice title=Autograding report::")
    data = json.loads(lines[1].split("::", 2)[2])
    assert data == {"totalPoints": round(report.score, 4), "maxPoints": report.max_score}
    # both notices carry the same figure
    assert lines[0].rsplit(" ", 1)[1] == f"{data['totalPoints']:g}/{data['maxPoints']:g}"
    annotations, last = lines[2:-1], lines[-1]
    assert annotations and all(a.startswith("::error file=exercises/exercise") for a in annotations)
    stride = next(a for a in annotations if "exercise1 stride" in a)
    assert "%0A" in stride and "\n" not in stride  # multi-line text is escaped, one command per line
    assert "title=exercise1 stride%3A 0.75/1.5::" in stride
    assert last.startswith("result=")
    result = json.loads(base64.b64decode(last.removeprefix("result=")))
    assert result["version"] == 1 and result["status"] == "error" and result["max_score"] == report.max_score
    assert len(result["tests"]) == 8
    for t in result["tests"]:
        assert set(t) == {"name", "status", "score", "message", "test_code", "filename", "line_no", "duration"}
        assert t["status"] in ("pass", "fail", "error")
    assert sum(t["score"] for t in result["tests"]) == pytest.approx(report.score)


def test_github_shows_at_most_ten_annotations_of_a_kind_and_the_summary_has_every_concept():
    from autograder.formats.github import summary
    from autograder.results import ConceptReport, ExerciseReport

    lost = tuple(ConceptReport(f"c{i}", 0.5, 1.0, 4, 8, "failed", None, f"wrong | at {i}") for i in range(14))
    exercises = tuple(ExerciseReport(f"exercise{n}", "T", n, 7.0 if n == 1 else 14.0, 14.0,
                                     lost if n == 1 else tuple(ConceptReport(f"k{i}", 1.0, 1.0, 8, 8, "passed")
                                                              for i in range(14)), f"grade exercise{n} --seed 1")
                      for n in range(1, 12))
    report = CourseReport(exercises)
    lines = render(report, "github").splitlines()
    kinds = [line.split(" ", 1)[0] for line in lines if line.startswith("::")]
    assert kinds[:2] == ["::notice", "::notice"] and "Points 147/154" in lines[0]  # Classroom's first, never cut
    assert kinds.count("::notice") <= 10 and kinds.count("::error") <= 10 and kinds.count("::warning") == 1
    assert "5 more concepts lost points" in next(line for line in lines if line.startswith("::warning"))
    table = summary(report)
    assert table.startswith("## Autograding: 147 / 154 points")
    assert table.count("\n| exercise") == 1 + 11 * 14 and "wrong \\| at 13" in table  # every concept, bars escaped


def test_the_two_classroom_notices_give_the_same_points_to_four_decimals():
    from autograder.formats.github import summary
    from autograder.results import ConceptReport, ExerciseReport

    for score, max_score, shown in [(49.166666, 90.0, "49.1667/90"), (1234.5, 2000.0, "1234.5/2000"),
                                    (7.25, 10.0, "7.25/10"), (0.0, 10.0, "0/10"), (0.00004, 1.0, "0/1")]:
        ex = ExerciseReport("exercise1", "T", 1, score, max_score,
                            (ConceptReport("kernel", score, max_score, 1, 8, "failed", None, "wrong"),), "grade exercise1")
        report = CourseReport((ex,), requested="exercise1")
        lines = render(report, "github").splitlines()
        assert lines[0] == f"::notice title=Autograding complete::Points {shown}"
        assert json.loads(lines[1].split("::", 2)[2])["totalPoints"] == round(score, 4)
        assert summary(report).startswith(f"## Autograding: {shown.replace('/', ' / ')} points")


def test_github_passes_when_every_concept_passes():
    from autograder.results import ConceptReport, ExerciseReport

    ex = ExerciseReport("exercise1", "Output size", 1, 2.0, 2.0,
                        (ConceptReport("kernel", 1.0, 1.0, 8, 8, "passed"), ConceptReport("stride", 1.0, 1.0, 8, 8, "passed")),
                        "grade exercise1 --seed 1")
    lines = render(CourseReport((ex,), requested="exercise1"), "github").splitlines()
    assert lines[0] == "::notice title=Autograding complete::Points 2/2"
    assert lines[2].startswith("::notice file=") and len(lines) == 4
    result = json.loads(base64.b64decode(lines[3].removeprefix("result=")))
    assert result["status"] == "pass" and {t["status"] for t in result["tests"]} == {"pass"}


def test_the_classroom_workflow_passes_actionlint():
    import shutil

    actionlint = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
    done = subprocess.run([actionlint, "-no-color", str(ROOT / "autograder" / "templates" / "classroom.yml")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_the_classroom_grade_step_is_green_when_points_are_lost_and_sends_our_score(tmp_path):
    workflow = yaml.safe_load((ROOT / "autograder" / "templates" / "classroom.yml").read_text())
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade_step = next(s for s in steps if s.get("name") == "Grade")
    assert not any("autograding-grading-reporter" in s.get("uses", "") for s in steps)  # its table counts tests
    install = next(s for s in steps if s.get("name") == "Install the course")["run"]
    assert "apt-get update" in install.split("apt-get install")[0]
    # the seed is secret and bound to the repository: the salt from an organization secret, the student
    assert grade_step["env"]["CONV_COURSE_SALT"] == "${{ secrets.CONV_COURSE_SALT }}"
    assert '--student "$GITHUB_REPOSITORY"' in grade_step["run"]
    # run the step's script as Actions would, on a student repository with a buggy exercise1
    course = small_course(tmp_path / "repo")
    (tmp_path / "repo" / "exercises").mkdir()
    (tmp_path / "repo" / "exercises" / "exercise1.py").write_text(exercise1_source("missing-plus-one"))
    summary_file = tmp_path / "step_summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary_file), "CONV_COURSE_ROOT": str(course.parent),
           "GITHUB_REPOSITORY": "course-org/conv-alice", "CONV_COURSE_SALT": "classroom-salt",
           "EXERCISE": workflow["env"]["EXERCISE"], "PATH": f"{_grade_shim(tmp_path).parent}:{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", grade_step["run"]], cwd=course.parent, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr  # points lost: still a grade, the run is green
    assert "::error file=exercises/exercise1.py,title=exercise1 kernel" in done.stdout
    # the points Classroom records are the score `grade` gives the same student
    same = subprocess.run([str(_grade_shim(tmp_path)), "exercise1", "--format", "json", "--student",
                           "course-org/conv-alice"], cwd=course.parent, env=env, capture_output=True, text=True,
                          timeout=300)
    ours = json.loads(same.stdout)
    assert 0 < ours["score"] < 10
    (points,) = [line.rsplit(" ", 1)[1] for line in done.stdout.splitlines()
                 if line.startswith("::notice title=Autograding complete::")]
    assert points == f"{round(ours['score'], 4):g}/10"
    assert "| exercise1 | kernel |" in summary_file.read_text()
    # a grader that cannot run is the one red run
    broken = subprocess.run(["bash", "-e", "-c", grade_step["run"]], cwd=course.parent,
                            env={**env, "EXERCISE": "exercise99"}, capture_output=True, text=True, timeout=300)
    assert broken.returncode == 2


@pytest.mark.slow
def test_the_gradescope_zip_grades_a_submission_like_gradescope_would(tmp_path):
    from autograder.course import load_course
    from autograder.authoring.gradescope_package import build_package

    course = load_course(small_course(tmp_path / "course"))
    names = build_package(course, tmp_path / "autograder.zip", exercise="exercise1")
    assert names[:2] == ["setup.sh", "run_autograder"]
    assert "course/pyproject.toml" in names and "course/course.yml" in names and "course/autograder/cli.py" in names
    assert not any("__pycache__" in n for n in names)
    # of the exercise's folder, the grader's part: config, cases, mutants; never the reference
    assert sorted(n for n in names if "solutions/" in n) == [
        f"course/solutions/exercise1/{f}" for f in ("cases.py", "exercise.yml", "mutants.py")] + [
        f"course/solutions/shared/{f}" for f in ("cases.py", "mutants.py")]  # shared/: its grader parts too
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
        assert (zf.getinfo("run_autograder").external_attr >> 16) & 0o111
        zf.extractall(root / "source")
    setup = (root / "source" / "setup.sh").read_text()
    assert "torch==2.13.0" in setup and "/autograder/source/course" in setup
    (root / "submission").mkdir()
    (root / "submission" / "exercise1.py").write_text(exercise1_source("padding-once"))
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "GRADE": str(_grade_shim(tmp_path))}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert 0 < results["score"] < 10 and len(results["tests"]) == 9
    assert any("padding-once" in t["tags"] for t in results["tests"])
    assert (root / "submission" / "exercise1.py").read_text() == exercise1_source("padding-once")
    # a submission the grader cannot read still yields results.json, with the reason
    (root / "submission" / "exercise1.py").unlink()
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)
    results = json.loads((root / "results" / "results.json").read_text())
    assert done.returncode == 0 and results["score"] == 0.0 and "has no exercise1.py" in results["output"]


# -- student text made safe (autograder.formats.safe_text), for every format ----------------------------

def test_unsafe_characters_are_shown_as_escapes_and_the_rest_is_kept():
    from autograder.formats.safe_text import safe_text

    hostile = "a\x1b[2Jb\rc\x08d\u202ee\ud800f\x9bg\x00h\x7fi\u2066j\ufffek\u2028l"
    assert safe_text(hostile) == ("a\\x1b[2Jb\\rc\\x08d\\u202ee\ufffdf\\x9bg\\x00h\\x7fi\\u2066j\\ufffek"
                                  "\\u2028l")
    kept = "line 1\n\tline 2 é 中 😀 \\x1b as typed\r\n"
    assert safe_text(kept) == kept.replace("\r\n", "\n")  # a Windows line end is a line end


def test_safe_text_is_capped_and_idempotent():
    from autograder.formats.safe_text import CUT, safe_text

    once = safe_text("\x1b" * 50_000, cap=1000)
    assert len(once) == 1000 and once.endswith(CUT) and once.startswith("\\x1b\\x1b")
    assert safe_text(once, cap=1000) == once
    assert safe_text(safe_text("x\ud800\x1b\r")) == safe_text("x\ud800\x1b\r")


def test_safe_values_keep_numbers_and_mark_nesting_too_deep_to_show():
    from autograder.formats.safe_text import safe_value

    deep: list = []
    for _ in range(5000):
        deep = [deep]
    shown = safe_value({"got": deep, "n": [1, 2.5, None, True, "\x1b"]})
    assert shown["n"] == [1, 2.5, None, True, "\\x1b"]
    inner = shown["got"]
    for _ in range(62):  # the dict is level 0, the list under "got" level 1
        inner = inner[0]
    assert inner == ["<nested too deeply to show>"]


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "gradescope", "github", "html"])
def test_every_format_renders_surrogates_and_escapes_as_valid_text(fmt):
    from dataclasses import replace

    from autograder.results import Example

    ex = fake_exercise_report(1)
    hostile = "raised ValueError: \ud800 \x1b[2J\x1b[H10 / 10\r\u202e"
    concepts = tuple(replace(c, message=hostile, output=hostile,
                             example=Example("f(x)", {"x": [1]}, [1], hostile)) for c in ex.concepts)
    out = render(CourseReport((replace(ex, concepts=concepts, notes=(hostile,),
                                       reproduce="grade --submission s\udcff"),)), fmt)
    out.encode("utf-8")  # strict: no lone surrogate left
    assert not any(ch in out for ch in "\x1b\r\u202e"), fmt
    assert "\\x1b[2J\\x1b[H10 / 10\\r\\u202e" in out.replace("\\\\", "\\") or fmt == "github", fmt
    if fmt in ("json", "gradescope"):
        json.loads(out)
    if fmt == "junit":
        ET.fromstring(out.encode("utf-8"))
    if fmt == "github":
        json.loads(base64.b64decode(out.strip().splitlines()[-1].removeprefix("result=")))


def _grade_shim(tmp_path) -> Path:
    """A `grade` command running this checkout's grader (the installed script may be another's)."""
    shim = tmp_path / "bin" / "grade"
    shim.parent.mkdir(exist_ok=True)
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m autograder \"$@\"\n")
    shim.chmod(0o755)
    return shim


def test_the_report_status_words_are_the_json_contracts():
    from autograder.pipeline import STATUS_ORDER, Status

    schema = json.loads((ROOT / "tests" / "report.schema.json").read_text())
    assert list(STATUS_ORDER) == ["not-implemented", "forbidden", "timeout", "crash", "failed", "passed"]
    assert set(STATUS_ORDER) == set(schema["$defs"]["concept"]["properties"]["status"]["enum"])
    # a member is its string, byte for byte, wherever a report is written
    assert json.dumps({"status": Status.NOT_IMPLEMENTED}) == '{"status": "not-implemented"}'


def test_a_forbidden_concept_is_not_presented_as_a_misconception():
    from autograder.results import ConceptReport, ExerciseReport

    refused = ConceptReport("kernel", 0.0, 1.0, 0, 8, "forbidden", "forbidden-call",
                            "torch.nn.functional.conv1d is not allowed in this exercise")
    mistaken = ConceptReport("stride", 0.0, 1.0, 0, 8, "failed", "missing-plus-one", "one short")
    report = CourseReport((ExerciseReport("exercise2", "Conv", 1, 0.0, 2.0, (refused, mistaken), "grade"),))
    tests = json.loads(render(report, "gradescope"))["tests"]
    assert "Looks like" not in tests[0]["output"] and "(forbidden)" in tests[0]["output"]
    assert "Looks like: `missing-plus-one`" in tests[1]["output"]
