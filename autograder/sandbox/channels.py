"""The grader's end of a student's process, shared by a normal run (runner.py) and a timed run
(stopwatch.py): the run's limits, the sealed request, the bounded output, and what a death means."""
from __future__ import annotations

import os
import signal
import tempfile
from dataclasses import dataclass

OUTPUT_CAP = 64 * 1024
READ_BURST = 4 << 20  # bytes read from one pipe before the clock is looked at again


@dataclass(frozen=True)
class Limits:
    case: float
    total: float
    memory: int
    importing: float


def sealed(data: bytes) -> int:
    """A read-only, unlinked file holding `data`, at offset 0: nothing the student can reach by path."""
    if hasattr(os, "memfd_create"):
        import fcntl

        fd = os.memfd_create("grade-request", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_WRITE | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SHRINK
                    | fcntl.F_SEAL_SEAL)
    else:
        fd, path = tempfile.mkstemp(prefix="grade-request-")
        os.unlink(path)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


class Output:
    """What the student's process wrote to fds 1 and 2 since the last take(): the first 64 KiB
    and a count of the rest. Which call it belongs to is decided by when it was read (see runner._Run._watch)."""

    def __init__(self):
        self.kept = bytearray()
        self.dropped = 0

    def drain(self, fd: int) -> bool:
        """Read at most READ_BURST bytes; False at end of file (every writer closed it)."""
        got = 0
        while got < READ_BURST:
            try:
                chunk = os.read(fd, 1 << 20)
            except BlockingIOError:
                return True
            if not chunk:
                return False
            got += len(chunk)
            room = max(OUTPUT_CAP - len(self.kept), 0)
            self.kept += chunk[:room]
            self.dropped += max(0, len(chunk) - room)
        return True

    def take(self) -> str:
        text = self.kept.decode("utf-8", "replace")
        if self.dropped:
            text += f"\n[... {self.dropped} more bytes of output not shown]"
        self.kept, self.dropped = bytearray(), 0
        return text


def death(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        extra = " (out of memory?)" if sig == signal.SIGKILL else ""
        return f"the process died of signal {name}{extra} before returning"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    return f"the process ended (exit status {code}) before returning: os._exit or a crash in C code?"
