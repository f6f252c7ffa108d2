"""The grader's cache folder: JSON files other grader processes read back (names_cache.py, plan_cache.py).

The folder is the grader's own (GRADE_CACHE_DIR, else $XDG_CACHE_HOME/conv-course, else
~/.cache/conv-course), owned by the grader's user and writable by no one else: never the box or
/tmp, which student code may write (a forged file could empty the refused list or change the
cases). A file that is not ours, is a link, or does not parse is ignored and computed again.
"""
from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any


def folder() -> Path:
    env = os.environ.get("GRADE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "conv-course"


def _ours(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(name: str) -> Any:
    """The JSON stored under `name`, or None (absent, unreadable, or not written by us alone)."""
    path = folder() / name
    try:
        if not _ours(os.stat(path.parent)):
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not (stat.S_ISREG(info.st_mode) and _ours(info)):
                return None
            return json.loads(f.read())
    except (OSError, ValueError):
        return None


def write(name: str, data: Any, *, family: str | None = None, keep: int = 8) -> None:
    """Atomically (another grader process may read it meanwhile); a folder we cannot use is no error.
    `family`: a name prefix of which only the `keep` newest files stay (each edit of a course makes a
    new key: the folder must not grow without end)."""
    path = folder() / name
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _ours(os.stat(path.parent)):
            return
        fd, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
        if family:
            _prune(path.parent, family, keep)
    except (OSError, TypeError, ValueError):
        pass


def _prune(where: Path, family: str, keep: int) -> None:
    dated = []
    for old in where.glob(f"{family}*.json"):
        try:
            dated.append((old.stat().st_mtime_ns, old))
        except OSError:
            continue  # pruned by another process meanwhile
    for _, old in sorted(dated, reverse=True)[keep:]:
        try:
            old.unlink()
        except OSError:
            pass
