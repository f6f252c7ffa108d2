"""unreachable.py's walk of torch and numpy, kept on disk between grader processes.

The walk (sympy's import included) costs seconds, and every `grade` process with forbidden rules
did it again before its first static check. Its result depends only on the installation and on
which modules are loaded, so it is stored under a key made of all of that: the allowed roots, the
loaded modules of those roots, the interpreter, where torch, numpy, sympy and mpmath are installed
and when, and the source of unreachable.py. A changed installation or walk is a new key, walked again.

The folder is the grader's own (GRADE_CACHE_DIR, else $XDG_CACHE_HOME/conv-course, else
~/.cache/conv-course), owned by the grader's user and writable by no one else: never the box or
/tmp, which student code may write (a forged file could empty the refused list). A file that is
not ours or does not read back as a {name: text} mapping is ignored and walked again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Callable

# packages whose installation decides what the walk finds (sympy and mpmath: torch binds them lazily)
_INSTALLED = ("torch", "numpy", "sympy", "mpmath")
_memo: dict[tuple, dict[str, str]] = {}  # (allowed, len(sys.modules)) -> names, in this process


def folder() -> Path:
    env = os.environ.get("GRADE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "conv-course"


def refused(allowed: tuple[str, ...], loaded: int, walk: Callable[[tuple[str, ...]], dict[str, str]]) -> dict[str, str]:
    """walk(allowed), or the same result read back from an earlier process's walk under the same key."""
    hit = _memo.get((allowed, loaded))
    if hit is not None:
        return hit
    path = folder() / f"refused-names-{_key(allowed)}.json"
    names = _read(path)
    if names is None:
        names = walk(allowed)
        _write(path, names)
    _memo[(allowed, loaded)] = _memo[(allowed, len(sys.modules))] = names
    return names


def _key(allowed: tuple[str, ...]) -> str:
    roots = set(allowed)
    modules = sorted(n for n, m in list(sys.modules.items()) if m is not None and n.split(".")[0] in roots)
    installed = []
    for name in _INSTALLED:
        try:
            spec = importlib.util.find_spec(name)
            origin = spec.origin if spec is not None else None
            info = os.stat(origin) if origin else None
        except (ImportError, ValueError, OSError):
            origin, info = None, None
        installed.append([name, origin, info and info.st_mtime_ns, info and info.st_size,
                          str(getattr(sys.modules.get(name), "__version__", ""))])
    walker = Path(__file__).with_name("unreachable.py").read_bytes()
    text = json.dumps([list(allowed), modules, sys.version, sys.executable, installed,
                       hashlib.sha256(walker).hexdigest()])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _ours(info: os.stat_result) -> bool:
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> dict[str, str] | None:
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
            data = json.loads(f.read())
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())):
        return None
    return data


def _write(path: Path, names: dict[str, str]) -> None:
    """Atomically (another grader process may read it meanwhile); a folder we cannot use is no error."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _ours(os.stat(path.parent)):
            return
        fd, temp = tempfile.mkstemp(prefix=".refused-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(names, f)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError:
        pass
