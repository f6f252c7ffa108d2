"""The Gradescope autograder zip: setup.sh and run_autograder at the root, the course under course/.

course/ holds what `pip install` needs to install the grader (pyproject.toml, README.md,
autograder/) plus course.yml, the student stubs (exercises/) and of each folder solutions/<name>/
its config, cases and mutants (Gradescope names misconceptions as `grade batch` does). The reference
solutions and the wrong submissions stay out: grading needs only torch. `salt` (mode 0600) is the secret that hides the cases (autograder/seeding.py):
$CONV_COURSE_SALT or $CONV_COURSE_SALT_FILE's, else a new random one. The zip is the
instructor's (Gradescope never shows it to students); inside Gradescope, the sandbox must keep
student code away from /autograder/source, the installed grader and the results.
"""
from __future__ import annotations

import secrets
import shlex
import sys
import zipfile
from pathlib import Path

from autograder.content import GRADER_NEEDS
from autograder.course import Course
from autograder.authoring.release import content_files

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
TORCH_VERSION = "2.13.0"
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints"}
EXECUTABLE = 0o100755 << 16
REGULAR = 0o100644 << 16
SECRET = 0o100600 << 16
SALT_NAME = "salt"


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
    package = Path(__file__).resolve().parent.parent
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
            if (path.is_file() and not path.is_symlink() and not SKIP_PARTS.intersection(rel.parts)
                    and path.suffix not in (".pyc", ".db")):
                files[f"{prefix}/{rel.as_posix()}"] = path
    files.update({f"course/{rel}": path for rel, path in content_files(course, GRADER_NEEDS).items()})
    for needed in ("course/pyproject.toml", "course/course.yml"):
        if needed not in files:
            raise PackageError(f"{root}: no {needed.split('/')[-1]} to put in the autograder zip")
    return files


def package_salt() -> tuple[str, bool]:
    """The salt the zip carries, and whether it was made here (no salt was set)."""
    from autograder.seeding import read_salt

    salt = read_salt()
    return (salt, False) if salt else (secrets.token_hex(32), True)


def build_package(course: Course, out: Path | str, *, exercise: str | None = None) -> list[str]:
    """Write the zip; returns the archive names in it."""
    if exercise is not None:
        course.exercise(exercise)  # unknown names fail here, with the course's one-line error
    out = Path(out)
    salt, made = package_salt()
    entries = [(name, text.encode(), EXECUTABLE) for name, text in scripts(exercise).items()]
    entries.append((SALT_NAME, (salt + "\n").encode(), SECRET))
    entries += [(name, path.read_bytes(), REGULAR) for name, path in course_files(course).items()]
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data, mode in entries:
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.external_attr = mode
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
    except OSError as e:
        raise PackageError(f"{out}: cannot write: {e.strerror or e}") from None
    if made:
        print(f"grade gradescope-package: no $CONV_COURSE_SALT set: {out} carries a new random salt "
              f"(`unzip -p {out} {SALT_NAME}` reads it; keep it to reproduce Gradescope's seeds)", file=sys.stderr)
    return [name for name, _, _ in entries]
