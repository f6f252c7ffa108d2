"""The grader's own Python source as one digest: a change anywhere in the engine (a fix to compare or
diagnose can change a score) makes cached plans and gradebook rows stale. Read once per process."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent  # the whole autograder package, wherever its modules move


@lru_cache(maxsize=1)
def package_digest() -> str:
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        for data in (path.relative_to(PACKAGE).as_posix().encode(), path.read_bytes()):
            h.update(len(data).to_bytes(8, "big"))  # length-prefixed: no two file lists hash alike
            h.update(data)
    return h.hexdigest()
