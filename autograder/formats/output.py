"""Write a rendered report: to standard output, or atomically to a file (never half-written)."""
from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

from autograder.errors import OutputError
from autograder.formats import render


def write_text(text: str, path: Path | None) -> None:
    if path is None:
        try:
            sys.stdout.write(text)
        except UnicodeEncodeError:  # a terminal that is not UTF-8 (LANG=C in a CI image): escapes, not a traceback
            encoding = sys.stdout.encoding or "ascii"
            sys.stdout.write(text.encode(encoding, "backslashreplace").decode(encoding))
        sys.stdout.flush()
        return
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None


def write_report(report, fmt: str, path: Path | None, **options) -> None:
    # text: width and colour as rich detects them where it goes (a file is no terminal: no colour
    # unless $FORCE_COLOR asks); other options go to the format's renderer (gradescope's visibility)
    if fmt == "text":
        options = {"stream": io.StringIO() if path is not None else sys.stdout, **options}
    write_text(render(report, fmt, **options), path)


def append_text(text: str, path: Path) -> None:
    """Append to a file others write too ($GITHUB_STEP_SUMMARY): one write, never a partial line."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            data = text.encode("utf-8")
            while data:
                data = data[os.write(fd, data):]
        finally:
            os.close(fd)
    except OSError as e:
        raise OutputError(f"{path}: cannot write: {e.strerror or e}") from None
