"""One class, every route, the same score: student `grade`, `grade batch`, nbgrader autograde, the
Gradescope zip's run_autograder (in a fake /autograder layout) and the GitHub Classroom workflow's
Grade step.

Every route grades the same notebook of each student with the same secret salt and the same
student id, so each derives the same seed (salt, student, code) and must give the same score. The
class: the reference (full marks), the untouched release (0), a dilation bug (partial) and a
notebook with a cell that does not parse (0 everywhere: the file does not import).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

pytest.importorskip("nbgrader")

from class_submissions import small_course  # noqa: E402
from tests.conftest import with_cells  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("all-routes")]
ROOT = Path(__file__).resolve().parent.parent
NAME = "exercise1"
SALT = "all-routes-secret"
DILATION_BUG = ("def conv_output_length(length, kernel_size, stride=1, padding=0, dilation=1):\n"
                "    if length < 1 or kernel_size < 1 or stride < 1 or padding < 0 or kernel_size > length + 2 * padding:\n"
                "        raise ValueError('bad size')\n"
                "    return (length + 2 * padding - kernel_size) // stride + 1\n")
SYNTAX_ERROR = "def same_padding(kernel_size, dilation=1):\n    return (kernel_size - 1) //\n"


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONV_COURSE_")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")  # nbgrader runs alembic by name
    env["PYTHONPATH"] = str(ROOT)  # this checkout's grader on every route
    return {**env, **extra}


def _run(args, *, cwd=None, env=None, ok=(0,)) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env or _env(), capture_output=True, text=True, timeout=900)
    assert done.returncode in ok, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from autograder.course import load_course
    from autograder.authoring.gradescope_package import build_package
    from autograder.authoring.nbgrader_course import build_course_dir

    tmp = tmp_path_factory.mktemp("routes")
    course_file = small_course(tmp / "course", time_per_exercise=20.0)
    course = load_course(course_file)
    salted = _env(CONV_COURSE_SALT=SALT)

    # the notebooks: nbgrader's release of exercise1, filled in four ways
    nb_root = tmp / "nbgrader"
    build_course_dir(course, nb_root, names=[NAME], course_id="routes", exchange=nb_root / "exchange")
    _run([sys.executable, "-m", "nbgrader", "generate_assignment", NAME, "--force"], cwd=nb_root, env=salted)
    source = json.loads((nb_root / "source" / NAME / f"{NAME}.ipynb").read_text())
    release = json.loads((nb_root / "release" / NAME / f"{NAME}.ipynb").read_text())
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: c["source"] for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution")}
    notebooks = {"alice": source, "bob": release,
                 "carol": with_cells(release, {**solutions, "conv_output_length": DILATION_BUG}),
                 "dave": with_cells(release, {**solutions, "same_padding": SYNTAX_ERROR})}
    scores: dict[str, dict[str, float]] = {s: {} for s in notebooks}

    # nbgrader: collected into submitted/, autograded, read back from its gradebook
    for student, nb in notebooks.items():
        for folder in (nb_root / "submitted" / student / NAME, tmp / "subs" / student):
            folder.mkdir(parents=True)
            (folder / f"{NAME}.ipynb").write_text(json.dumps(nb))
    _run([sys.executable, "-m", "nbgrader", "autograde", NAME, "--force"], cwd=nb_root, env=salted)
    from nbgrader.api import Gradebook as NbGradebook

    with NbGradebook(f"sqlite:///{nb_root / 'gradebook.db'}") as gb:
        for student in notebooks:
            nb = gb.find_submission_notebook(NAME, NAME, student)
            scores[student]["nbgrader"] = round(sum(g.score for g in nb.grades), 4)

    # batch: one folder per student
    _run([sys.executable, "-m", "autograder", "batch", tmp / "subs", "--course", course_file,
          "--gradebook", tmp / "gb.db", "--jobs", "2"], env=salted)
    from autograder.classroom.gradebook import Gradebook

    with Gradebook(tmp / "gb.db", create=False) as book:
        rows = {r.student: r for r in book.results()}
    for student in notebooks:
        scores[student]["batch"] = rows[student].score
        # the student's own `grade`, with the salt and their id, and the row's reproduce line without it
        mine = json.loads(_run([sys.executable, "-m", "autograder", NAME, "--course", course_file, "--submission",
                                tmp / "subs" / student / f"{NAME}.ipynb", "--student", student, "--format", "json"],
                               env=salted, ok=(0, 1)).stdout)
        scores[student]["grade"] = mine["score"]
        again = _run([sys.executable, "-m", "autograder", *rows[student].reproduce.split()[1:], "--format", "json"],
                     ok=(0, 1))
        scores[student]["reproduce"] = json.loads(again.stdout)["score"]

    # Gradescope: the zip built with the salt, run_autograder in a fresh /autograder per submission
    os.environ["CONV_COURSE_SALT"] = SALT
    try:
        build_package(course, tmp / "autograder.zip", exercise=NAME)
    finally:
        del os.environ["CONV_COURSE_SALT"]
    shim = tmp / "bin" / "grade"
    shim.parent.mkdir()
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m autograder \"$@\"\n")
    shim.chmod(0o755)
    for student, nb in notebooks.items():
        box = tmp / "gradescope" / student
        with zipfile.ZipFile(tmp / "autograder.zip") as zf:
            zf.extractall(box / "source")
        (box / "submission").mkdir(parents=True)
        (box / "submission" / f"{NAME}.ipynb").write_text(json.dumps(nb))
        (box / "submission_metadata.json").write_text(json.dumps({"users": [{"id": student}]}))
        _run(["bash", box / "source" / "run_autograder"], env=_env(AUTOGRADER_ROOT=str(box), GRADE=str(shim)))
        scores[student]["gradescope"] = json.loads((box / "results" / "results.json").read_text())["score"]

    # GitHub Classroom: the template's Grade step, run by bash in the student's repository
    workflow = yaml.safe_load((ROOT / "autograder" / "templates" / "classroom.yml").read_text())
    step = next(s for s in workflow["jobs"]["run-autograding-tests"]["steps"] if s.get("name") == "Grade")
    for student, nb in notebooks.items():
        repo = tmp / "repos" / student
        shutil.copytree(tmp / "course", repo)
        (repo / "exercises").mkdir()
        (repo / "exercises" / f"{NAME}.ipynb").write_text(json.dumps(nb))
        done = _run(["bash", "-e", "-c", step["run"]], cwd=repo,
                    env=_env(CONV_COURSE_SALT=SALT, GITHUB_REPOSITORY=student, EXERCISE=NAME,
                             GITHUB_STEP_SUMMARY=str(tmp / f"summary-{student}.md"),
                             PATH=f"{shim.parent}:{_env()['PATH']}"))
        (points,) = re.findall(r"^::notice title=Autograding complete::Points ([0-9.]+)/10$", done.stdout, re.M)
        scores[student]["github"] = float(points)
    return scores


def test_every_route_gives_every_student_the_same_score(graded):
    print("\n" + "\n".join(f"{s}: {routes}" for s, routes in graded.items()))
    for student, routes in graded.items():
        github = routes.pop("github")  # Classroom's notice has 4 significant digits
        assert len(set(routes.values())) == 1, (student, routes)
        assert github == pytest.approx(routes["batch"], abs=5e-3), (student, github, routes)
    assert graded["alice"]["batch"] == 10.0 and graded["bob"]["batch"] == 0.0
    assert 0 < graded["carol"]["batch"] < 10
    assert graded["dave"]["batch"] == 0.0  # a cell that does not parse: the file does not import, on every route
