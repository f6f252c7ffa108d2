"""Hidden cases on every route, and packages that give nothing away (issue 11, items 4 and 5).

The attacks, as a determined student would try them:
- a lookup table of answers for course.yml's public seed, built with the student copy's grader;
- a lookup table for the seed shown in their own last report (Gradescope, a batch row);
- reading the solutions, the mutants or the salt out of what they are handed (the student copy,
  the Gradescope zip's reports).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, grade_in_process, run_grade

SALT = "hostile-routes-salt-7f3a9c"
NAME = "exercise1"


def _clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CONV_COURSE_SALT", "CONV_COURSE_SALT_FILE", "CONV_COURSE_SEED")}
    return {**env, **extra}


def _grade(*args, salt: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = _clean_env(**({"CONV_COURSE_SALT": salt} if salt else {}))
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def _grade_here(sandbox, *args, salt: str | None = None) -> subprocess.CompletedProcess:
    """The same by the command's own code in this process (conftest.grade_in_process), in the session's
    warm sandbox: for grades whose subject is the seed, not a warning printed once per process."""
    env = {"CONV_COURSE_SALT": salt, "CONV_COURSE_SALT_FILE": None, "CONV_COURSE_SEED": None}
    return grade_in_process(sandbox, *args, env=env)


def lookup_table(seed: int) -> str:
    """exercise1 as a table of torch's answers for the cases of `seed`: no formula anywhere."""
    from autograder.cases import registry
    from autograder.cases.space import Invalid
    from autograder.course import load_course
    from autograder.judging.grading import plan

    course = load_course(ROOT / "course.yml")
    spec = registry.spec(NAME)
    table = {}
    for cases in plan(course, NAME, seed).values():
        for case in cases:
            expected = spec.expected(case)
            key = repr((case.call.function, case.call.args, sorted(case.call.kwargs.items())))
            table[key] = "raise" if isinstance(expected, Invalid) else expected
    functions = course.exercise(NAME).functions
    lines = [f"TABLE = {table!r}", "",
             "def _look(name, *args, **kwargs):",
             "    value = TABLE.get(repr((name, args, sorted(kwargs.items()))), 'missing')",
             "    if value == 'raise':",
             "        raise ValueError('invalid')",
             "    return -1 if value == 'missing' else value", ""]
    for fn in functions:
        lines += [f"def {fn}(*args, **kwargs):", f"    return _look({fn!r}, *args, **kwargs)", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def course():
    from autograder.course import load_course

    return load_course(ROOT / "course.yml")


def test_a_table_for_the_public_seed_only_fools_the_students_own_grade(tmp_path, course, warm_sandbox):
    table = tmp_path / "exercise1.py"
    table.write_text(lookup_table(course.seed))
    # the student's own `grade` (no salt): the public seed, and the table is right for it
    own = _grade_here(warm_sandbox, NAME, "--submission", table, "--format", "json")
    assert own.returncode == 0, own.stderr
    assert json.loads(own.stdout)["score"] == 10.0 and json.loads(own.stdout)["seed"] == course.seed
    # Gradescope / GitHub (salt set, a student id): a secret seed, so the table answers nothing asked
    for fmt in ("gradescope", "github"):
        out = tmp_path / f"report.{fmt}"
        done = _grade_here(warm_sandbox, NAME, "--submission", table, "--student", "s1", "--format", fmt,
                           "--output", out, salt=SALT)
        assert done.returncode == 1, done.stderr
        assert SALT not in out.read_text() and SALT not in done.stderr
    results = json.loads((tmp_path / "report.gradescope").read_text())
    assert results["score"] < 5.0, results["score"]
    # the same routes with no salt still bind the seed to the code (and warn once: a process of its own)
    done = _grade(NAME, "--submission", table, "--student", "s1", "--format", "gradescope")
    assert done.returncode == 1
    assert done.stderr.count("warning: no $CONV_COURSE_SALT") == 1
    assert json.loads(done.stdout)["score"] < 5.0


def test_a_table_for_the_seed_of_the_last_report_changes_the_seed(tmp_path, course, warm_sandbox):
    """In this process by the command's own code (_grade_here): the seeds and reproduce lines are the subject."""

    def grade(*args, salt=None):
        return _grade_here(warm_sandbox, *args, salt=salt)

    first = tmp_path / "first" / "exercise1.py"
    first.parent.mkdir()
    first.write_text((ROOT / "exercises" / "exercise1.py").read_text())
    shown = json.loads(grade(NAME, "--submission", first, "--student", "s1", "--format", "json", salt=SALT).stdout)
    assert shown["seed"] != course.seed and shown["score"] == 0.0
    assert shown["reproduce"] == f"grade {NAME} --submission {first} --seed {shown['seed']}"
    # the reproduce line needs no salt: anyone holding the submission gets the same report
    again = json.loads(grade(*shown["reproduce"].split()[1:], "--format", "json").stdout)
    assert again == shown
    second = tmp_path / "second" / "exercise1.py"
    second.parent.mkdir()
    second.write_text(lookup_table(shown["seed"]))
    right = json.loads(grade(NAME, "--submission", second, "--seed", shown["seed"], "--format", "json").stdout)
    assert right["score"] == 10.0  # the table is right for the seed it was built for...
    graded = json.loads(grade(NAME, "--submission", second, "--student", "s1", "--format", "json", salt=SALT).stdout)
    assert graded["seed"] != shown["seed"] and graded["score"] < 5.0  # ...which is not the seed it gets
    other = json.loads(grade(NAME, "--submission", second, "--student", "s2", "--format", "json", salt=SALT).stdout)
    assert other["seed"] != graded["seed"]  # the student id is part of it too


@pytest.mark.slow  # a batch: its workers each start torch
def test_a_batch_hides_cases_and_its_rows_reproduce(tmp_path, course, warm_sandbox):
    from class_submissions import exercise1_source, small_course

    small = small_course(tmp_path / "course", time_per_exercise=20.0)
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "alice" / "exercise1.py").write_text(exercise1_source("correct"))
    (subs / "mallory").mkdir()
    (subs / "mallory" / "exercise1.py").write_text(lookup_table(course.seed))
    book = tmp_path / "gb.db"
    done = _grade("batch", subs, "--course", small, "--gradebook", book, "--jobs", 1, salt=SALT)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    db = sqlite3.connect(book)
    rows = {s: (seed, score, reproduce) for s, seed, score, reproduce in
            db.execute("SELECT student, seed, score, reproduce FROM results")}
    dump = "\n".join(db.iterdump())
    db.close()
    assert SALT not in dump
    assert rows["alice"][1] == 10.0 and rows["mallory"][1] < 5.0
    assert len({rows["alice"][0], rows["mallory"][0], course.seed}) == 3
    # a row's command reproduces it for anyone; `--student` with the salt derives the same seed
    seed, score, reproduce = rows["mallory"]
    # (by the command's code in this process: the batch above is the command's own)
    again = json.loads(_grade_here(warm_sandbox, *reproduce.split()[1:], "--format", "json").stdout)
    assert (again["seed"], again["score"]) == (seed, score)
    derived = json.loads(_grade_here(warm_sandbox, NAME, "--submission", subs / "mallory", "--course", small,
                                     "--student", "mallory", "--format", "json", salt=SALT).stdout)
    assert derived["seed"] == seed
    # with no salt: a warning, once
    nosalt = _grade("batch", subs, "--course", small, "--gradebook", tmp_path / "gb2.db", "--jobs", 1)
    assert nosalt.returncode == 0 and nosalt.stderr.count("warning: no $CONV_COURSE_SALT") == 1


