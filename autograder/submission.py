"""Read a submission from disk into plain text: a .py file, a notebook, or a folder like the course."""
from __future__ import annotations

from pathlib import Path

from autograder.course import Course, Exercise
from autograder.sandbox.runner import Submission


class SubmissionError(Exception):
    """The submission path cannot be read; str() is one line naming it."""


def _read(path: Path) -> str:
    try:
        if path.suffix == ".ipynb":
            from autograder.notebook import notebook_source

            return notebook_source(path)
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise SubmissionError(f"{path}: cannot read: {e.strerror or e}") from None


def _folder_sources(course: Course, folder: Path) -> dict[str, str]:
    """Every exercise's file in `folder` (a .py, else a notebook), by module name."""
    sources = {}
    for ex in course.exercises.values():
        for candidate in (folder / ex.file, folder / f"{ex.module}.ipynb"):
            if candidate.is_file():
                sources[ex.module] = _read(candidate)
                break
    return sources


def load_submission(course: Course, ex: Exercise, path: Path | None) -> Submission:
    """`path` None means the course's own exercises/ folder."""
    if path is None:
        folder = course.exercises_dir
    else:
        path = Path(path)
        if not path.exists():
            raise SubmissionError(f"{path}: no such file or folder")
        if path.is_file():
            if path.suffix not in (".py", ".ipynb"):
                raise SubmissionError(f"{path}: a submission is a .py file, a .ipynb notebook or a folder")
            siblings = _folder_sources(course, path.parent)
            siblings[ex.module] = _read(path)
            return Submission(ex.module, siblings, str(path))
        folder = path / "exercises" if (path / "exercises").is_dir() else path
    sources = _folder_sources(course, folder)
    if ex.module not in sources:
        where = path if path is not None else folder
        raise SubmissionError(f"{where}: has no {ex.file} (or {ex.module}.ipynb)")
    return Submission(ex.module, sources, str(path) if path is not None else "")
