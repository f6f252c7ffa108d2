"""The real nbgrader, end to end: build -> generate_assignment -> autograde -> gradebook -> feedback.

Autograde runs no kernel: every concept cell's score in nbgrader's gradebook comes from grading
the submitted code in the sandbox, and equals what `grade` gives the same notebook with the same
secret seed (salt, student, code). Whatever a solution cell does to a kernel changes nothing.
Needs nbgrader==0.9.6 (the test extra).
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from autograder.course import load_course  # noqa: E402
from autograder.authoring.nbgrader_course import build_course_dir  # noqa: E402
from tests.conftest import ROOT, with_cells  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("nbgrader-e2e")]  # one worker: `autograded` runs once
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
    # one cell that does not parse: nbgrader's kernel used to run the others and score 2.0 where
    # `grade` gave 0.0; the gradebook and the reproduce command now agree
    "syntax_error": ("same_padding", "def same_padding(kernel_size, dilation=1):\n    return (kernel_size - 1) //\n"),
}
# Attacks on the kernel nbgrader used to score in: each is an untouched release plus one cell.
KERNEL_ATTACKS = {
    # the test cells call concept_score: replace it, and every concept would print full marks
    "patch_concept_score": (
        "import autograder.jupyter as _j\n"
        "_j.concept_score = lambda exercise, concept, *, points: points\n"
        "import autograder.jupyter\n"
        "autograder.jupyter.concept_score = _j.concept_score\n"),
    # a solution cell that reads the instructor's reference and defines its functions from it
    "steal_solutions": (
        f"_stolen = open({str(ROOT / 'solutions' / 'exercise1' / 'exercise1.py')!r}).read()\n"
        "_ran = exec(_stolen.replace('### BEGIN SOLUTION', '').replace('### END SOLUTION', ''))\n"),
}


def _nbgrader(args: list[str], cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def autograded(tmp_path_factory):
    course = load_course(ROOT / "course.yml")
    root = tmp_path_factory.mktemp("nbgrader")
    build_course_dir(course, root, names=[NAME], course_id="conv-2026", exchange=root / "exchange")
    # nbgrader runs `alembic` by name: it must be on PATH, beside this Python
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
           "CONV_COURSE_SALT": SALT, "CONV_COURSE_CELL_TIMEOUT": str(CELL_TIMEOUT),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}  # this grader
    for name in ("CONV_COURSE_SEED", "CONV_COURSE_ROOT", "CONV_COURSE_SALT_FILE"):
        env.pop(name, None)
    generated = _nbgrader(["generate_assignment", NAME, "--force"], root, env)
    released = _nbgrader(["release_assignment", NAME, "--force"], root, env)
    source = json.loads((root / "source" / NAME / f"{NAME}.ipynb").read_text())
    release = json.loads((root / "release" / NAME / f"{NAME}.ipynb").read_text())
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    submissions = {"reference": source, "untouched": release}
    for student, (function, code) in BUGS.items():
        submissions[student] = with_cells(release, {**solutions, function: code})
    last = list(solutions)[-1]  # the last solution cell (nothing redefines what it defines): stub + attack
    stub = next(c["source"] for c in release["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == last)
    for student, attack in KERNEL_ATTACKS.items():
        submissions[student] = with_cells(release, {last: "".join(stub) + "\n\n" + attack})
    for student, nb in submissions.items():
        folder = root / "submitted" / student / NAME
        folder.mkdir(parents=True)
        (folder / f"{NAME}.ipynb").write_text(json.dumps(nb))
    start = time.monotonic()
    done = _nbgrader(["autograde", NAME, "--force"], root, env)
    seconds = time.monotonic() - start
    _nbgrader(["generate_feedback", NAME, "--force"], root, env)
    return {"root": root, "course": course, "release": release, "seconds": seconds, "students": list(submissions),
            "log": done.stdout + done.stderr,
            "setup_log": generated.stdout + generated.stderr + released.stdout + released.stderr}


def _gradebook_scores(root: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(NAME, NAME, student)
        return {g.name: g.score for g in nb.grades}


def _graded_notebook(root: Path, student: str) -> Path:
    return root / "autograded" / student / NAME / f"{NAME}.ipynb"


def _grade_cli(notebook: Path, *args: str) -> dict:
    """`grade` on the same notebook, as a command, in a fresh process."""
    done = subprocess.run([sys.executable, "-m", "autograder", NAME, "--submission", str(notebook), "--format", "json",
                           *args], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "CONV_COURSE_SALT": SALT})
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _grade_here(sandbox, notebook: Path, *args: str) -> dict:
    """The same, by the command's own code in this process, in the session's warm sandbox."""
    from tests.conftest import grade_in_process

    done = grade_in_process(sandbox, NAME, "--submission", notebook, "--format", "json", *args,
                            env={"CONV_COURSE_SALT": SALT})
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _by_cell(report: dict) -> dict[str, float]:
    return {f"test_{c['name'].replace('-', '_')}": c["score"] for c in report["concepts"]}


def test_release_has_no_solution_code(autograded):
    text = json.dumps(autograded["release"])
    assert "BEGIN SOLUTION" not in text
    assert "span = dilation * (kernel_size - 1) + 1" not in text and "ceiling division" not in text
    assert text.count("raise NotImplementedError()") == len(autograded["course"].exercise(NAME).functions)


def test_release_goes_to_the_exchange_under_the_course_id_and_nbgrader_warns_of_nothing(autograded):
    root = autograded["root"]
    assert (root / "exchange" / "conv-2026" / "outbound" / NAME / f"{NAME}.ipynb").is_file()
    warnings = [line for log in (autograded["setup_log"], autograded["log"]) for line in log.splitlines()
                if "WARNING" in line and "Creating exchange directory" not in line]  # (that one is nbgrader's news)
    assert warnings == []


def test_the_config_runs_no_kernel_and_names_no_course_root(autograded):
    config = (autograded["root"] / "nbgrader_config.py").read_text()
    assert "autograder.classroom.nbgrader_grade.GradeInSandbox" in config and "Execute" not in config
    assert "CONV_COURSE_ROOT" not in config  # no kernel needs the course: nothing points one at solutions/
    for student in autograded["students"]:  # no kernel ran: the student's cells have no outputs
        nb = json.loads(_graded_notebook(autograded["root"], student).read_text())
        ran = [c for c in nb["cells"] if c["cell_type"] == "code" and c.get("outputs")
               and not c["metadata"].get("nbgrader", {}).get("grade")]
        assert ran == [], student


def test_every_concept_cell_scores_what_grade_gives(autograded, warm_sandbox):
    from autograder.judging.notebook import notebook_source
    from autograder.seeding import bound_seed

    course, root = autograded["course"], autograded["root"]
    points = {f"test_{c.replace('-', '_')}": cfg.points for c, cfg in course.exercise(NAME).concepts.items()}
    assert _gradebook_scores(root, "reference") == points
    assert _gradebook_scores(root, "untouched") == {k: 0.0 for k in points}
    for student in ("reference", "untouched", "bug_dilation", "bug_pool_stride", "bug_same_left", "syntax_error"):
        notebook = _graded_notebook(root, student)
        seed = bound_seed(SALT, student, {NAME: notebook_source(notebook)})
        assert seed != course.seed
        got = _gradebook_scores(root, student)
        # the first student through the command in a fresh process; the others by its code in this one
        grade = _grade_cli if student == "reference" else functools.partial(_grade_here, warm_sandbox)
        by_seed = grade(notebook, "--seed", str(seed))
        by_salt = grade(notebook, "--student", student)  # the same policy derives the same seed
        assert by_seed["seed"] == by_salt["seed"] == seed, student
        assert got == pytest.approx(_by_cell(by_seed), abs=1e-3) == _by_cell(by_salt), student
        if student.startswith("bug_"):
            assert sum(got.values()) < sum(points.values())
    assert _gradebook_scores(root, "bug_dilation")["test_dilation"] < points["test_dilation"]
    assert _gradebook_scores(root, "bug_pool_stride")["test_pooling"] < points["test_pooling"]
    assert _gradebook_scores(root, "bug_same_left")["test_same_padding"] < points["test_same_padding"]
    assert _gradebook_scores(root, "syntax_error") == {k: 0.0 for k in points}  # the file does not import
    assert SALT not in autograded["log"]


def test_a_patched_kernel_or_stolen_solutions_score_nothing(autograded):
    root = autograded["root"]
    for student in KERNEL_ATTACKS:
        scores = _gradebook_scores(root, student)
        assert set(scores.values()) == {0.0}, (student, scores)
        html = (root / "feedback" / student / NAME / f"{NAME}.html").read_text()
        assert "0 / " in html and "cases passed" in html


def test_an_endless_loop_costs_the_time_limit_once_not_per_cell(autograded):
    scores = _gradebook_scores(autograded["root"], "loop")
    assert scores["test_same_padding"] == 0.0
    assert all(0.0 <= s for s in scores.values())
    # nine concept cells: a loop paid per cell would cost 9 x the exercise's budget on its own
    limit = autograded["course"].limits_for(NAME).time_per_exercise
    assert autograded["seconds"] < 2 * limit + 20 * len(autograded["students"])


def test_feedback_html_shows_each_concepts_feedback(autograded):
    html = (autograded["root"] / "feedback" / "bug_same_left" / NAME / f"{NAME}.html").read_text()
    for concept in autograded["course"].exercise(NAME).concepts:
        assert f"{concept}: " in html
    # the HTML renderer's table (check()'s), which wraps where the text box cut long lines
    assert "smallest failing case</th><td><code>same_padding(" in html and "<th>hint</th>" in html
    assert 'class="conv-report"' in html
    assert "cases passed" in html
