"""Read a submission from disk into plain text: a .py file, a notebook, or a folder like the course.

The grader reads these files itself, outside the sandbox, so the student controls what is at
each path: a link to the course's solutions or to /proc/self/environ, a FIFO that never ends, a
2 GB sparse file. So a submission is read only as regular files inside the submission folder:
the folder the user names is opened as given (links on the way to it are the user's own), and
every name within it is opened relative to it without following links (`O_NOFOLLOW` on each
component, a subfolder included), checked with fstat to be a regular file, read up to a size
cap and decoded as strict UTF-8. Anything else is refused with one line naming the file.
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from autograder.course import Course, Exercise
from autograder.pipeline import Submission

LIMITS = {".py": 1 << 20, ".ipynb": 16 << 20}  # bytes: far above any honest answer, far below harm
_OPEN_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC  # a FIFO must not block
_OPEN_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class SubmissionError(Exception):
    """The submission path cannot be read; str() is one line naming it."""


class SubmissionRefused(SubmissionError):
    """A file is there but the grader will not read it: a link, not a regular file, too large,
    not UTF-8, not a notebook it can read. Graded as a crash where a report is made."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GiB" if n >= 1 << 30 else f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n} bytes"


class _Folder:
    """An open submission folder: names in it are looked up and opened relative to its descriptor."""

    def __init__(self, path: Path):
        self.path = path
        try:  # the folder the user named: links on the way to it are theirs
            self.fd = os.open(path, _OPEN_DIR & ~os.O_NOFOLLOW)
        except OSError as e:
            raise SubmissionError(f"{path}: cannot read: {e.strerror or e}") from None

    def close(self) -> None:
        os.close(self.fd)

    def entry(self, name: str) -> os.stat_result | None:
        """What `name` is, links not followed; None when there is nothing by that name."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        except OSError as e:
            raise SubmissionRefused(f"{self.path / name}: cannot read: {e.strerror or e}") from None

    def names(self) -> list[str]:
        try:
            return os.listdir(self.fd)
        except OSError as e:
            raise SubmissionRefused(f"{self.path}: cannot read: {e.strerror or e}") from None

    def only_subfolder(self) -> "_Folder | None":
        """The one folder inside (a repository downloaded as a zip: conv-course-main/), if it is alone
        beside hidden entries and no .py or .ipynb file."""
        names = [n for n in self.names() if not n.startswith(".") and n != "__MACOSX"]
        if len(names) != 1 or names[0].endswith((".py", ".ipynb")):
            return None
        return self.subfolder(names[0])

    def subfolder(self, name: str) -> "_Folder | None":
        """`name` as a folder of its own, None if absent or not a folder; refused if it is a link."""
        found = self.entry(name)
        if found is None or not (stat.S_ISDIR(found.st_mode) or stat.S_ISLNK(found.st_mode)):
            return None
        if stat.S_ISLNK(found.st_mode):
            raise SubmissionRefused(f"{self.path / name}: a symbolic link; submit the folder itself")
        inner = _Folder.__new__(_Folder)
        inner.path = self.path / name
        try:
            inner.fd = os.open(name, _OPEN_DIR, dir_fd=self.fd)
        except OSError as e:
            raise SubmissionRefused(f"{inner.path}: cannot read: {e.strerror or e}") from None
        return inner

    def read(self, name: str) -> str | None:
        """The text of the regular file `name` in this folder, None if there is nothing by that name."""
        shown = self.path / name
        limit = LIMITS.get(Path(name).suffix, LIMITS[".py"])
        found = self.entry(name)
        if found is None:
            return None
        if stat.S_ISLNK(found.st_mode):
            raise SubmissionRefused(f"{shown}: a symbolic link; submit the file itself")
        if not stat.S_ISREG(found.st_mode):
            raise SubmissionRefused(f"{shown}: {_kind(found.st_mode)}, not a file; submit the file itself")
        if found.st_size > limit:
            raise SubmissionRefused(f"{shown}: too large ({_size(found.st_size)}; at most {_size(limit)})")
        try:
            fd = os.open(name, _OPEN_FILE, dir_fd=self.fd)
        except OSError as e:  # replaced by a link or removed since we looked
            raise SubmissionRefused(f"{shown}: cannot read: {e.strerror or e}") from None
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino):
                raise SubmissionRefused(f"{shown}: changed while it was being read")
            data = _read_at_most(fd, limit + 1)
        except OSError as e:
            raise SubmissionRefused(f"{shown}: cannot read: {e.strerror or e}") from None
        finally:
            os.close(fd)
        if len(data) > limit:
            raise SubmissionRefused(f"{shown}: too large (more than {_size(limit)})")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SubmissionRefused(f"{shown}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); "
                                    "save it as UTF-8") from None


def _read_at_most(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _source(folder: _Folder, name: str) -> str | None:
    """The module text of `name` in `folder` (a notebook's code for a .ipynb), None if absent."""
    text = folder.read(name)
    if text is None or not name.endswith(".ipynb"):
        return text
    from autograder.judging.notebook import NotebookError, notebook_code

    try:
        return notebook_code(text, str(folder.path / name))
    except NotebookError as e:
        raise SubmissionRefused(str(e)) from None


def _exercise_source(folder: _Folder, ex: Exercise) -> str | None:
    """The exercise's .py if there is anything by that name, else its notebook, else the one file
    a browser or an LMS renamed (`exercise4 (1).py`, `exercise4-2.ipynb`), else None. Two renamed
    copies are ambiguous: refused with both names rather than one picked."""
    for name in (ex.file, f"{ex.module}.ipynb"):
        if folder.entry(name) is not None:
            return _source(folder, name)
    renamed = re.compile(rf"{re.escape(ex.module)}(?: ?\(\d+\)|[-_ ]\d+|[-_ ]?copy)\.(?:py|ipynb)", re.IGNORECASE)
    found = sorted(n for n in folder.names() if renamed.fullmatch(n))
    if len(found) > 1:
        raise SubmissionRefused(f"{folder.path}: {' and '.join(found[:3])} could each be {ex.file}: "
                                f"submit one, named {ex.file}")
    return _source(folder, found[0]) if found else None


def _folder_sources(course: Course, folder: _Folder, graded: Exercise, *, with_graded: bool = True) -> dict[str, str]:
    """The graded exercise's file (refusals raised; left out if not `with_graded`) and every other
    exercise's readable one, by module."""
    sources = {}
    for ex in course.exercises.values():
        if ex.module == graded.module:
            continue
        try:
            text = _exercise_source(folder, ex)
        except SubmissionRefused:
            continue  # a sibling is only importable; it is refused when it is graded itself
        if text is not None:
            sources[ex.module] = text
    text = _exercise_source(folder, graded) if with_graded else None
    if text is not None:
        sources[graded.module] = text
    return sources


def load_submission(course: Course, ex: Exercise, path: Path | None) -> Submission:
    """`path` None means the course's own exercises/ folder."""
    if path is None:
        root, name = Path(course.exercises_dir), None
    else:
        path = Path(path)
        if not os.path.lexists(path):
            raise SubmissionError(f"{path}: no such file or folder")
        if path.is_dir() and not path.is_symlink():
            root, name = path, None
        elif path.suffix in (".py", ".ipynb"):
            root, name = path.parent, path.name  # the file itself is read without following a link
        elif path.is_dir():
            root, name = path, None  # a link to a folder, named by the user
        else:
            raise SubmissionError(f"{path}: a submission is a .py file, a .ipynb notebook or a folder")
    folder = _Folder(root)
    try:
        if name is not None:
            sources = _folder_sources(course, folder, ex, with_graded=False)
            text = _source(folder, name)
            if text is None:
                raise SubmissionError(f"{path}: no such file or folder")
            sources[ex.module] = text
            return Submission(ex.module, sources, str(path))
        for _ in range(2):  # the folder, or the one folder inside it, then its exercises/
            inner = folder.subfolder("exercises")
            if inner is not None:
                folder.close()
                folder = inner
                break
            if any(n.endswith((".py", ".ipynb")) for n in folder.names()):
                break
            inner = folder.only_subfolder()
            if inner is None:
                break
            folder.close()
            folder = inner
        sources = _folder_sources(course, folder, ex)
    finally:
        folder.close()
    if ex.module not in sources:
        where = path if path is not None else root
        raise SubmissionError(f"{where}: has no {ex.file} (or {ex.module}.ipynb)")
    return Submission(ex.module, sources, str(path) if path is not None else "")
