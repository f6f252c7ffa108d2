"""`grade --watch`: graded at once, again after each save (in the same warm sandbox), Ctrl-C ends it
cleanly with the last grade's status and nothing left running."""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time

import pytest

from autograder.watch import snapshot, wait_for_change
from tests.conftest import ROOT, reference_path



def _read_until(proc, stream, marker: str, seconds: float) -> str:
    """What `stream` printed since the last call, up to and including `marker`'s line (fails past `seconds`).
    Read from the descriptor: a text wrapper's buffer would hide lines from select()."""
    fd = stream.fileno()
    pending = _pending.setdefault(fd, b"")
    deadline = time.monotonic() + seconds
    while marker.encode() not in pending:
        left = deadline - time.monotonic()
        assert left > 0 and proc.poll() is None, f"no {marker!r} within {seconds:g} s; got:\n{pending[-2000:]!r}"
        if select.select([fd], [], [], left)[0]:
            pending += os.read(fd, 65536)
    end = pending.index(b"\n", pending.index(marker.encode())) + 1 if b"\n" in pending[pending.index(
        marker.encode()):] else len(pending)
    _pending[fd] = pending[end:]
    return pending[:end].decode("utf-8", "replace")


_pending: dict[int, bytes] = {}


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def test_watch_grades_each_save_and_ctrl_c_stops_it(tmp_path):
    sub = tmp_path / "exercise1.py"
    sub.write_text((ROOT / "exercises" / "exercise1.py").read_text())  # the stub: no points
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "exercise1", "--submission", str(sub), "--watch"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "COLUMNS": "200"})
    try:
        first = _read_until(proc, proc.stdout, "Reproduce:", 300)
        assert "Total: 0 /" in first or ": 0 / " in first, first
        _read_until(proc, proc.stderr, "save it to grade again", 60)
        zygotes = _children(proc.pid)
        assert zygotes, "the warm sandbox's zygote should be running between saves"
        sub.write_text(reference_path("exercise1").read_text())  # the student finishes the exercise
        second = _read_until(proc, proc.stdout, "Reproduce:", 120)
        assert "not-implemented" not in second and "exercise1" in second
        title = next(line for line in second.splitlines() if "exercise1 —" in line)
        score, most = title.rsplit(":", 1)[1].split("/")
        assert float(score) == float(most) > 0, title
        _read_until(proc, proc.stderr, "save it to grade again", 60)
        assert _children(proc.pid) == zygotes, "a save is graded in the same warm sandbox"
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        status = proc.wait(timeout=60)
        err = (_pending.pop(proc.stderr.fileno(), b"") + os.read(proc.stderr.fileno(), 1 << 20)).decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert status == 0, err  # the last grade's: full marks
    assert "Traceback" not in err and "stopped watching" in err, err
    for pid in zygotes:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z", pid


def test_a_save_is_seen_once_it_has_settled(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    (folder / "exercise1.py").write_text("a")
    (folder / "notes.txt").write_text("x")
    before = snapshot(folder)
    assert list(before) == [str(folder / "exercise1.py")]  # only what can be graded
    (folder / "notes.txt").write_text("changed")
    started = time.monotonic()
    (folder / "exercise1.py").write_text("ab")
    after = wait_for_change(folder, before, poll=0.05)
    assert after != before and after[str(folder / "exercise1.py")][0] == 2
    assert time.monotonic() - started < 5
