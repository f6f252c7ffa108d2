"""unreachable.py's walk of torch and numpy, kept on disk between grader processes.

The walk (sympy's import included) costs seconds, and every `grade` process with forbidden rules
did it again before its first static check. Its result depends only on the installation and on
which modules are loaded, so it is stored under a key made of all of that: the allowed roots, the
loaded modules of those roots, the interpreter, where torch, numpy, sympy and mpmath are installed
and when, and the source of the walk (unreachable.py). A changed installation or walk is a new key, walked again.

Stored in the grader's own cache folder (disk_cache.py); a file that is not ours or does not read
back as a {name: text} mapping is ignored and walked again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Callable

from autograder.judging import disk_cache

# packages whose installation decides what the walk finds (sympy and mpmath: torch binds them lazily)
_INSTALLED = ("torch", "numpy", "sympy", "mpmath")
_memo: dict[tuple, dict[str, str]] = {}  # (allowed, len(sys.modules)) -> names, in this process


def refused(allowed: tuple[str, ...], loaded: int, walk: Callable[[tuple[str, ...]], dict[str, str]]) -> dict[str, str]:
    """walk(allowed), or the same result read back from an earlier process's walk under the same key."""
    hit = _memo.get((allowed, loaded))
    if hit is not None:
        return hit
    name = f"refused-names-{_key(allowed, sys.modules[walk.__module__].__file__)}.json"
    names = disk_cache.read(name)
    if not (isinstance(names, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in names.items())):
        names = walk(allowed)
        disk_cache.write(name, names, family="refused-names-", keep=16)
    _memo[(allowed, loaded)] = _memo[(allowed, len(sys.modules))] = names
    return names


def _key(allowed: tuple[str, ...], walker_file: str) -> str:
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
    walker = Path(walker_file).read_bytes()  # the walk's own source: an edit of it is a new key
    text = json.dumps([list(allowed), modules, sys.version, sys.executable, installed,
                       hashlib.sha256(walker).hexdigest()])
    return hashlib.sha256(text.encode()).hexdigest()[:32]
