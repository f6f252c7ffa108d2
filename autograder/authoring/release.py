"""solutions/<name>/ is the one source: strip the solutions to make the student's exercises/."""
from __future__ import annotations

import shutil
from pathlib import Path

from autograder.content import STUDENT_NEEDS
from autograder.course import Course, CourseError, Exercise
from autograder.authoring.stubs import solution_text, strip_solutions


def stub_sources(course: Course) -> dict[str, str]:
    """exercises/<file> text for every exercise, from solutions/."""
    stubs = {}
    for name, ex in course.exercises.items():
        path = course.solution_path(name)
        text = solution_text(course, ex)
        try:
            stubs[ex.file] = strip_solutions(text, exercise=name)
        except CourseError as e:
            raise CourseError(f"{path}:{str(e).removeprefix('line ')}") from None
    return stubs


def release(course: Course, *, student_copy: Path | None = None) -> list[Path]:
    """Write exercises/ from solutions/; with student_copy, also the course without its solutions there."""
    written = []
    stubs = stub_sources(course)
    from autograder.authoring.notebooks_build import student_notebooks  # the same exercises as notebooks

    stubs.update(student_notebooks(course))
    course.exercises_dir.mkdir(exist_ok=True)
    for file, text in stubs.items():
        target = course.exercises_dir / file
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            _write_atomic(target, text.encode("utf-8"))
        written.append(target)
    for file, data in lesson_pictures(course).items():  # the lessons' pictures, for the .py's readers
        target = course.exercises_dir / "pictures" / file
        target.parent.mkdir(exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            _write_atomic(target, data)
        written.append(target)
    if student_copy is not None:
        written.append(_student_copy(course, Path(student_copy)))
    return written


# What a student gets, and nothing else (an allowlist: a new folder of the instructor's, a built
# nbgrader/ with full solutions, wrong submissions quoting solution lines, a .venv, a gradebook
# or out/ never leak by being forgotten in a list of exclusions).
STUDENT_FILES = ("README.md", "course.yml", "pyproject.toml", "LICENSE", ".gitignore")
STUDENT_FOLDERS = ("exercises", "docs", "autograder")
# of each folder solutions/<name>/ (an exercise's or shared content's), only what the student's own
# `grade` reads: exercise.yml and cases.py (torch oracles); never the reference, the mutants or the
# wrong submissions
STUDENT_CONTENT = STUDENT_NEEDS
# autograder/mutants/ is machinery only; should an exercise's mutants (near-copies of its reference,
# one flag away from it) land there, the student's grader still gets none of them.
MUTANT_MACHINERY = ("__init__.py", "base.py")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}


def student_files(course: Course) -> dict[str, Path]:
    """Relative path in the student copy -> file in the course: what `--student-copy` writes."""
    root = course.root.resolve()
    files = {name: root / name for name in STUDENT_FILES if _regular(root / name)}
    for folder in STUDENT_FOLDERS:
        base = root / folder
        if not base.is_dir() or base.is_symlink():
            continue
        for path in sorted(base.rglob("*")):
            rel = path.relative_to(root)
            if not _regular(path) or SKIPPED_PARTS.intersection(rel.parts) or path.suffix in (".pyc", ".db"):
                continue
            if rel.parts[:2] == ("autograder", "mutants") and rel.name not in MUTANT_MACHINERY:
                continue
            files[rel.as_posix()] = path
    files.update(content_files(course, STUDENT_CONTENT))
    return files


def content_files(course: Course, names: tuple[str, ...]) -> dict[str, Path]:
    """solutions/<folder>/<name> for each folder of solutions/ and each of `names` it has."""
    root = course.root.resolve()
    found = {}
    if course.solutions_dir.is_dir() and not course.solutions_dir.is_symlink():
        for folder in sorted(course.solutions_dir.resolve().iterdir()):
            for name in names:
                if folder.is_dir() and not folder.is_symlink() and _regular(folder / name):
                    found[(folder / name).relative_to(root).as_posix()] = folder / name
    return found


def lesson_pictures(course: Course) -> dict[str, bytes]:
    """exercises/pictures/<name>-<slug>.png for each exercise folder with a pictures.py."""
    from autograder.authoring.lesson_build import render_pictures

    out = {}
    for name in course.exercises:
        folder = course.folder(name)
        if (folder / "pictures.py").is_file():
            out.update(render_pictures(folder, name))
    return out


def _regular(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


def _student_copy(course: Course, dest: Path) -> Path:
    if dest.exists() and any(dest.iterdir()):
        raise CourseError(f"{dest}: exists and is not empty")
    for rel, path in student_files(course).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return dest


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
