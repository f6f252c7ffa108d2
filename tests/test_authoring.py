"""docs/authoring.md's example, followed to the letter on a copy of the course: its files make
exercise10 (one folder and one line in course.yml, no edit of the grader), which releases, grades
the reference to full marks and the stub to zero, refuses library pooling, and passes its audit."""
from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from wrong_submissions import apply_edits

from tests.conftest import ROOT, run_grade

DOC = ROOT / "docs" / "authoring.md"
BLOCK = re.compile(r"^```\w+ (file|append)=(\S+)\n(.*?)^```$", re.M | re.S)
NAME = "exercise10"


def doc_steps() -> list[tuple[str, str, str]]:
    """(file|append, path, text) for each block of the doc that is a whole file or an addition."""
    return [m.groups() for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def authored(tmp_path_factory) -> Path:
    """The course copied (no grader: the tests' own runs it, unchanged), then the doc's steps."""
    root = tmp_path_factory.mktemp("authoring") / "course"
    root.mkdir()
    shutil.copy(ROOT / "course.yml", root / "course.yml")
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    steps = doc_steps()
    assert {(kind, path) for kind, path, _ in steps} == {
        ("file", f"solutions/{NAME}/{f}") for f in (f"{NAME}.py", "exercise.yml", "cases.py", "mutants.py",
                                                    "submissions.yml")} | {("append", "course.yml")}
    for kind, path, text in steps:
        target = root / path
        if kind == "file":
            assert not target.exists(), path  # new files only: nothing of the course is edited
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        else:
            with target.open("a", encoding="utf-8") as f:
                f.write(text)
    return root


def _json(done) -> dict:
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow  # `grade` runs, each starting torch and a sandbox
def test_one_folder_and_one_line_make_an_exercise(authored):
    course_yml = (authored / "course.yml").read_text()
    assert course_yml == (ROOT / "course.yml").read_text() + f"  - {NAME}\n"  # the one line
    assert not (ROOT / "solutions" / NAME).exists()  # the doc's example is not part of the course
    done = run_grade("release", "--course", authored / "course.yml", "--student-copy", authored.parent / "student")
    assert done.returncode == 0, done.stderr
    stub = (authored / "exercises" / f"{NAME}.py").read_text()
    assert f'raise NotImplementedError("{NAME}: moving_average")' in stub and "range(k)) / k" not in stub
    assert (authored / "exercises" / f"{NAME}.ipynb").is_file()
    # the other exercises' stubs are untouched: the release of the copy equals the committed one
    for other in (ROOT / "exercises").rglob("*"):  # the lessons' pictures too
        if other.is_file():
            mine = authored / other.relative_to(ROOT)
            assert mine.read_bytes() == other.read_bytes(), other.name
    # the student copy keeps the folder's config and cases, not its reference, mutants or wrong submissions
    kept = sorted(p.name for p in (authored.parent / "student" / "solutions" / NAME).iterdir())
    assert kept == ["cases.py", "exercise.yml"]


@pytest.mark.slow  # `grade` runs, each starting torch and a sandbox
def test_the_reference_gets_full_marks_and_the_stub_zero(authored):
    reference = authored / "solutions" / NAME / f"{NAME}.py"
    full = run_grade(NAME, "--course", authored / "course.yml", "--submission", reference, "--format", "json")
    assert full.returncode == 0, full.stderr
    report = _json(full)
    assert (report["score"], report["max_score"]) == (2.0, 2.0)
    assert {c["name"]: c["total"] for c in report["concepts"]} == {"window-mean": 4, "validation": 4}
    if not (authored / "exercises" / f"{NAME}.py").exists():  # the doc's release step (another worker may own it)
        assert run_grade("release", "--course", authored / "course.yml").returncode == 0
    stub = run_grade(NAME, "--course", authored / "course.yml", "--format", "json")  # exercises/ by default
    assert stub.returncode == 1, stub.stderr
    report = _json(stub)
    assert report["score"] == 0.0
    assert {c["status"] for c in report["concepts"]} == {"not-implemented"}


@pytest.mark.slow  # `grade` runs, each starting torch and a sandbox
def test_library_pooling_is_refused_and_the_wrong_submission_is_named(authored, tmp_path):
    reference = (authored / "solutions" / NAME / f"{NAME}.py").read_text()
    pooled = tmp_path / "pooled" / f"{NAME}.py"
    pooled.parent.mkdir()
    pooled.write_text(apply_edits(reference, [(
        "    return sum(x[i:i + n] for i in range(k)) / k\n",
        "    import torch.nn.functional as F\n\n"
        "    return F.avg_pool1d(x[None, None], k, stride=1)[0, 0]\n")], "pooled"))
    done = run_grade(NAME, "--course", authored / "course.yml", "--submission", pooled, "--format", "json")
    window = next(c for c in _json(done)["concepts"] if c["name"] == "window-mean")
    assert window["status"] == "forbidden" and window["score"] == 0.0, window
    assert "F.max_pool1d, F.max_pool2d, torch.nn.MaxPool1d or an equivalent" in window["message"]

    table = yaml.safe_load((authored / "solutions" / NAME / "submissions.yml").read_text())
    wrong = tmp_path / "wrong" / f"{NAME}.py"
    wrong.parent.mkdir()
    wrong.write_text(apply_edits(reference, [(e["old"], e["new"]) for e in table["sum-not-mean"]["edits"]], "wrong"))
    done = run_grade(NAME, "--course", authored / "course.yml", "--submission", wrong, "--format", "json")
    report = _json(done)
    assert report["score"] == 1.0  # validation kept, window-mean lost
    window = next(c for c in report["concepts"] if c["name"] == "window-mean")
    assert (window["status"], window["misconception"]) == ("failed", "sum-not-mean")


@pytest.mark.slow  # `grade` runs, each starting torch and a sandbox
def test_the_audit_names_its_one_mutant(authored):
    done = run_grade("audit", "--course", authored / "course.yml", "--exercise", NAME, "--seeds", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sum-not-mean" in done.stdout and NAME in done.stdout


def _imports(path: Path) -> set[str]:
    """Every module a file imports, relative ones with their dots (`.cases`, `..shared.mutants`)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found |= {base} if node.module else {base + a.name for a in node.names}
    return found


def test_cases_never_import_mutants_and_the_engine_never_imports_content():
    """One way only: mutants.py imports its cases' oracles; a cases.py reaches mutants through the
    engine (the student copy has none to import). The engine names no exercise module."""
    folders = [p for p in (ROOT / "solutions").iterdir() if (p / "cases.py").is_file()]
    assert len(folders) >= 2
    for folder in folders:
        assert not [m for m in _imports(folder / "cases.py") if "mutants" in m], folder
        if (folder / "mutants.py").is_file():
            assert not [m for m in _imports(folder / "mutants.py") if m.startswith("autograder.")
                        and m.split(".")[1] not in ("mutants", "cases")], folder
    for module in (ROOT / "autograder").rglob("*.py"):
        named = [m for m in _imports(module) if re.search(r"exercise\d|solutions", m)]
        assert not named, (module, named)


def test_the_example_is_not_in_the_course_and_its_files_parse():
    assert not (ROOT / "solutions" / NAME).exists()
    for kind, path, text in doc_steps():
        if path.endswith(".py"):
            ast.parse(text, path)
        else:
            yaml.safe_load(text)
