"""`grade --watch`: grade again each time the submission is saved, in the same warm sandbox.

Polls the files' size and modification time (no dependency, any filesystem, a few stat calls per
poll) and grades once they have stayed the same for a poll, so an editor's save that writes in
steps is graded once, complete. Each run forks a fresh student process from the warm zygote and
reuses the cases already drawn, so a regrade costs about what the student's own code costs.
Ctrl-C stops it; the exit status is the last grade's.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable

POLL = 0.3  # seconds between looks: fast enough to feel immediate, cheap enough to leave running
WATCHED = (".py", ".ipynb")
MOST_FILES = 2000  # a folder that large is not a submission: stop listing there


def snapshot(path: Path) -> dict[str, tuple[int, int]]:
    """path -> (size, mtime in ns) of the submission file, or of each .py/.ipynb file under a folder."""
    found: dict[str, tuple[int, int]] = {}
    if path.is_dir():
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                if name.endswith(WATCHED) and len(found) < MOST_FILES:
                    _stat_into(found, os.path.join(root, name))
    else:
        _stat_into(found, str(path))
    return found


def _stat_into(found: dict, name: str) -> None:
    try:
        info = os.stat(name)
    except OSError:
        return  # being replaced (a save by rename): absent until the new one is there
    found[name] = (info.st_size, info.st_mtime_ns)


def wait_for_change(path: Path, before: dict, poll: float = POLL) -> dict:
    """Block until the files differ from `before` and then stay the same for one poll; the new snapshot."""
    while True:
        time.sleep(poll)
        now = snapshot(path)
        if now != before:
            while True:
                time.sleep(poll)
                settled = snapshot(path)
                if settled == now:
                    return now
                now = settled


def watch(grade_once: Callable[[], int], path: Path, poll: float = POLL) -> int:
    """grade_once() now and after every save of `path`, until Ctrl-C; the last status."""
    status = 1
    try:
        seen = snapshot(path)  # before grading: a save during the run grades again right after
        while True:
            status = grade_once()
            print(f"grade: watching {path}: save it to grade again (Ctrl-C stops)", file=sys.stderr, flush=True)
            seen = wait_for_change(path, seen, poll)
    except KeyboardInterrupt:
        print("grade: stopped watching", file=sys.stderr, flush=True)
        return status