# -- what students are handed ----------------------------------------------------------------------

def _block_lines(text: str) -> list[str]:
    out, inside = [], False
    for line in text.splitlines():
        if "### BEGIN SOLUTION" in line:
            inside = True
        elif "### END SOLUTION" in line:
            inside = False
        elif inside:
            out.append(line)
    return out


# Lines of a solution block that the course teaches in the open, each found in the grader's torch
# oracles, which the student copy must ship to grade locally: the dilated span and "'same' pads
# d(K-1)" (course.yml's hints), the Sobel kernel and magnitude (exercise4's docstring), and guards.
TAUGHT = {"span = d * (k - 1) + 1", "[-1.0, 0.0, 1.0]], dtype=torch.float64)", "return torch.sqrt(gx ** 2 + gy ** 2)",
          "x = image.to(torch.float64)[None, None]", "if bias is not None:", "if mode not in MODES:",
          "c_out, c_in, k = weight.shape", "stride = kernel_size"}


def secret_lines(root: Path) -> dict[str, set[str]]:
    """'solution' and 'mutant' -> the non-trivial lines a student must never be handed: each line of a
    BEGIN/END SOLUTION block, and each line of the mutants, that the public stubs do not contain
    (nor, for a mutant, the torch oracles it reuses, e.g. F.pad: the grader ships those to grade)."""
    public = "\n".join(p.read_text() for p in (root / "exercises").iterdir() if p.is_file())
    oracles = "\n".join(p.read_text() for p in [*(root / "autograder" / "cases").glob("*.py"),
                                                  *(root / "solutions").glob("*/cases.py")])

    def keep(line: str) -> bool:
        line = line.split("  #")[0].strip()
        return len(line) >= 20 and not line.startswith(("#", '"""')) and line not in public and line not in TAUGHT

    references = [p for p in (root / "solutions").glob("*/*.py") if p.stem == p.parent.name]  # exerciseN/exerciseN.py
    assert references
    solution = {ln.split("  #")[0].strip() for p in references
                for ln in _block_lines(p.read_text()) if keep(ln)}
    mutant = {ln.split("  #")[0].strip() for p in (root / "solutions").glob("*/mutants.py")
              for ln in p.read_text().splitlines()
              if keep(ln) and not ln.strip().startswith(("from ", "import ", "@")) and ln.strip() not in oracles}
    # (a decorator line names the engine's helpers, autograder/mutants/base.py, which the copy ships)
    return {"solution": solution, "mutant": mutant}


