"""The Gradescope autograder zip: setup.sh and run_autograder at the root, the course under course/.

course/ holds what `pip install` needs to install the grader (pyproject.toml, README.md,
autograder/) plus course.yml and the student stubs (exercises/). The reference solutions
stay out: grading needs only torch, and the zip then reveals nothing a student could use.
"""
from __future__ import annotations

import shlex
import zipfile
from pathlib import Path

from autograder.course import Course

TEMPLATES = Path(__file__).with_name("templates")
TORCH_VERSION = "2.13.0"
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
EXECUTABLE = 0o100755 << 16
REGULAR = 0o100644 << 16


class PackageError(Exception):
    """The zip cannot be built; str() is one line."""


def scripts(exercise: str | None = None) -> dict[str, str]:
    """setup.sh and run_autograder, filled in for this course (one exercise, or all of them)."""
    setup = (TEMPLATES / "gradescope_setup.sh").read_text(encoding="utf-8")
    run = (TEMPLATES / "gradescope_run_autograder").read_text(encoding="utf-8")
    return {"setup.sh": setup.replace("__TORCH_VERSION__", TORCH_VERSION),
            "run_autograder": run.replace("__EXERCISE__", shlex.quote(exercise) if exercise else "")}


def course_files(course: Course) -> dict[str, Path]:
    """Archive name -> file on disk, for everything under course/ in the zip."""
    root = course.root.resolve()
    package = Path(__file__).resolve().parent
    files: dict[str, Path] = {}
    for name in ("pyproject.toml", "README.md", "course.yml"):
        if (root / name).is_file():
            files[f"course/{name}"] = root / name
    if "course/pyproject.toml" not in files:
        # a course kept apart from the grader's source: ship the grader's own pyproject
        source = package.parent
        for name in ("pyproject.toml", "README.md"):
            if (source / name).is_file():
                files.setdefault(f"course/{name}", source / name)
    for folder, prefix in ((package, "course/autograder"), (course.exercises_dir, "course/exercises")):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if path.is_file() and not SKIP_PARTS.intersection(rel.parts) and path.suffix != ".pyc":
                files[f"{prefix}/{rel.as_posix()}"] = path
    for needed in ("course/pyproject.toml", "course/course.yml"):
        if needed not in files:
            raise PackageError(f"{root}: no {needed.split('/')[-1]} to put in the autograder zip")
    return files


def build_package(course: Course, out: Path | str, *, exercise: str | None = None) -> list[str]:
    """Write the zip; returns the archive names in it."""
    if exercise is not None:
        course.exercise(exercise)  # unknown names fail here, with the course's one-line error
    out = Path(out)
    names = []
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, text in scripts(exercise).items():
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.external_attr = EXECUTABLE
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, text)
                names.append(name)
            for name, path in course_files(course).items():
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.external_attr = REGULAR
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, path.read_bytes())
                names.append(name)
    except OSError as e:
        raise PackageError(f"{out}: cannot write: {e.strerror or e}") from None
    return names
