"""The real nbgrader, end to end: build -> generate_assignment -> autograde -> gradebook -> feedback.

Every concept cell's score in nbgrader's gradebook must equal what `grade` gives the same
notebook with the same (secret, salted) seed. Needs nbgrader==0.9.6 (the test extra).
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from autograder.course import load_course  # noqa: E402
from autograder.nbgrader_course import build_course_dir  # noqa: E402
from tests.conftest import ROOT  # noqa: E402

pytestmark = pytest.mark.slow
NAME = "exercise1"
SALT = "e2e-secret-salt"
CELL_TIMEOUT = 20

BUGS = {  # student -> (function, buggy cell): each a misconception the course diagnoses
    "bug_dilation": ("conv_output_length", (
        "def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):\n"
        "    if length < 1 or kernel_size < 1 or stride < 1 or padding < 0 or kernel_size > length + 2 * padding:\n"
        "        raise ValueError('bad size')\n"
        "    return (length + 2 * padding - kernel_size) // stride + 1\n")),
    "bug_pool_stride": ("pool_output_length", (
        "def pool_output_length(length, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):\n"
        "    return conv_output_length(length, kernel_size, stride or 1, padding, dilation)\n")),
    "bug_same_left": ("same_padding", (
        "def same_padding(kernel_size, dilation=1):\n"
        "    total = dilation * (kernel_size - 1)\n"
        "    return (total - total // 2, total // 2)\n")),
    "loop": ("same_padding", "def same_padding(kernel_size, dilation=1):\n    while True:\n        pass\n"),
}


def _nbgrader(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _with_cells(nb: dict, code_by_id: dict[str, str]) -> dict:
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        grade_id = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if grade_id in code_by_id:
            cell["source"] = code_by_id[grade_id]
    return nb


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    course = load_course(ROOT / "course.yml")
    root = tmp_path_factory.mktemp("nbgrader")
    build_course_dir(course, root, names=[NAME])
    # nbgrader runs `alembic` by name: it must be on PATH, beside this Python
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
           "CONV_COURSE_SALT": SALT, "CONV_COURSE_CELL_TIMEOUT": str(CELL_TIMEOUT), "CONV_COURSE_ROOT": str(ROOT)}
    env.pop("CONV_COURSE_SEED", None)
    _nbgrader(["generate_assignment", NAME, "--force"], root, env)
    source = json.loads((root / "source" / NAME / f"{NAME}.ipynb").read_text())
    release = json.loads((root / "release" / NAME / f"{NAME}.ipynb").read_text())
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    submissions = {"reference": source, "untouched": release}
    for student, (function, code) in BUGS.items():
        submissions[student] = _with_cells(release, {**solutions, function: code})
    for student, nb in submissions.items():
        folder = root / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text(json.dumps(nb))
    start = time.monotonic()
    _nbgrader(["autograde", NAME, "--force"], root, env)
    seconds = time.monotonic() - start
    _nbgrader(["generate_feedback", NAME, "--force"], root, env)
    return {"root": root, "course": course, "release": release, "seconds": seconds, "students": list(submissions)}


def _gradebook_scores(root: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(NAME, NAME, student)
        return {g.name: g.score for g in nb.grades}


def _grade_directly(course, notebook: Path, seed: int) -> dict[str, float]:
    from autograder.grading import grade_exercise
    from autograder.notebook import notebook_source
    from autograder.sandbox.runner import Sandbox, Submission

    submission = Submission(NAME, {NAME: notebook_source(notebook)}, str(notebook))
    limits = course.limits_for(NAME)
    with Sandbox(time_per_case=limits.time_per_case, time_total=limits.time_per_exercise) as sandbox:
        report = grade_exercise(course, NAME, submission, seed=seed, sandbox=sandbox, reproduce="")
    return {f"test_{c.name.replace('-', '_')}": c.score for c in report.concepts}


def test_release_has_no_solution_code(autograded):
    text = json.dumps(autograded["release"])
    assert "BEGIN SOLUTION" not in text
    assert "span = dilation * (kernel_size - 1) + 1" not in text and "ceiling division" not in text
    assert text.count("raise NotImplementedError()") == len(autograded["course"].exercise(NAME).functions)


def test_every_concept_cell_scores_what_grade_gives(autograded):
    from autograder.jupyter import grading_seed

    course, root = autograded["course"], autograded["root"]
    points = {f"test_{c.replace('-', '_')}": cfg.points for c, cfg in course.exercise(NAME).concepts.items()}
    os.environ["CONV_COURSE_SALT"] = SALT
    try:
        seed = grading_seed(course)
    finally:
        del os.environ["CONV_COURSE_SALT"]
    assert seed != course.seed
    assert _gradebook_scores(root, "reference") == points
    assert _gradebook_scores(root, "untouched") == {k: 0.0 for k in points}
    for student in ("bug_dilation", "bug_pool_stride", "bug_same_left"):
        got = _gradebook_scores(root, student)
        expected = _grade_directly(course, root / "autograded" / student / NAME / f"{NAME}.ipynb", seed)
        assert got == pytest.approx(expected, abs=1e-3), student
        assert sum(got.values()) < sum(points.values())
    assert _gradebook_scores(root, "bug_dilation")["test_dilation"] < points["test_dilation"]
    assert _gradebook_scores(root, "bug_pool_stride")["test_pooling"] < points["test_pooling"]
    assert _gradebook_scores(root, "bug_same_left")["test_same_padding"] < points["test_same_padding"]


def test_an_endless_loop_costs_the_time_limit_once_not_per_cell(autograded):
    scores = _gradebook_scores(autograded["root"], "loop")
    assert scores["test_same_padding"] == 0.0
    assert all(0.0 <= s for s in scores.values())
    # nine concept cells: a loop paid per cell would cost 9 x the cell timeout on its own
    assert autograded["seconds"] < 4 * CELL_TIMEOUT + 20 * len(autograded["students"])
    executed = json.loads((autograded["root"] / "autograded" / "loop" / NAME / f"{NAME}.ipynb").read_text())
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not [e for e in errors if e["ename"] == "CellTimeoutError"]


def test_feedback_html_shows_each_concepts_feedback(autograded):
    html = (autograded["root"] / "feedback" / "bug_same_left" / NAME / f"{NAME}.html").read_text()
    for concept in autograded["course"].exercise(NAME).concepts:
        assert f"{concept}: " in html
    assert "Smallest failing case: same_padding(" in html and "Hint: " in html
    assert "cases passed" in html