def found(files: dict[str, bytes], lines: set[str]) -> list[tuple[str, str]]:
    hits = []
    for name, data in files.items():
        text = data.decode("utf-8", "replace")
        hits += [(name, line) for line in lines if line in text]
    return hits


@pytest.fixture(scope="module")
def instructor_course(tmp_path_factory):
    """A copy of the course as an instructor's folder really looks: a venv, a built nbgrader course
    with full solutions, a gradebook, out/, caches, wrong submissions quoting solution lines."""
    from autograder.course import load_course
    from autograder.authoring.nbgrader_course import build_course_dir

    root = tmp_path_factory.mktemp("instructor") / "course"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(".git", ".venv", "out", "__pycache__", ".pytest_cache", "*.db"))
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / ".venv" / "lib" / "site.py").write_text((ROOT / "solutions" / "exercise3" / "exercise3.py").read_text())
    (root / "out").mkdir()
    (root / "out" / "report.txt").write_text((ROOT / "solutions" / "exercise9" / "exercise9.py").read_text())
    (root / "gradebook.db").write_bytes((ROOT / "solutions" / "exercise2" / "exercise2.py").read_bytes())
    (root / "autograder" / "__pycache__").mkdir()
    (root / "autograder" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0" + (ROOT / "solutions" / "exercise4" / "exercise4.py").read_bytes())
    course = load_course(root / "course.yml")
    build_course_dir(course, root / "nbgrader")
    assert (root / "solutions" / "exercise1" / "submissions.yml").is_file() and (root / "nbgrader" / "source" / "exercise1").is_dir()
    return course


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_student_copy_holds_no_solution_no_mutant_and_still_grades(tmp_path, instructor_course):
    from autograder.authoring.release import release

    secrets = secret_lines(ROOT)
    assert len(secrets["solution"]) > 100 and len(secrets["mutant"]) > 200  # the search has something to find
    dest = tmp_path / "student"
    release(instructor_course, student_copy=dest)
    files = _tree(dest)
    assert found(files, secrets["solution"]) == []
    assert found(files, secrets["mutant"]) == []
    tops = {name.split("/")[0] for name in files}
    assert tops == {"README.md", "course.yml", "pyproject.toml", ".gitignore", "exercises", "docs", "autograder",
                    "solutions"}
    # of each exercise folder, what the student's own grade reads (its config, its torch oracles), nothing else
    folders = {p.parent.name for p in (ROOT / "solutions").glob("*/cases.py")}
    assert sorted(n for n in files if n.startswith("solutions/")) == sorted(
        f"solutions/{d}/{f}" for d in folders for f in ("cases.py", "exercise.yml") if (ROOT / "solutions" / d / f).is_file())
    assert set(instructor_course.exercises) <= folders
    assert not [n for n in files if n.endswith((".db", ".pyc")) or "__pycache__" in n]
    assert sorted(n for n in files if n.startswith("autograder/mutants/")) == [
        "autograder/mutants/__init__.py", "autograder/mutants/base.py"]
    # the student's grader still grades: the stub 0, the reference full marks, a mistake loses points
    from class_submissions import exercise1_source

    env = {"CONV_COURSE_ROOT": str(dest)}
    stub = run_grade(NAME, "--format", "json", cwd=dest, env=env)
    assert stub.returncode == 1 and json.loads(stub.stdout)["score"] == 0.0, stub.stderr
    for kind, code in (("correct", 0), ("missing-plus-one", 1)):
        sub = tmp_path / kind / "exercise1.py"
        sub.parent.mkdir()
        sub.write_text(exercise1_source(kind))
        done = run_grade(NAME, "--submission", sub, "--format", "json", cwd=dest, env=env)
        assert done.returncode == code, done.stderr
        report = json.loads(done.stdout)
        if kind == "correct":
            assert report["score"] == 10.0
        else:  # no mutants here: the mistake costs points, named by no misconception from the mutants
            assert 0 < report["score"] < 10
            kernel = next(c for c in report["concepts"] if c["name"] == "kernel")
            assert kernel["status"] == "failed" and kernel["misconception"] is None and kernel["message"]


def test_the_gradescope_zip_holds_no_solution_and_carries_the_salt(tmp_path, instructor_course, monkeypatch, capsys):
    from autograder.authoring.gradescope_package import build_package

    monkeypatch.delenv("CONV_COURSE_SALT_FILE", raising=False)
    monkeypatch.setenv("CONV_COURSE_SALT", SALT)
    build_package(instructor_course, tmp_path / "autograder.zip")
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist()}
        salt_mode = (zf.getinfo("salt").external_attr >> 16) & 0o777
    assert files["salt"].decode().strip() == SALT and salt_mode == 0o600
    assert not [n for n in files if n.split("/")[1:2] in (["tests"], ["nbgrader"], [".venv"], ["out"])]
    # of each exercise folder, the grader's part only: never the reference nor the wrong submissions
    assert {n.split("/")[-1] for n in files if n.startswith("course/solutions/")} == {"exercise.yml", "cases.py",
                                                                                     "mutants.py"}
    assert not [n for n in files if n.endswith((".db", ".pyc")) or "__pycache__" in n]
    # the zip is the instructor's (Gradescope never shows it): its grader keeps the mutants, which are
    # near-copies of the reference (so the sandbox must hide them: /autograder/source and the installed
    # package); no other file in it holds a line of the solutions
    mutants = {n: d for n, d in files.items() if n.startswith("course/solutions/") and n.endswith("/mutants.py")}
    assert "course/solutions/exercise9/mutants.py" in mutants
    assert found(mutants, secret_lines(ROOT)["solution"]) != []  # why they must stay out of students' reach
    rest = {n: d for n, d in files.items() if n not in mutants}
    assert found(rest, secret_lines(ROOT)["solution"]) == []
    assert capsys.readouterr().err == ""
    # no salt set: a new random one, said on stderr (never the same twice)
    monkeypatch.delenv("CONV_COURSE_SALT")
    build_package(instructor_course, tmp_path / "a.zip")
    build_package(instructor_course, tmp_path / "b.zip")
    salts = {zipfile.ZipFile(tmp_path / z).read("salt").decode().strip() for z in ("a.zip", "b.zip")}
    assert len(salts) == 2 and all(len(s) == 64 for s in salts)
    assert capsys.readouterr().err.count("carries a new random salt") == 2


@pytest.mark.slow
def test_gradescope_grades_a_public_seed_table_on_its_secret_seed(tmp_path, course, monkeypatch):
    from autograder.authoring.gradescope_package import build_package
    from class_submissions import small_course

    monkeypatch.setenv("CONV_COURSE_SALT", SALT)
    small = load_small(small_course(tmp_path / "course", time_per_exercise=20.0))
    build_package(small, tmp_path / "autograder.zip", exercise=NAME)
    root = tmp_path / "autograder"
    with zipfile.ZipFile(tmp_path / "autograder.zip") as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "exercise1.py").write_text(lookup_table(course.seed))
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 4242, "email": "m@x"}]}))
    shim = tmp_path / "grade"  # the worktree's grader, as /autograder/venv/bin/grade would be
    shim.write_text(f"#!/bin/sh\nPYTHONPATH={ROOT} exec {sys.executable} -m autograder \"$@\"\n")
    shim.chmod(0o755)
    env = {**_clean_env(), "AUTOGRADER_ROOT": str(root), "GRADE": str(shim)}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = (root / "results" / "results.json").read_text()
    results = json.loads(text)
    assert results["score"] < 5.0 and SALT not in text and SALT not in done.stderr
    assert "warning" not in done.stderr  # the salt came from the zip's file
    from autograder.judging.notebook import notebook_source  # noqa: F401 (the grader's own modules load)
    from autograder.seeding import bound_seed

    seed = bound_seed(SALT, "4242", {"exercise1": lookup_table(course.seed)})
    assert f", seed {seed}" in results["output"] and f"--seed {seed}" in results["output"]


def load_small(path: Path):
    from autograder.course import load_course

    return load_course(path)


# -- nbgrader: what its gradebook will record from the cells GradeInSandbox fills --------------------

def test_nbgrader_records_the_graders_scores_and_zero_for_a_cell_it_does_not_know():
    pytest.importorskip("nbgrader")
    from nbformat.v4 import new_code_cell, new_notebook
    from nbgrader.utils import determine_grade

    from autograder.classroom.nbgrader_grade import _fill, autograde_preprocessors
    from autograder.results import ConceptReport

    def test_cell(grade_id, points):
        cell = new_code_cell("concept_score(...)")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id, "points": points,
                                     "locked": True, "schema_version": 3, "task": False}
        cell.outputs = []
        return cell

    nb = new_notebook(cells=[test_cell("test_kernel", 1.0), test_cell("test_stride", 1.5), test_cell("mine", 2.0)])
    concepts = {"test_kernel": ConceptReport("kernel", 1.0, 1.0, 8, 8, "passed"),
                "test_stride": ConceptReport("stride", 0.5625, 1.5, 3, 8, "failed", message="one short")}
    _fill(nb, concepts, "not graded")
    assert [determine_grade(c) for c in nb.cells] == [(1.0, 1.0), (0.5625, 1.5), (0, 2.0)]
    shown = " ".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in nb.cells[1].outputs)
    assert "stride: 0.5625 / 1.5 points, 3/8 cases passed (failed)" in shown  # the cell's text (beside its HTML)
    # the pipeline: the grader's step before nbgrader saves the grades, and no kernel executes anything
    steps = autograde_preprocessors()
    assert steps.index("autograder.classroom.nbgrader_grade.GradeInSandbox") < steps.index("nbgrader.preprocessors.SaveAutoGrades")
    assert not [s for s in steps if "Execute" in s]
